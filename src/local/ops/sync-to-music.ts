import { z } from "zod";
import type { Beats } from "../beat-grid.js";
import { type CutMove, type Piece, autoEvery, cutBeats, planCuts } from "../beat-cuts.js";
import { defineOp, fail, field, isJumpCut, mediaById, segmentOrFail } from "../ops-common.js";
import { type AudioSegment, type LocalTimeline, normalizeTimeline, seconds, videoEndMs } from "../timeline.js";

/** A piece never gets shorter than this, nor too short for the transitions on it. */
const MIN_PIECE_MS = 200;
const MIN_SOLO_MS = 100;

/**
 * Cuts on the beat: each cut between two clips or photos moves to the music's nearest beat
 * (every Nth beat with `every`), by lengthening or shortening the piece before it. A clip
 * never plays past its footage nor past a point remove_silence, trim or add_clip's in/out cut (the same rule as
 * fit_duration), photos take any length; the jump cuts inside a clip remove_silence cut stay,
 * as do titles and subtitles. The video ends where it did when the last piece can take it.
 */
export const syncToMusic = defineOp({
  name: "sync_to_music",
  schema: z.strictObject({
    music: field.segment.optional().describe("The audio segment whose beat the cuts follow (default: the longest on the music track)"),
    every: z
      .union([z.literal("auto"), z.number().int().min(1).max(16)])
      .default("auto")
      .describe("Cuts land on every Nth beat (1: any beat, 4: once a bar of 4/4); auto: 1, 2 or 4 by how long the clips are"),
    clips: z.array(field.segment).min(1).max(500).optional().describe("Only the cuts into these clips or photos (default: every cut)"),
  }),
  guide: {
    fields:
      "music (audio id; default the music), every (auto, or N: every Nth beat), clips (default all): moves each cut onto the music's beat; clips keep their cut points, photos stretch, the end stays",
  },
  async apply(t, op, { media, helpers }) {
    const { detectBeats } = helpers;
    if (!detectBeats) fail("finding the beat is not available here");
    if (t.video.length < 2) fail("sync_to_music needs at least two clips or photos on the video track (it moves the cuts between them)");
    const music = musicSegment(t, op.music);
    const source = mediaById(music.mediaId, media);
    if (!source || !source.has_audio) fail(`${music.id} has no sound to find a beat in`);
    const asked = op.clips ? new Set(op.clips.map((id) => videoIdOrFail(t, id))) : undefined;
    if (asked?.has(t.video[0]!.id) && asked.size === 1) fail(`${t.video[0]!.id} starts the video: there is no cut into it to move`);

    // Only as much music as plays under the video is analysed; a loop repeats what was found.
    const available = source.duration_ms !== undefined ? source.duration_ms - music.sourceInMs : undefined;
    const heard = Math.max(0, Math.min(music.durationMs, videoEndMs(t) - music.startMs));
    const analysed = Math.min(available ?? heard, music.loop ? (available ?? heard) : heard);
    if (analysed < 1000) fail(`${music.id} plays for less than a second under the video: too little to find a beat in`);
    const found = await detectBeats(source, music.sourceInMs, music.sourceInMs + analysed);
    if (!found.ok) {
      fail(`${found.why} in ${source.name} (${music.id}); sync_to_music needs music with a clear beat — speech or ambient sound has none`);
    }
    const beats = timelineBeats(found.beats, music, analysed);

    const pieces: Piece[] = t.video.map((s, i) => {
      const clip = mediaById(s.mediaId, media);
      const footage = clip?.kind === "video" ? (clip.duration_ms !== undefined ? Math.max(s.durationMs, clip.duration_ms - s.sourceInMs) : s.durationMs) : Infinity;
      const transitionOut = t.video[i + 1]?.transition?.durationMs ?? 0;
      const transitionMs = i === 0 ? 0 : (s.transition?.durationMs ?? 0);
      return {
        durationMs: s.durationMs,
        transitionMs,
        minMs: Math.min(s.durationMs, Math.max(MIN_PIECE_MS, transitionMs + transitionOut + MIN_SOLO_MS)),
        maxMs: s.cutOut ? s.durationMs : footage,
        keepCut: i > 0 && (isJumpCut(t.video[i - 1]!, s) || (asked !== undefined && !asked.has(s.id))),
      };
    });
    const every = op.every === "auto" ? autoEvery(pieces.map((p) => p.durationMs), found.beats.periodMs) : op.every;
    const step = every * found.beats.periodMs;
    const endBefore = videoEndMs(t);
    const plan = planCuts(pieces, cutBeats(beats, every).map(Math.round), step);
    t.video.forEach((s, i) => {
      s.durationMs = Math.round(plan.durations[i]!);
    });
    normalizeTimeline(t, media);
    return describe(t, plan.moves, { source: source.name, music: music.id, beats: found.beats, every, endBefore, jumps: pieces.filter((p, i) => p.keepCut && isJumpCut(t.video[i - 1]!, t.video[i]!)).length });
  },
});

