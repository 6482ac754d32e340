import { z } from "zod";
import { EDIT_OPS_GUIDE, MAX_OPS, OP_NAMES } from "../../local/ops.js";
import { defineTool } from "../tool.js";

export const applyEditsTool = defineTool({
  name: "apply_edits",
  requires: ["editor"],
  title: "Apply edits (local)",
  description:
    "Edit the timeline with structured operations (local backend: you are the editor, ffmpeg renders). Upload media first with upload_media; refer to media by file name and to timeline items by the ids get_state shows (clip-1, text-2…). " +
    "All operations are checked before any is applied: if one is wrong, nothing changes and every problem is listed. Returns what changed and the timeline. Look with preview_frame, then export_video.\n\n" +
    EDIT_OPS_GUIDE,
  inputSchema: {
    // Each op is checked by the backend, not here: it reports every problem of every op at
    // once, in words, and applies nothing until all are valid (the guide above lists the fields).
    ops: z
      .array(
        z.looseObject(
          { op: z.string({ error: `every operation needs an "op" name, one of: ${OP_NAMES.join(", ")}` }).describe(`One of: ${OP_NAMES.join(", ")}`) },
          { error: 'each operation must be an object like {"op":"add_clip","media":"beach.mp4"}' },
        ),
        { error: "ops must be a list of operations" },
      )
      .min(1, { error: "give at least one operation" })
      .max(MAX_OPS, { error: `at most ${MAX_OPS} operations per call` })
      .describe("Operations, applied in order"),
  },
  outputSchema: {
    changes: z.array(z.string()).describe("What changed on the timeline"),
    timeline: z.string().describe("One-line timeline summary after the edits"),
    outline: z.array(z.string()).describe("Every segment with its id and timing, one per line: use these ids in later ops"),
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  changesTimeline: true,
  async run(args, { backend }, call) {
    const result = await backend.editor.applyEdits(args.ops, { signal: call.signal, onProgress: call.progress });
    const outline = result.outline ?? [];
    return {
      structured: { changes: result.changes, timeline: result.timeline, outline },
      text: [result.changes.length ? `Changes: ${result.changes.join("; ")}` : "Nothing changed.", result.timeline, ...outline].join("\n"),
    };
  },
});
