import { z } from "zod";
import { defineOp, fail, field, mediaOrFail, ms, placeOnVideoTrack } from "../ops-common.js";
import { nextSegmentId } from "../segment-ids.js";
import { FITS, KEN_BURNS, type VideoSegment } from "../timeline.js";

export const addImage = defineOp({
  name: "add_image",
  schema: z.strictObject({
    media: field.media,
    duration: field.positiveSeconds.max(600).default(3),
    at: field.seconds.optional(),
    fit: z.enum(FITS).optional(),
    ken_burns: z.enum(KEN_BURNS).default("none"),
  }),
  guide: { fields: "media, duration (3), at, fit, ken_burns (none/zoom_in/zoom_out/pan_left/pan_right)" },
  apply(t, op, { media }) {
    const source = mediaOrFail(op.media, media);
    if (source.kind !== "image") fail(`"${source.name}" is ${source.kind === "video" ? "a video; add it with add_clip" : "sound only; add it with add_audio"}`);
    const segment: VideoSegment = {
      id: nextSegmentId(t, "image"),
      name: source.name,
      mediaId: source.id,
      startMs: 0,
      durationMs: ms(op.duration),
      sourceInMs: 0,
    };
    if (op.fit) segment.fit = op.fit;
    if (op.ken_burns !== "none") segment.kenBurns = op.ken_burns;
    return placeOnVideoTrack(t, segment, op.at);
  },
});
