import { EXIT, defineCommand, printJson } from "../context.js";

export const undoCommand = defineCommand({
  name: "undo",
  requires: ["editor"],
  usage: "undo",
  summary: "put the timeline back as it was before the last edit",
  details:
    "Goes back one version of the timeline (the last 20 are kept; run it again to go further). When the project file was damaged, it restores the last good version and keeps the damaged file beside it. Exit 3 when there is nothing to go back to.",
  examples: ["video-maker undo", "video-maker undo --json"],
  async run(context) {
    const result = await context.backend.editor.undo({ signal: context.signal });
    if (context.json) printJson(context, result);
    else {
      if (result.undone) context.io.out(result.message);
      else context.io.err(result.message);
      context.io.out(result.timeline);
    }
    return result.undone ? EXIT.ok : EXIT.input;
  },
});
