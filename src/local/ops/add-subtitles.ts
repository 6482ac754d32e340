import { extname, resolve } from "node:path";
import { z } from "zod";
import { colourOf, defineOp, fail, field, fontNotes, ms, sizeOf } from "../ops-common.js";
import { parseSubtitles } from "../subtitles.js";
import { nextSegmentId } from "../segment-ids.js";
import { TEXT_POSITIONS } from "../timeline.js";

export const addSubtitles = defineOp({
  name: "add_subtitles",
  schema: z.strictObject({
    file: z.string().min(1).describe("Absolute path of an .srt or .vtt file"),
    offset: z.number().finite().default(0).describe("Seconds added to every cue (negative: earlier)"),
    position: z.enum(TEXT_POSITIONS).default("bottom"),
    size: field.textSize.default("small"),
    colour: field.colour.optional(),
    color: field.colour.optional(),
    box: z.boolean().default(true),
  }),
  guide: { fields: "file (.srt/.vtt), offset (0), position (bottom), size (small), colour, box (true)" },
  async apply(t, op, { helpers }) {
    const path = resolve(op.file);
    const ext = extname(path).toLowerCase();
    if (ext !== ".srt" && ext !== ".vtt") fail(`"${op.file}" is not an .srt or .vtt file`);
    if (!helpers.readTextFile) fail("reading subtitle files is not available here");
    const content = await helpers.readTextFile(path);
    const cues = parseSubtitles(content);
    if (cues.length === 0) fail(`no subtitles were found in "${op.file}"`);
    const replaced = t.subtitles.length;
    t.subtitles = [];
    const colour = colourOf(op, "white");
    const offset = ms(op.offset);
    let skipped = 0;
    for (const cue of cues) {
      const start = cue.startMs + offset;
      const end = cue.endMs + offset;
      if (end <= 0) {
        skipped++;
        continue;
      }
      t.subtitles.push({
        id: nextSegmentId(t, "sub"),
        startMs: Math.max(0, start),
        durationMs: end - Math.max(0, start),
        text: cue.text,
        position: op.position,
        sizePx: sizeOf(op.size),
        colour,
        box: op.box,
      });
    }
    const notes = [`Added ${t.subtitles.length} subtitles from ${op.file}${replaced > 0 ? ` (replacing ${replaced})` : ""}.`];
    if (skipped > 0) notes.push(`${skipped} subtitles fell before the start after the offset and were left out.`);
    return [...notes, ...(await fontNotes(t, t.subtitles, helpers))];
  },
});
