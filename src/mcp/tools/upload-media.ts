import { z } from "zod";
import { hostPath } from "../paths.js";
import { uploadResultToWire } from "../../core/wire.js";
import { type Offer, defineTool } from "../tool.js";

/** Its next step names the edit tool this backend has. */
export const uploadMediaTool = (offer: Offer) =>
  defineTool({
    name: "upload_media",
    title: "Upload media",
    description:
      "Add the person's own video clips, photos and music to the current video project. Use it whenever they share files or links, before asking for edits. " +
      (offer.agent
        ? "Pass absolute local paths in `paths` and/or http(s) links in `urls`. Accepted: mp4, mov, avi, webm, mkv, jpg, png, gif, webp, mp3, wav, m4a, aac, up to 500 MB each. "
        : "Pass absolute local paths in `paths` (local mode reads files on this computer; links are not fetched): any video, photo or audio file ffmpeg can read, and .srt/.vtt subtitle files for add_subtitles. ") +
      "Every file is checked first; files that fail a check are listed in `rejected` with the reason and the rest are still uploaded. " +
      (offer.agent ? "Next: describe the video with edit_video." : "Next: build the video with apply_edits (local: you write the edit ops)."),
    inputSchema: {
      paths: z
        .array(z.string({ error: "each path must be text" }).min(1, { error: "a path cannot be empty" }), { error: "paths must be a list of file paths" })
        .max(200, { error: "upload at most 200 files per call" })
        .optional()
        .describe("Absolute paths of local files (or under ~), e.g. /Users/ana/clips/beach.mp4"),
      urls: z
        .array(z.string({ error: "each link must be text" }).min(1, { error: "a link cannot be empty" }), { error: "urls must be a list of links" })
        .max(50, { error: "upload at most 50 links per call" })
        .optional()
        .describe("http(s) links the service should fetch"),
    },
    outputSchema: {
      uploaded: z
        .array(
          z.object({
            name: z.string(),
            type: z.enum(["video", "image", "audio", "other"]),
            duration_s: z.number().optional(),
            width: z.number().optional(),
            height: z.number().optional(),
          }),
        )
        .describe("Media now in the project"),
      rejected: z.array(z.object({ input: z.string(), reason: z.string() })).describe("Inputs that were not uploaded, and why"),
    },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    async run(args, { backend }, call) {
      const checked = (args.paths ?? []).map((input) => ({ input, ...hostPath(input) }));
      const paths = checked.flatMap((c) => (c.ok ? [c.path] : []));
      const notAbsolute = checked.flatMap((c) => (c.ok ? [] : [{ input: c.input, reason: c.reason }]));
      // The backend answers an empty call itself ("Nothing to upload"); only all-refused paths skip it.
      const uploaded =
        notAbsolute.length > 0 && paths.length === 0 && (args.urls ?? []).length === 0
          ? { uploaded: [], rejected: [] }
          : await backend.upload({ paths, urls: args.urls ?? [] }, { signal: call.signal, onProgress: call.progress });
      const result = { uploaded: uploaded.uploaded, rejected: [...notAbsolute, ...uploaded.rejected] };
      const lines = [
        ...result.uploaded.map((m) => `Uploaded ${m.name} (${m.type}${m.durationSeconds ? `, ${Math.round(m.durationSeconds)} s` : ""}).`),
        ...result.rejected.map((r) => `Not uploaded: ${r.input} — ${r.reason}`),
      ];
      if (result.uploaded.length > 0) {
        lines.push(offer.agent ? "Next: describe the video you want with edit_video." : "Next: build the video with apply_edits.");
      }
      return { structured: uploadResultToWire(result), text: lines.join("\n") || "Nothing was uploaded." };
    },
  });
