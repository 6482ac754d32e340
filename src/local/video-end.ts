import { type LocalTimeline, seconds, videoEndMs } from "./timeline.js";

/**
 * What lies on top of the video (titles, logos, subtitles) ends where the video ends. Run
 * once on the timeline a whole batch leaves, so it holds after any op that changes the
 * length (remove, trim, fit_duration, move, remove_silence…), and a text that the batch's
 * later clips cover is not cut early:
 *
 * - one that runs past the end is clipped to it, with a note naming the new end;
 * - one that starts at or after the end is kept as it is (shortening it to nothing would
 *   lose it), with a warning that it will not be seen, so it can be moved back.
 *
 * A timeline without clips is left alone: its texts make its length.
 */
export function fitOverlaysToVideoEnd(t: LocalTimeline): string[] {
  const end = videoEndMs(t);
  if (end === 0) return [];
  const inOrder = <T extends { startMs: number }>(track: readonly T[]): T[] => [...track].sort((a, b) => a.startMs - b.startMs);
  const titlesAndLogos = [...inOrder(t.titles), ...inOrder(t.logos)];
  const subtitles = inOrder(t.subtitles);

  const notes: string[] = [];
  for (const segment of [...titlesAndLogos, ...subtitles]) {
    const ran = segment.startMs + segment.durationMs;
    if (segment.startMs >= end || ran <= end) continue;
    segment.durationMs = end - segment.startMs;
    notes.push(`${segment.id} now ends at ${seconds(end)} s, the end of the video (it ran to ${seconds(ran)} s).`);
  }

  for (const s of titlesAndLogos.filter((s) => s.startMs >= end)) {
    notes.push(`${s.id} starts at ${seconds(s.startMs)}s, after the video ends (${seconds(end)}s), so it will not be seen; move it with {"op":"move","segment":"${s.id}","at":…}.`);
  }
  // A subtitle file longer than the video gives one line, not one per cue.
  const lateSubtitles = subtitles.filter((s) => s.startMs >= end).map((s) => s.id);
  if (lateSubtitles.length > 0) {
    const one = lateSubtitles.length === 1;
    const ids = lateSubtitles.length > 5 ? `${lateSubtitles.slice(0, 5).join(", ")}, …` : lateSubtitles.join(", ");
    notes.push(`${lateSubtitles.length} subtitle${one ? "" : "s"} (${ids}) start${one ? "s" : ""} after the video ends (${seconds(end)}s), so ${one ? "it" : "they"} will not be seen.`);
  }
  return notes;
}
