import { z } from "zod";
import { defineOp, fail, field, mediaOrFail, ms } from "../ops-common.js";
import { nextSegmentId } from "../segment-ids.js";
import { LOGO_POSITIONS, type LogoSegment, videoEndMs } from "../timeline.js";

/** A picture (a logo, a watermark) laid over the video, in a corner or the centre. */
export const addLogo = defineOp({
  name: "add_logo",
  schema: z.strictObject({
    media: field.media.describe("An uploaded picture (PNG with transparency works best): id, file name or absolute path"),
    position: z.enum(LOGO_POSITIONS).default("top_right"),
    size: z.number().min(0.02).max(1).default(0.15).describe("Width as a share of the frame's width"),
    opacity: z.number().min(0).max(1).default(1),
    at: field.seconds.default(0),
    duration: field.positiveSeconds.optional().describe("Seconds; default: to the end of the video, following later edits"),
  }),
  guide: {
    fields:
      "media (a picture; PNG with transparency), position (top_right; top_left, bottom_left, bottom_right, center), size (0.15: width as a share of the frame), opacity (1; 0–1), at (0), duration (to the end of the video)",
  },
  apply(t, op, { media }) {
    const source = mediaOrFail(op.media, media);
    if (source.kind !== "image") fail(`"${source.name}" is ${source.kind === "video" ? "a video" : "sound only"}; a logo must be a picture (PNG, JPG or WebP)`);
    const startMs = ms(op.at);
    const fixed = op.duration !== undefined ? ms(op.duration) : undefined;
    const segment: LogoSegment = {
      id: nextSegmentId(t, "logo"),
      name: source.name,
      mediaId: source.id,
      startMs,
      // Without a duration it follows the video's end (normalizeTimeline keeps it there).
      durationMs: fixed ?? Math.max(1, videoEndMs(t) - startMs),
      position: op.position,
      widthFraction: op.size,
      opacity: op.opacity,
      followsVideoEnd: fixed === undefined,
    };
    t.logos.push(segment);
    return [];
  },
});
