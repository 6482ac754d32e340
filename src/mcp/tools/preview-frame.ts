import { z } from "zod";
import { defineTool } from "../tool.js";

export const previewFrameTool = defineTool({
  name: "preview_frame",
  requires: ["editor"],
  title: "Preview a frame (local)",
  description:
    "Render one frame of the current timeline at `at_seconds` and return it as a PNG image, so you can check framing, titles and colours before exporting. Fast: only that moment is rendered, at most 640 px wide.",
  inputSchema: {
    at_seconds: z
      .number({ error: "at_seconds must be a number of seconds" })
      .min(0, { error: "at_seconds cannot be negative" })
      .max(24 * 3600, { error: "at_seconds is beyond any timeline" })
      .describe("The moment to show, in seconds from the start"),
  },
  outputSchema: {
    at_seconds: z.number(),
    width: z.number(),
    height: z.number(),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run(args, { backend }, call) {
    const frame = await backend.editor.previewFrame(args.at_seconds, { signal: call.signal });
    return {
      structured: { at_seconds: frame.atSeconds, width: frame.width, height: frame.height },
      text: `Frame at ${frame.atSeconds} s (${frame.width}×${frame.height}).`,
      content: [{ type: "image", data: frame.png.toString("base64"), mimeType: "image/png" }],
    };
  },
});
