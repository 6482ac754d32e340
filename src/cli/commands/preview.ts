import { rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { VideoMakerError, isVideoMakerError } from "../../core/errors.js";
import { prepareOutputDir, publishFile, temporaryPathFor } from "../../core/output.js";
import { EXIT, defineCommand, printJson } from "../context.js";

export const previewCommand = defineCommand({
  name: "preview",
  requires: ["editor"],
  usage: "preview <seconds> [--out frame.png] [--size PX]",
  summary: "save a PNG of the timeline at that moment",
  details: "Renders the timeline at that moment (seconds from the start; a moment past the end is refused with the video's length) and saves a PNG, by default in the output folder (VIDEO_MAKER_OUTPUT_DIR); its path is printed. --out picks the file or folder, --size the long side in pixels (default 640, up to the export's own).",
  examples: ["video-maker preview 2.5", "video-maker preview 10 --out frame.png --size 1920"],
  async run(context) {
    const at = Number(context.args[0]);
    if (context.args[0] === undefined || !Number.isFinite(at) || at < 0) {
      context.io.err("Usage: video-maker preview <seconds> [--out frame.png] (seconds from the start, e.g. 2.5)");
      return EXIT.usage;
    }
    const size = context.options.size === undefined ? undefined : Number(context.options.size);
    if (size !== undefined && (!Number.isInteger(size) || size < 160 || size > 3840)) {
      context.io.err("--size is the frame's long side in pixels, a whole number from 160 to 3840 (e.g. --size 1920).");
      return EXIT.usage;
    }
    // Beside the exports by default, like every other file video-maker writes for a person.
    const wanted = resolve(context.options.out ?? join(context.config.outputDir, `preview-${at}s.png`));
    // The folder is checked before the frame is rendered; the PNG is written whole or not at all.
    const inFolder = await stat(wanted).then((info) => info.isDirectory(), () => false);
    const target = inFolder ? join(wanted, `preview-${at}s.png`) : wanted;
    await prepareOutputDir(dirname(target));
    const frame = await context.backend.editor.previewFrame(at, { signal: context.signal, ...(size !== undefined ? { maxSide: size } : {}) });
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
