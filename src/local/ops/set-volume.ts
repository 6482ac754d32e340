import { z } from "zod";
import { defineOp, fail, field, segmentOrFail } from "../ops-common.js";
import type { VideoSegment } from "../timeline.js";

export const setVolume = defineOp({
  name: "set_volume",
  schema: z.strictObject({
    segment: z.string().min(1).describe('A clip or audio id, or "all_clips"'),
    volume: field.volume,
  }),
  guide: { fields: 'segment (clip or audio id, or "all_clips"), volume 0–1' },
  apply(t, op) {
    if (op.segment === "all_clips") {
      if (t.video.length === 0) fail("there are no clips");
      for (const segment of t.video) {
        if (op.volume === 1) delete segment.volume;
        else segment.volume = op.volume;
      }
      return [];
    }
    const found = segmentOrFail(t, op.segment);
    if (found.track === "titles" || found.track === "subtitles") fail(`${op.segment} is a text; it has no sound`);
    if (found.track === "logos") fail(`${op.segment} is a logo; it has no sound`);
    if (found.track === "music") found.segment.volume = op.volume;
    else if (op.volume === 1) delete (found.segment as VideoSegment).volume;
    else (found.segment as VideoSegment).volume = op.volume;
    return [];
  },
});
