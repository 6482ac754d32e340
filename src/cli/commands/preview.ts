import { rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { VideoMakerError, isVideoMakerError } from "../../core/errors.js";
import { prepareOutputDir, publishFile, temporaryPathFor } from "../../core/output.js";
import { EXIT, defineCommand, printJson } from "../context.js";

export const previewCommand = defineCommand({
  name: "preview",
  requires: ["editor"],
  usage: "preview <seconds> [--out frame.png]",
  summary: "save a PNG of the timeline at that moment",
  details: "Renders the timeline at that moment (seconds from the start) and saves a PNG; its path is printed. --out picks the file or folder.",
  examples: ["video-maker preview 2.5", "video-maker preview 10 --out frame.png"],
  async run(context) {
    const at = Number(context.args[0]);
    if (context.args[0] === undefined || !Number.isFinite(at) || at < 0) {
      context.io.err("Usage: video-maker preview <seconds> [--out frame.png] (seconds from the start, e.g. 2.5)");
      return EXIT.usage;
    }
    const wanted = resolve(context.options.out ?? `preview-${at}s.png`);
    // The folder is checked before the frame is rendered; the PNG is written whole or not at all.
    const inFolder = await stat(wanted).then((info) => info.isDirectory(), () => false);
    const target = inFolder ? join(wanted, `preview-${at}s.png`) : wanted;
    await prepareOutputDir(dirname(target));
    const frame = await context.backend.editor.previewFrame(at, { signal: context.signal });
    const temp = temporaryPathFor(target);
    let file: string;
    try {
      await writeFile(temp, frame.png, { flag: "wx" });
      file = await publishFile(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw isVideoMakerError(error) ? error : new VideoMakerError("invalid_input", `Cannot save the preview as ${target}; choose another --out.`);
    }
    if (context.json) printJson(context, { file, width: frame.width, height: frame.height, at_seconds: frame.atSeconds });
    else context.io.out(file);
    return EXIT.ok;
  },
});
