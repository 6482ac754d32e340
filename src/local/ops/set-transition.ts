import { z } from "zod";
import { defineOp, fail, field, ms, videoSegmentOrFail } from "../ops-common.js";
import type { VideoSegment } from "../timeline.js";
import { TRANSITIONS, TRANSITION_HELP } from "../transitions.js";

export const setTransition = defineOp({
  name: "set_transition",
  schema: z.strictObject({
    after: z.union([field.segment, z.number().int().min(1)]).optional().describe("The clip the transition leaves (id, or position N for between clip N and N+1)"),
    all: z
      .boolean()
      .optional()
      .describe("true: between every pair of clips, except the jump cuts between pieces remove_silence left of one clip (give \"after\" for one of those)"),
    type: z.enum([...TRANSITIONS, "none"]).describe(TRANSITION_HELP),
    duration: field.positiveSeconds.min(0.1).max(5).default(0.5),
  }),
  guide: {
    fields:
      "after (clip id, or N for between clip N and N+1) or all: true (keeps the jump cuts inside a clip remove_silence cut); type (fade or dissolve = cross-dissolve, fadeblack, wipeleft, wiperight, slideleft, slideright, circleopen, circleclose, radial, pixelize, zoomin, pixel_dissolve = grainy, … or none); duration (0.5)",
  },
  apply(t, op) {
    if ((op.after === undefined) === (op.all !== true)) fail('give either "after" (a clip) or "all": true');
    if (t.video.length < 2) fail("a transition needs at least two clips or photos on the video track");
    let targets: number[];
    const notes: string[] = [];
    if (op.all || op.after === undefined) {
      targets = t.video.map((_, i) => i).slice(1);
      // An editor leaves the joins inside a cut interview as jump cuts; "none" still clears them all.
      if (op.type !== "none") {
        const jumps = targets.filter((i) => isJumpCut(t.video[i - 1]!, t.video[i]!));
        targets = targets.filter((i) => !jumps.includes(i));
        const byClip = new Map<string, number>();
        for (const i of jumps) byClip.set(t.video[i]!.pieceOf!, (byClip.get(t.video[i]!.pieceOf!) ?? 0) + 1);
        for (const [clip, count] of byClip) {
          notes.push(
            `Kept ${count} jump cut${count === 1 ? "" : "s"} inside ${clip} (between the pieces remove_silence left of it); to blend one anyway, give "after" with the piece before it.`,
          );
        }
      }
    } else {
      const index =
        typeof op.after === "number"
          ? op.after <= t.video.length
            ? op.after - 1
            : fail(`there is no clip ${op.after}; the video track has ${t.video.length}`)
          : videoSegmentOrFail(t, op.after, "set_transition").index;
      if (index >= t.video.length - 1) fail(`${t.video[index]!.id} is the last clip: there is nothing after it to transition to`);
      targets = [index + 1];
    }
    for (const i of targets) {
      const segment = t.video[i]!;
      if (op.type === "none") delete segment.transition;
      else segment.transition = { type: op.type, durationMs: ms(op.duration) };
    }
    return notes;
  },
});

/** Two pieces of one clip that remove_silence cut, one right after the other: a jump cut. */
function isJumpCut(previous: VideoSegment, next: VideoSegment): boolean {
  return previous.pieceOf !== undefined && previous.pieceOf === next.pieceOf && previous.mediaId === next.mediaId;
}
