import { z } from "zod";
import { type SilenceRange, MIN_SEGMENT_MS, defineOp, fail, field, mediaById, ms, videoSegmentOrFail } from "../ops-common.js";
import { nextSegmentId } from "../segment-ids.js";
import { type LocalTimeline, type VideoSegment, seconds } from "../timeline.js";

/** Air kept around speech so words are not clipped. */
const SPEECH_PADDING_MS = 150;
const MIN_KEEP_MS = 200;

export const removeSilence = defineOp({
  name: "remove_silence",
  schema: z.strictObject({
    segment: field.segment.optional().describe("A clip id; default: every clip with sound"),
    noise_db: z.number().min(-90).max(0).default(-35).describe("Quieter than this counts as silence"),
    min_silence: field.positiveSeconds.min(0.1).max(10).default(0.5).describe("Pauses shorter than this stay"),
  }),
  guide: { fields: "segment (default: every clip with sound), noise_db (-35), min_silence (0.5): cuts the pauses" },
  async apply(t, op, { media, helpers }) {
    const { detectSilence } = helpers;
    if (!detectSilence) fail("finding pauses is not available here");
    let targets: string[];
    if (op.segment !== undefined) {
      const { segment } = videoSegmentOrFail(t, op.segment, "remove_silence");
      const source = mediaById(segment.mediaId, media);
      if (!source?.has_audio || source.kind !== "video") fail(`${op.segment} has no sound to find pauses in`);
      targets = [segment.id];
    } else {
      targets = t.video.filter((s) => {
        const source = mediaById(s.mediaId, media);
        return source?.kind === "video" && source.has_audio;
      }).map((s) => s.id);
      if (targets.length === 0) fail("no clip on the timeline has sound to find pauses in");
    }

    const notes: string[] = [];
    for (const id of targets) {
      const index = t.video.findIndex((s) => s.id === id);
      const segment = t.video[index]!;
      const source = mediaById(segment.mediaId, media)!;
      const end = segment.sourceInMs + segment.durationMs;
      const silences = await detectSilence(source, segment.sourceInMs, end, {
        noiseDb: op.noise_db,
        minSilenceMs: ms(op.min_silence),
      });
      const keeps = keepRanges(segment.sourceInMs, end, silences);
      if (keeps.length === 0) fail(`${id} is silent from start to end; remove it instead`);
      const cutMs = segment.durationMs - keeps.reduce((sum, k) => sum + (k.endMs - k.startMs), 0);
      if (keeps.length === 1 && cutMs < 1) {
        notes.push(`${id}: no pauses found.`);
        continue;
      }
      const newIds = freshIds(t, "clip", keeps.length - 1);
      const last = keeps[keeps.length - 1]!;
      const pieces: VideoSegment[] = keeps.map((keep, k) => {
        const piece: VideoSegment = { ...segment, sourceInMs: keep.startMs, durationMs: keep.endMs - keep.startMs };
        if (k > 0) {
          delete piece.transition;
          piece.id = newIds[k - 1]!;
        }
        // Where a pause was cut, the piece's end is a cut point: fit_duration never plays into the pause.
        if (keep.startMs > segment.sourceInMs) piece.cutIn = true;
        if (keep.endMs < end) piece.cutOut = true;
        if (keeps.length > 1) piece.pieceOf = segment.pieceOf ?? segment.id;
        return piece;
      });
      t.video.splice(index, 1, ...pieces);
      const pauses = keeps.length - 1 + (keeps[0]!.startMs > segment.sourceInMs ? 1 : 0) + (last.endMs < end ? 1 : 0);
      notes.push(
        `${id}: cut ${pauses} pause${pauses === 1 ? "" : "s"} (${seconds(cutMs)}s); it is now ${pieces.map((p) => p.id).join(", ")}.`,
      );
    }
    return notes;
  },
});

/** `count` unused ids of a kind, in order. */
function freshIds(t: LocalTimeline, kind: "clip", count: number): string[] {
  const first = Number(nextSegmentId(t, kind).split("-")[1]);
  return Array.from({ length: count }, (_, i) => `${kind}-${first + i}`);
}

/** The parts of [from, to) that are not silence, keeping a little air around speech. */
export function keepRanges(fromMs: number, toMs: number, silences: readonly SilenceRange[]): SilenceRange[] {
  const keeps: SilenceRange[] = [];
  let cursor = fromMs;
  for (const silence of [...silences].sort((a, b) => a.startMs - b.startMs)) {
    const start = Math.max(fromMs, silence.startMs);
    const end = Math.min(toMs, silence.endMs);
    const cutStart = start <= fromMs ? fromMs : start + SPEECH_PADDING_MS;
    const cutEnd = end >= toMs ? toMs : end - SPEECH_PADDING_MS;
    if (cutEnd - cutStart < MIN_KEEP_MS || cutStart < cursor) continue;
    if (cutStart - cursor >= MIN_SEGMENT_MS) keeps.push({ startMs: cursor, endMs: cutStart });
    cursor = cutEnd;
  }
  if (toMs - cursor >= MIN_SEGMENT_MS) keeps.push({ startMs: cursor, endMs: toMs });
  return keeps;
}

