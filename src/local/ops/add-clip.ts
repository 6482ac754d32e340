import { z } from "zod";
import { defineOp, fail, field, mediaOrFail, placeOnVideoTrack, sourceRange } from "../ops-common.js";
import { nextSegmentId } from "../segment-ids.js";
import { FITS, type VideoSegment } from "../timeline.js";

export const addClip = defineOp({
  name: "add_clip",
  schema: z.strictObject({
    media: field.media,
    in: field.seconds.optional().describe("Start inside the source, seconds (default 0)"),
    out: field.seconds.optional().describe("End inside the source, seconds (default: the end)"),
    at: field.seconds.optional().describe("Where on the timeline, seconds; snaps to the nearest cut (default: after the last clip)"),
    fit: z.enum(FITS).optional().describe("cover (fill, crop), contain (black bars), blur (blurred copy behind); default: cover when the shapes match, else blur"),
    volume: field.volume.optional().describe("The clip's own sound, 0–1 (default 1; 0 mutes)"),
  }),
  guide: { fields: "media, in (0), out (end), at (after the last clip; snaps to the nearest cut), fit (cover/contain/blur; auto), volume (1)" },
  apply(t, op, { media }) {
    const source = mediaOrFail(op.media, media);
    if (source.kind === "image") fail(`"${source.name}" is a photo; add it with add_image`);
    if (source.kind === "audio") fail(`"${source.name}" is sound only; add it with add_audio`);
    const { inMs, outMs } = sourceRange(source, op.in, op.out);
    const segment: VideoSegment = {
      id: nextSegmentId(t, "clip"),
      name: source.name,
      mediaId: source.id,
      startMs: 0,
      durationMs: outMs - inMs,
      sourceInMs: inMs,
    };
    // Points a person chose are cut points, as a trim's are: fit_duration and sync_to_music keep them.
    if (op.in !== undefined && inMs > 0) segment.cutIn = true;
    if (op.out !== undefined && outMs < (source.duration_ms ?? Infinity)) segment.cutOut = true;
    if (op.fit) segment.fit = op.fit;
    if (op.volume !== undefined && op.volume !== 1) segment.volume = op.volume;
    return placeOnVideoTrack(t, segment, op.at);
  },
});
