import type { MediaFacts } from "./media.js";
import type { OpOf } from "./ops-schema.js";
import { type OpHelpers, type SilenceRange, MIN_SEGMENT_MS, fail, mediaById, ms, videoSegmentOrFail } from "./ops-common.js";
import { type LocalTimeline, type VideoSegment, nextSegmentId, normalizeTimeline, seconds, videoEndMs } from "./timeline.js";

/** The ops that change lengths: fit_duration (stretch to a target) and remove_silence (cut the pauses). */

// --- fit_duration ---------------------------------------------------------------------------

export function fitDuration(t: LocalTimeline, op: OpOf<"fit_duration">, media: readonly MediaFacts[]): string[] {
  if (t.video.length === 0) fail("fit_duration needs clips or photos on the video track");
  const targetMs = ms(op.seconds);
  const beforeMs = videoEndMs(t);
  const overlapMs = t.video.reduce((sum, s) => sum + (s.tr?.d ?? 0), 0);
  const wanted = targetMs + overlapMs;
  // A clip cannot play more footage than its source has after its in-point; photos can last any time.
  const capacity = t.video.map((s) => {
    const source = mediaById(s.src, media);
    return source?.kind === "video" && source.duration_ms !== undefined ? Math.max(s.d, source.duration_ms - s.in) : Infinity;
  });
  const original = t.video.map((s) => s.d);
  const durations = [...original];
  const capped = new Set<number>();
  for (;;) {
    const fixedSum = [...capped].reduce((sum, i) => sum + durations[i]!, 0);
    const freeOriginal = original.reduce((sum, d, i) => (capped.has(i) ? sum : sum + d), 0);
    if (freeOriginal === 0) break;
    const factor = (wanted - fixedSum) / freeOriginal;
    let newlyCapped = false;
    original.forEach((d, i) => {
      if (capped.has(i)) return;
      durations[i] = d * factor;
      if (durations[i]! > capacity[i]!) {
        durations[i] = capacity[i]!;
        capped.add(i);
        newlyCapped = true;
      }
    });
    if (!newlyCapped) break;
  }
  const reachable = durations.reduce((sum, d) => sum + d, 0) - overlapMs;
  if (reachable + 1 < targetMs) {
    fail(
      `the clips hold only ${seconds(reachable)}s of footage, short of ${op.seconds}s; add photos or clips, or ask for at most ${Math.floor(reachable / 1000)}s`,
    );
  }
  if (durations.some((d) => d < 200)) fail(`${op.seconds}s would leave some clips shorter than 0.2s; remove some clips first`);
  t.video.forEach((s, i) => {
    s.d = Math.round(durations[i]!);
  });
  normalizeTimeline(t, media);
  // Rounding and transitions shortened to fit can leave a few ms: the longest flexible piece takes them.
  const residue = targetMs - videoEndMs(t);
  if (residue !== 0) {
    const flexible = t.video
      .map((s, i) => ({ s, room: capacity[i]! - s.d }))
      .filter(({ s, room }) => (residue > 0 ? room >= residue : s.d + residue >= 200))
      .sort((a, b) => b.s.d - a.s.d)[0];
    if (flexible) flexible.s.d += residue;
  }

  const factor = targetMs / beforeMs;
  for (const text of t.titles) {
    text.st = Math.round(text.st * factor);
    text.d = Math.max(100, Math.round(text.d * factor));
  }
  for (const audio of t.music) if (!audio.fill) audio.st = Math.round(audio.st * factor);

  const changed = t.video.filter((s, i) => s.d !== original[i]).length;
  const full = [...capped].filter((i) => capacity[i] !== Infinity).map((i) => t.video[i]!.id);
  const direction = targetMs > beforeMs ? "longer" : "shorter";
  return [
    `Fitted the timeline from ${seconds(beforeMs)}s to ${op.seconds}s: ${changed} of ${t.video.length} clips and photos made ${direction} in proportion` +
      `${full.length > 0 ? ` (${full.join(", ")} now ${full.length === 1 ? "uses all of its" : "use all of their"} footage)` : ""}` +
      `${t.titles.length > 0 ? "; titles moved with them" : ""}.`,
  ];
}

// --- remove_silence -------------------------------------------------------------------------

/** Air kept around speech so words are not clipped. */
const SPEECH_PADDING_MS = 150;
const MIN_KEEP_MS = 200;

export async function removeSilence(t: LocalTimeline, op: OpOf<"remove_silence">, media: readonly MediaFacts[], helpers: OpHelpers): Promise<string[]> {
  if (!helpers.detectSilence) fail("finding pauses is not available here");
  let targets: string[];
  if (op.segment !== undefined) {
    const { segment } = videoSegmentOrFail(t, op.segment, "remove_silence");
    const source = mediaById(segment.src, media);
    if (!source?.has_audio || source.kind !== "video") fail(`${op.segment} has no sound to find pauses in`);
    targets = [segment.id];
  } else {
    targets = t.video.filter((s) => {
      const source = mediaById(s.src, media);
      return source?.kind === "video" && source.has_audio;
    }).map((s) => s.id);
    if (targets.length === 0) fail("no clip on the timeline has sound to find pauses in");
  }

  const notes: string[] = [];
  for (const id of targets) {
    const index = t.video.findIndex((s) => s.id === id);
    const segment = t.video[index]!;
    const source = mediaById(segment.src, media)!;
    const end = segment.in + segment.d;
    const silences = await helpers.detectSilence!(source, segment.in, end, {
      noiseDb: op.noise_db,
      minSilenceMs: ms(op.min_silence),
    });
    const keeps = keepRanges(segment.in, end, silences);
    if (keeps.length === 0) fail(`${id} is silent from start to end; remove it instead`);
    const cutMs = segment.d - keeps.reduce((sum, k) => sum + (k.endMs - k.startMs), 0);
    if (keeps.length === 1 && cutMs < 1) {
      notes.push(`${id}: no pauses found.`);
      continue;
    }
    const newIds = freshIds(t, "clip", keeps.length - 1);
    const pieces: VideoSegment[] = keeps.map((keep, k) => {
      const piece: VideoSegment = { ...segment, in: keep.startMs, d: keep.endMs - keep.startMs };
      if (k > 0) {
        delete piece.tr;
        piece.id = newIds[k - 1]!;
      }
      return piece;
    });
    t.video.splice(index, 1, ...pieces);
    const last = keeps[keeps.length - 1]!;
    const pauses = keeps.length - 1 + (keeps[0]!.startMs > segment.in ? 1 : 0) + (last.endMs < end ? 1 : 0);
    notes.push(
      `${id}: cut ${pauses} pause${pauses === 1 ? "" : "s"} (${seconds(cutMs)}s); it is now ${pieces.map((p) => p.id).join(", ")}.`,
    );
  }
  return notes;
}

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

