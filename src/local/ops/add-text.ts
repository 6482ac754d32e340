import { z } from "zod";
import { colourOf, defineOp, fail, field, fontNotes, ms, sizeOf } from "../ops-common.js";
import { nextSegmentId } from "../segment-ids.js";
import { TEXT_POSITIONS, type TextSegment } from "../timeline.js";

export const addText = defineOp({
  name: "add_text",
  schema: z.strictObject({
    text: z.string().min(1).max(500),
    at: field.seconds.default(0),
    duration: field.positiveSeconds.max(3600).default(3),
    position: z.enum(TEXT_POSITIONS).default("center"),
    size: field.textSize.default("large").describe("small, medium, large, huge, or pixels on a 1080p frame"),
    colour: field.colour.optional(),
    color: field.colour.optional(),
    box: z.boolean().default(false).describe("A dark box behind the text"),
  }),
  guide: {
    fields:
      "text, at (0), duration (3), position (center; top, bottom, lower_third, top_left, top_right, bottom_left, bottom_right), size (large; small, medium, huge or px at 1080p), colour (white; name or #RRGGBB), box (false); emoji such as 🎉 or flags draw as empty boxes (❤ ★ ☀ are fine)",
  },
  async apply(t, op, { helpers }) {
    if (op.text.trim() === "") fail('"text" is empty');
    const segment: TextSegment = {
      id: nextSegmentId(t, "text"),
      startMs: ms(op.at),
      durationMs: ms(op.duration),
      text: op.text,
      position: op.position,
      sizePx: sizeOf(op.size),
      colour: colourOf(op, "white"),
      box: op.box,
    };
    const notes = await fontNotes(t, [segment], helpers);
    t.titles.push(segment);
    return notes;
  },
});
