import { pathToFileURL } from "node:url";
import { z } from "zod";
import { defineTool } from "../tool.js";
import { previewVideoUri } from "../video-resources.js";

/**
 * The studio View's Preview button (MCP Apps: hidden from the model, `visibility: ["app"]`).
 * A host without Apps lists it like any tool, so its result still reads on its own.
 */
export const renderPreviewTool = defineTool({
  name: "render_preview",
  requires: ["editor"],
  title: "Render a quick preview video (local)",
  description:
    "Render the whole current timeline as a small, fast MP4 (540p, lower quality) to watch before exporting; the studio View plays it. " +
    "An unchanged timeline returns the last preview at once. The file is a preview only: export_video makes the real MP4.",
  inputSchema: {},
  outputSchema: {
    session_id: z.string(),
    video_uri: z.string().describe("The preview as a resource (resources/read returns the MP4 as a blob)"),
    file: z.string().describe("Absolute path of the preview MP4"),
    bytes: z.number(),
    duration_s: z.number(),
    width: z.number(),
    height: z.number(),
    reused: z.boolean().describe("The timeline had not changed: the last preview was returned"),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  app: "app",
  async run(_args, { backend }, call) {
    const video = await backend.editor.renderPreview({ signal: call.signal, onProgress: call.progress });
    const uri = previewVideoUri(video.sessionId);
    const mb = Math.round((video.bytes / 1024 / 1024) * 10) / 10;
    return {
      structured: {
        session_id: video.sessionId, video_uri: uri, file: video.file, bytes: video.bytes,
        duration_s: video.durationSeconds, width: video.width, height: video.height, reused: video.reused,
      },
      text: `Preview ready (${video.width}×${video.height}, ${video.durationSeconds} s, ${mb} MB): ${video.file}`,
      content: [
        { type: "resource_link", uri, name: "preview.mp4", mimeType: "video/mp4", description: "The preview rendition, for a player" },
        { type: "resource_link", uri: pathToFileURL(video.file).toString(), name: "preview.mp4", mimeType: "video/mp4", description: "The preview file on this computer" },
      ],
    };
  },
});
