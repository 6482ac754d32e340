import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { VideoMakerError } from "../../core/errors.js";
import { type Command, EXIT, printJson } from "../context.js";

export const previewCommand: Command = {
  name: "preview",
  usage: "preview <seconds> [--out frame.png]",
  summary: "local backend: save a PNG of the timeline at that moment",
  async run(context) {
    const at = Number(context.args[0]);
    if (context.args[0] === undefined || !Number.isFinite(at) || at < 0) {
      context.io.err("Usage: video-maker preview <seconds> [--out frame.png] (seconds from the start, e.g. 2.5)");
      return EXIT.usage;
    }
    if (!context.backend.previewFrame) throw new VideoMakerError("invalid_input", "preview works with the local backend (VIDEO_MAKER_BACKEND=local).");
    const frame = await context.backend.previewFrame(at, { signal: context.signal });
    const file = resolve(context.options.out ?? `preview-${at}s.png`);
    await writeFile(file, frame.png);
    if (context.json) printJson(context, { file, width: frame.width, height: frame.height, at_seconds: frame.at_seconds });
    else context.io.out(file);
    return EXIT.ok;
  },
};
