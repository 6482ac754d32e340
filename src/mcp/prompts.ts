import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { type ActionNames, guideMarkdown } from "../core/guide.js";
import { route } from "../core/routing.js";

/** The MCP names of the routed actions, for the guide built from core data. */
export const MCP_ACTION_NAMES: ActionNames = {
  export: "export_video",
  credits: "get_credits",
  state: "get_state",
  upload: "upload_media",
  edit: "edit_video",
  job: "get_job",
  newSession: "new_session",
};

/** The local backend's edit guide, loaded only when the prompt is asked for in local mode. */
async function localGuide(): Promise<string> {
  const { EDIT_OPS_GUIDE } = await import("../local/ops.js");
  return [
    "## Local mode: you are the editor",
    "The local backend has no editing agent. Instead of edit_video, turn the request into operations for apply_edits, check a moment with preview_frame, then export_video. Rendering is offline and free (no credits).",
    "",
    EDIT_OPS_GUIDE,
  ].join("\n");
}

export function videoMakerPromptText(request?: string, extra?: string): string {
  const parts = [
    "You are acting as the video-maker skill: you turn the person's own clips, photos and music into a finished MP4 using the video-maker tools. Keep technical details out of the chat.",
    "",
    guideMarkdown(MCP_ACTION_NAMES),
  ];
  if (extra) parts.push("", extra);
  if (request?.trim()) {
    const decision = route(request);
    parts.push(
      "",
      "## The person's request",
      request.trim(),
      "",
      `Routing says: **${decision.action}** → call ${MCP_ACTION_NAMES[decision.action]}${decision.matched ? ` (matched "${decision.matched}")` : ""}.`,
    );
  }
  return parts.join("\n");
}

export function registerPrompts(server: McpServer, backend: "nemo" | "local"): void {
  server.registerPrompt(
    "video-maker",
    {
      title: "Video maker",
      description:
        "Act as the video-maker skill: the routing table, how to translate the agent's GUI language, the workflows, and what each error means for the person.",
      argsSchema: { request: z.string().optional().describe("What the person asked for, e.g. \"export 1080p MP4\"") },
    },
    async ({ request }) => ({
      messages: [
        {
          role: "user",
          content: { type: "text", text: videoMakerPromptText(request, backend === "local" ? await localGuide() : undefined) },
        },
      ],
    }),
  );
}
