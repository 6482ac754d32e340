import { z } from "zod";
import { defineOp, fail, field, ms, placeOnVideoTrack, segmentOrFail } from "../ops-common.js";
import { type FollowingSubtitle, isFollowing } from "../subtitle-anchor.js";
import { type SubtitleSegment, normalizeTimeline } from "../timeline.js";

/** A subtitle put at a time of the video's own no longer follows its clip's speech. */
function detach(cue: FollowingSubtitle, atSeconds: number): string {
  const fixed: SubtitleSegment = cue;
  const clip = cue.followsClip;
  delete fixed.followsClip;
  delete fixed.sourceMediaId;
  delete fixed.sourceInMs;
  delete fixed.sourceDurationMs;
  return `${cue.id} now stays at ${atSeconds}s in the video and no longer follows ${clip}'s speech.`;
}

export const move = defineOp({
  name: "move",
  schema: z.strictObject({
    segment: field.segment,
    to: z.number().int().min(1).optional().describe("New position among the clips, 1 = first"),
    at: field.seconds.optional().describe("New time, seconds (texts and audio; clips snap to the nearest cut)"),
  }),
  guide: { fields: "segment, to (position among clips) or at (seconds)" },
  apply(t, op) {
    if ((op.to === undefined) === (op.at === undefined)) fail('give either "to" (a position among the clips) or "at" (seconds)');
    const found = segmentOrFail(t, op.segment);
    if (found.track !== "video") {
      if (op.to !== undefined || op.at === undefined) fail(`${op.segment} is not a clip: move it with "at" (seconds)`);
      found.segment.startMs = ms(op.at);
      if (found.track === "subtitles" && isFollowing(found.segment)) return [detach(found.segment, op.at)];
      return [];
    }
    const [segment] = t.video.splice(found.index, 1);
    normalizeTimeline(t, []);
    if (op.to !== undefined) {
      if (op.to > t.video.length + 1) fail(`position ${op.to} is past the end; there are ${t.video.length + 1} clips`);
      t.video.splice(op.to - 1, 0, segment!);
      return [];
    }
    return placeOnVideoTrack(t, segment!, op.at);
  },
});
