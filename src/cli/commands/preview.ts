import { EXIT, defineCommand, printJson } from "../context.js";
import { saveBesideExports } from "../save-file.js";

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
    const frame = await context.backend.editor.previewFrame(at, { signal: context.signal, ...(size !== undefined ? { maxSide: size } : {}) });
    const file = await saveBesideExports({ out: context.options.out, outputDir: context.config.outputDir, name: `preview-${at}s.png`, bytes: frame.png, what: "preview" });
    if (context.json) printJson(context, { file, width: frame.width, height: frame.height, at_seconds: frame.atSeconds });
    else context.io.out(file);
    return EXIT.ok;
  },
});
