import { z } from "zod";
import { defineTool } from "../tool.js";

export const previewFrameTool = defineTool({
  name: "preview_frame",
  requires: ["editor"],
  title: "Preview a frame (local)",
  description:
    "Render one frame of the current timeline at `at_seconds` and return it as a PNG image, so you can check framing, titles and colours before exporting. Fast: only that moment is rendered, 640 px on the long side unless `size` asks for more (up to the export's own, to judge a title's legibility). A moment past the end is refused with the video's length.",
  inputSchema: {
    at_seconds: z
      .number({ error: "at_seconds must be a number of seconds" })
      .min(0, { error: "at_seconds cannot be negative" })
      .max(24 * 3600, { error: "at_seconds is beyond any timeline" })
      .describe("The moment to show, in seconds from the start"),
    size: z
      .number({ error: "size must be a number of pixels" })
      .int({ error: "size must be a whole number of pixels" })
      .min(160, { error: "size must be at least 160 pixels" })
      .max(3840, { error: "size can be at most 3840 pixels" })
      .optional()
      .describe("The frame's long side in pixels (default 640); stops at the export's own size"),
  },
  outputSchema: {
    at_seconds: z.number(),
    width: z.number(),
    height: z.number(),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run(args, { backend }, call) {
    const frame = await backend.editor.previewFrame(args.at_seconds, { signal: call.signal, ...(args.size !== undefined ? { maxSide: args.size } : {}) });
    return {
      structured: { at_seconds: frame.atSeconds, width: frame.width, height: frame.height },
      text: `Frame at ${frame.atSeconds} s (${frame.width}×${frame.height}).`,
      content: [{ type: "image", data: frame.png.toString("base64"), mimeType: "image/png" }],
    };
  },
});
