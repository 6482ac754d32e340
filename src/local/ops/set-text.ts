import { z } from "zod";
import { colourOf, defineOp, fail, field, fontNotes, segmentOrFail, sizeOf } from "../ops-common.js";
import { TEXT_POSITIONS, type TextSegment } from "../timeline.js";

export const setText = defineOp({
  name: "set_text",
  schema: z.strictObject({
    segment: field.segment,
    text: z.string().min(1).max(500).optional(),
    position: z.enum(TEXT_POSITIONS).optional(),
    size: field.textSize.optional(),
    colour: field.colour.optional(),
    color: field.colour.optional(),
    box: z.boolean().optional(),
  }),
  guide: { fields: "segment, text, position, size, colour, box" },
  async apply(t, op, { helpers }) {
    const found = segmentOrFail(t, op.segment);
    if (found.track !== "titles" && found.track !== "subtitles") fail(`${op.segment} is not a text`);
    const segment = found.segment as TextSegment;
    if (op.text !== undefined) segment.text = op.text;
    if (op.position !== undefined) segment.position = op.position;
    if (op.size !== undefined) segment.sizePx = sizeOf(op.size);
    if (op.box !== undefined) segment.box = op.box;
    segment.colour = colourOf(op, segment.colour);
    return op.text !== undefined ? fontNotes(t, [segment], helpers) : [];
  },
});
