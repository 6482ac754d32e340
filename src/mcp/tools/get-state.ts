import { z } from "zod";
import { stateToWire } from "../../core/wire.js";
import { type Offer, defineTool } from "../tool.js";

export const getStateTool = (offer: Offer) =>
  defineTool({
    name: "get_state",
    title: "Show the timeline",
    description:
      "Read the current project: a one-line timeline summary (e.g. `Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: \"Urban Dreams\" (0-3s)`), the tracks, and the uploaded media. " +
      "Use it when the person asks for the status, the tracks or the timeline (状态), when the agent says \"open …\" or \"preview in the timeline\", and to check what an edit did.",
    inputSchema: {},
    outputSchema: {
      session_id: z.string().describe("The current project"),
      timeline: z.string().describe("One-line summary of the timeline"),
      tracks: z.array(
        z.object({
          index: z.number(),
          type: z.string().describe("video, bgm, title or track"),
          segments: z.number(),
          start_s: z.number(),
          end_s: z.number(),
          label: z.string(),
        }),
      ),
      media: z.array(
        z.object({
          id: z.string().optional().describe(offer.editor ? "The media id to use in apply_edits" : "The media's id"),
          name: z.string(),
          type: z.enum(["video", "image", "audio", "other"]),
          duration_s: z.number().optional(),
          width: z.number().optional(),
          height: z.number().optional(),
          url: z.string().optional(),
        }),
      ),
    },
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    async run(_args, { backend }, call) {
      const state = await backend.getState({ signal: call.signal });
      const media = state.media.length > 0 ? `\nMedia: ${state.media.map((m) => `${m.name} (${m.type})`).join(", ")}` : "";
      return { structured: stateToWire(state), text: `${state.timeline}${media}` };
    },
  });
