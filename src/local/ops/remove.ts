import { z } from "zod";
import { defineOp, field, segmentOrFail } from "../ops-common.js";
import { clipFamily, cueList, isFollowing, piecesOf } from "../subtitle-anchor.js";
import type { VideoSegment } from "../timeline.js";

export const remove = defineOp({
  name: "remove",
  schema: z.strictObject({ segment: field.segment }),
  guide: { fields: "segment (a clip's subtitles go with its last piece)" },
  apply(t, op) {
    const found = segmentOrFail(t, op.segment);
    t[found.track].splice(found.index, 1);
    if (found.track !== "video") return [];
    // Subtitles that follow this clip have nothing left to show on once its last piece is gone.
    const clip = found.segment as VideoSegment;
    const family = clipFamily(clip);
    if (piecesOf(t.video, family, clip.mediaId).length > 0) return [];
    const gone = t.subtitles.filter((cue) => isFollowing(cue) && cue.followsClip === family && cue.sourceMediaId === clip.mediaId);
    if (gone.length === 0) return [];
    t.subtitles = t.subtitles.filter((cue) => !gone.includes(cue));
    const one = gone.length === 1;
    return [`The ${gone.length} subtitle${one ? "" : "s"} that followed ${family} (${cueList(gone.map((c) => c.id))}) ${one ? "was" : "were"} removed with it (undo brings ${one ? "it" : "them"} back).`];
  },
});