function musicSegment(t: LocalTimeline, id: string | undefined): AudioSegment {
  if (id !== undefined) {
    const found = segmentOrFail(t, id);
    if (found.track !== "music") fail(`${id} is not on the music track; name the music with its audio id (e.g. "audio-1")`);
    return found.segment as AudioSegment;
  }
  if (t.music.length === 0) fail('there is no music to follow: add it first with {"op":"add_audio","media":"music.mp3"}');
  return [...t.music].sort((a, b) => b.durationMs - a.durationMs)[0]!;
}

function videoIdOrFail(t: LocalTimeline, id: string): string {
  const found = segmentOrFail(t, id);
  if (found.track !== "video") fail(`${id} is not on the video track; "clips" names clips and photos`);
  return id;
}

/** The beats in timeline time, under the music segment (a looping one repeats its stretch). */
export function timelineBeats(beats: Beats, music: AudioSegment, analysedMs: number): number[] {
  const offsets = beats.beatsMs.map((b) => b - music.sourceInMs).filter((b) => b >= 0 && b < analysedMs);
  const times: number[] = [];
  for (let loopStart = 0; loopStart < music.durationMs; loopStart += analysedMs) {
    for (const offset of offsets) if (loopStart + offset <= music.durationMs) times.push(music.startMs + loopStart + offset);
    if (!music.loop) break;
  }
  return times;
}

function describe(
  t: LocalTimeline,
  moves: readonly CutMove[],
  found: { source: string; music: string; beats: Beats; every: number; endBefore: number; jumps: number },
): string[] {
  const signed = (ms: number): string => `${ms >= 0 ? "+" : "−"}${(Math.abs(ms) / 1000).toFixed(2)}s`;
  const onBeat = moves.filter((m) => m.onBeat);
  const offBeat = moves.filter((m) => !m.onBeat);
  const moved = onBeat.filter((m) => m.toMs !== m.fromMs);
  const grid = found.every === 1 ? "every beat" : `every ${found.every}${found.every === 2 ? "nd" : found.every === 3 ? "rd" : "th"} beat`;
  const notes = [
    `Found ${found.beats.bpm.toFixed(1)} BPM in ${found.source} (${found.music}); ${onBeat.length} of ${moves.length} cut${moves.length === 1 ? "" : "s"} now on the beat (${grid})` +
      (moved.length > 0 ? `: ${moved.map((m) => `${t.video[m.index]!.id} now starts at ${(m.toMs / 1000).toFixed(2)}s (${signed(m.toMs - m.fromMs)})`).join(", ")}.` : "."),
  ];
  for (const m of offBeat) {
    const before = t.video[m.index - 1]!;
    notes.push(
      `The cut into ${t.video[m.index]!.id} stays off the beat at ${(m.toMs / 1000).toFixed(2)}s: no beat within reach that ${before.id} can ${before.cutOut ? "end on without playing past where it was cut" : "last to"}.`,
    );
  }
  if (found.jumps > 0) notes.push(`The ${found.jumps} jump cut${found.jumps === 1 ? "" : "s"} inside clips that remove_silence cut stay where they are.`);
  const endAfter = videoEndMs(t);
  if (Math.abs(endAfter - found.endBefore) > 1) notes.push(`The video now ends at ${seconds(endAfter)}s (was ${seconds(found.endBefore)}s): its last piece could not take the change.`);
  return notes;
}
