import { z } from "zod";
import { defineOp, fail, field, mediaById, ms, segmentOrFail, sourceRange } from "../ops-common.js";
import type { AudioSegment, VideoSegment } from "../timeline.js";

export const trim = defineOp({
  name: "trim",
  schema: z.strictObject({
    segment: field.segment,
    in: field.seconds.optional().describe("New start inside the source, seconds (clips and audio)"),
    out: field.seconds.optional().describe("New end inside the source, seconds (clips and audio)"),
    duration: field.positiveSeconds.optional().describe("New length, seconds (any segment)"),
  }),
  guide: { fields: "segment, in / out (source seconds, clips and audio) or duration (any segment)" },
  apply(t, op, { media }) {
    if (op.in === undefined && op.out === undefined && op.duration === undefined) fail('give "in", "out" or "duration"');
    if (op.out !== undefined && op.duration !== undefined) fail('give "out" or "duration", not both');
    const found = segmentOrFail(t, op.segment);
    if (found.track === "titles" || found.track === "subtitles") {
      if (op.in !== undefined || op.out !== undefined || op.duration === undefined) fail(`${op.segment} is a text: change its length with "duration"`);
      found.segment.durationMs = ms(op.duration);
      return [];
    }
    if (found.track === "logos") {
      if (op.in !== undefined || op.out !== undefined || op.duration === undefined) fail(`${op.segment} is a logo: change its length with "duration"`);
      found.segment.durationMs = ms(op.duration);
      found.segment.followsVideoEnd = false;
      return [];
    }
    const segment = found.segment as VideoSegment | AudioSegment;
    const source = mediaById(segment.mediaId, media);
    const isImage = source?.kind === "image";
    if (isImage) {
      if (op.in !== undefined || op.out !== undefined || op.duration === undefined) fail(`${op.segment} is a photo: change its length with "duration"`);
      segment.durationMs = ms(op.duration);
      return [];
    }
    const inS = op.in ?? segment.sourceInMs / 1000;
    // Moving only the in-point keeps the out-point where it was.
    const outS = op.out ?? (op.duration !== undefined ? inS + op.duration : (segment.sourceInMs + segment.durationMs) / 1000);
    const range = source ? sourceRange(source, inS, outS) : { inMs: ms(inS), outMs: ms(outS) };
    if (found.track === "music") {
      const audio = segment as AudioSegment;
      if (op.out !== undefined || op.duration !== undefined) audio.followsVideoEnd = false;
      audio.sourceInMs = range.inMs;
      if (!audio.followsVideoEnd || op.in === undefined) audio.durationMs = range.outMs - range.inMs;
      return [];
    }
    const clip = segment as VideoSegment;
    clip.sourceInMs = range.inMs;
    clip.durationMs = range.outMs - range.inMs;
    // Cut points the person chose: fit_duration keeps them.
    if (op.in !== undefined) clip.cutIn = true;
    if (op.out !== undefined || op.duration !== undefined) clip.cutOut = true;
    return [];
  },
});
