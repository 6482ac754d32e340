import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { DEFAULT_MAX_TILES, type InspectTarget, MAX_TILES, describeInspection } from "../../core/inspect.js";
import { inspectionToWire } from "../../core/wire.js";
import { EXIT, defineCommand, localMode, printJson } from "../context.js";
import { saveBesideExports } from "../save-file.js";

const SHARED =
  "Prints the duration, size, frame rate, rotation and sound; the scene cuts with their times; the pauses and the sound between them; " +
  "loudness (EBU R128 integrated LUFS, true peak); and saves one contact sheet, a PNG of tiles labelled with their times, in the output folder (--out picks the file or folder; its path is printed). " +
  `--tiles sets how many tiles (default ${DEFAULT_MAX_TILES}, at most ${MAX_TILES}).`;

export const inspectCommand = defineCommand({
  name: "inspect",
  usage: "inspect <file> [--out sheet.png] [--tiles N]",
  summary: "look at footage: scenes, pauses, loudness and a contact sheet",
  details: async () =>
    localMode()
      ? `Looks at a file, a media item of the project (its name or id), or with --timeline the current timeline as a storyboard (a tile per clip or photo, labelled with its id). ${SHARED}`
      : `Looks at a file on this computer (it need not be uploaded). ${SHARED}`,
  examples: ["video-maker inspect interview.mp4", "video-maker inspect interview.mp4 --tiles 6 --out sheet.png --json"],
  async run(context) {
    const local = context.backend.editor !== undefined;
    const tiles = context.options.tiles === undefined ? undefined : Number(context.options.tiles);
    if (tiles !== undefined && (!Number.isInteger(tiles) || tiles < 1 || tiles > MAX_TILES)) {
      context.io.err(`--tiles is how many tiles the contact sheet has, a whole number from 1 to ${MAX_TILES} (e.g. --tiles 6).`);
      return EXIT.usage;
    }
    const subject = context.args[0];
    if ((subject === undefined) === !(local && context.options.timeline)) {
      context.io.err(local ? "Usage: video-maker inspect <file | media name> or video-maker inspect --timeline" : "Usage: video-maker inspect <file>");
      return EXIT.usage;
    }
    let target: InspectTarget;
    if (subject === undefined) target = { timeline: true };
    else {
      // A path that exists is a file; in local mode anything else is the name of a project's media.
      const asPath = resolve(subject);
      const isFile = await stat(asPath).then(() => true, () => false);
      target = isFile || !local ? { file: asPath } : { media: subject };
    }
    const report = await context.backend.inspect(target, { signal: context.signal, ...(tiles !== undefined ? { maxTiles: tiles } : {}) });
    const sheetFile = report.sheet
      ? await saveBesideExports({ out: context.options.out, outputDir: context.config.outputDir, name: sheetName(report.subject, report.kind === "timeline"), bytes: report.sheet.png, what: "contact sheet" })
      : undefined;
    if (context.json) printJson(context, { ...inspectionToWire(report), ...(sheetFile ? { sheet: sheetFile } : {}) });
    else {
      context.io.out(describeInspection(report, local ? { pauseCut: "remove_silence" } : {}));
      if (sheetFile) context.io.out(`Contact sheet: ${sheetFile}`);
    }
    return EXIT.ok;
  },
});

/** "talk.mp4" → "talk-sheet.png"; the timeline's is "storyboard.png". */
function sheetName(subject: string, timeline: boolean): string {
  return timeline ? "storyboard.png" : `${subject.replace(/\.[^.]+$/, "").replace(/[^\p{L}\p{N}._-]+/gu, "-")}-sheet.png`;
}
