import { z } from "zod";
import { defineTool } from "../tool.js";

export const undoEditTool = defineTool({
  name: "undo_edit",
  requires: ["editor"],
  title: "Undo the last edit (local)",
  description:
    "Put the timeline back as it was before the last accepted apply_edits batch (the last 20 versions are kept; call it again to go further back). " +
    "Also restores the last good timeline when the project file was damaged. Use it when the person says undo, go back, or that the last change was wrong.",
  inputSchema: {},
  outputSchema: {
    undone: z.boolean().describe("false when there was nothing to go back to"),
    message: z.string().describe("Which version the timeline went back to, or why nothing changed"),
    timeline: z.string().describe("One-line timeline summary now"),
  },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  changesTimeline: true,
  async run(_args, { backend }, call) {
    const result = await backend.editor.undo({ signal: call.signal });
    return { structured: result, text: `${result.message}\n${result.timeline}` };
  },
});
