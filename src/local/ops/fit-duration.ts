import { z } from "zod";
import { defineOp, fail, field, mediaById, ms } from "../ops-common.js";
import { isFollowing } from "../subtitle-anchor.js";
import { normalizeTimeline, seconds, videoEndMs } from "../timeline.js";

export const fitDuration = defineOp({
  name: "fit_duration",
  schema: z.strictObject({ seconds: field.positiveSeconds.max(3 * 3600) }),
  guide: {
    fields:
      "seconds: stretch or shorten all clips and photos in proportion (clips never past their footage, nor past a point remove_silence, trim or add_clip's in/out cut); titles move with them",
  },
  apply(t, op, { media }) {
    if (t.video.length === 0) fail("fit_duration needs clips or photos on the video track");
    const targetMs = ms(op.seconds);
    const beforeMs = videoEndMs(t);
    const overlapMs = t.video.reduce((sum, s) => sum + (s.transition?.durationMs ?? 0), 0);
    // A clip cannot play more footage than its source has after its in-point; photos can last any time.
    const footage = t.video.map((s) => {
      const source = mediaById(s.mediaId, media);
      return source?.kind === "video" && source.duration_ms !== undefined ? Math.max(s.durationMs, source.duration_ms - s.sourceInMs) : Infinity;
    });
    // Nor past an out-point a cut set: beyond it lies a pause remove_silence cut, or what trim cut off.
    const capacity = t.video.map((s, i) => (s.cutOut ? s.durationMs : footage[i]!));
    const sum = (values: number[]): number => values.reduce((total, d) => total + d, 0);
    if (sum(footage) - overlapMs + 1 < targetMs) {
      const reachable = sum(capacity) - overlapMs;
      const cutAway = reachable + 1 < sum(footage) - overlapMs ? " (keeping out what remove_silence, trim and add_clip's in/out cut)" : "";
      fail(
        `the clips hold only ${seconds(reachable)}s of footage${cutAway}, short of ${op.seconds}s; add photos or clips, or ask for at most ${Math.floor(reachable / 1000)}s`,
      );
    }
    // Only cut footage could make up the rest: as close as the cuts allow.
    const goalMs = Math.min(targetMs, Math.max(beforeMs, Math.round(sum(capacity) - overlapMs)));
    const wanted = goalMs + overlapMs;

    const original = t.video.map((s) => s.durationMs);
    const durations = [...original];
    const capped = new Set<number>();
    for (;;) {
      const fixedSum = [...capped].reduce((total, i) => total + durations[i]!, 0);
      const freeOriginal = original.reduce((total, d, i) => (capped.has(i) ? total : total + d), 0);
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
    if (durations.some((d) => d < 200)) fail(`${op.seconds}s would leave some clips shorter than 0.2s; remove some clips first`);
    t.video.forEach((s, i) => {
      s.durationMs = Math.round(durations[i]!);
    });
    normalizeTimeline(t, media);
    // Rounding and transitions shortened to fit can leave a few ms: the longest flexible piece takes them.
    const residue = goalMs - videoEndMs(t);
    if (residue !== 0) {
      const flexible = t.video
        .map((s, i) => ({ s, room: capacity[i]! - s.durationMs }))
        .filter(({ s, room }) => (residue > 0 ? room >= residue : s.durationMs + residue >= 200))
        .sort((a, b) => b.s.durationMs - a.s.durationMs)[0];
      if (flexible) flexible.s.durationMs += residue;
    }

    const reachedMs = videoEndMs(t);
    const factor = reachedMs / beforeMs;
    for (const text of t.titles) {
      text.startMs = Math.round(text.startMs * factor);
      text.durationMs = Math.max(100, Math.round(text.durationMs * factor));
    }
    for (const audio of t.music) if (!audio.followsVideoEnd) audio.startMs = Math.round(audio.startMs * factor);
    for (const logo of t.logos) {
      logo.startMs = Math.round(logo.startMs * factor);
      if (!logo.followsVideoEnd) logo.durationMs = Math.max(100, Math.round(logo.durationMs * factor));
    }

    const notes: string[] = [];
    const changed = t.video.filter((s, i) => s.durationMs !== original[i]).length;
    const full = [...capped].filter((i) => capacity[i] !== Infinity && !t.video[i]!.cutOut).map((i) => t.video[i]!.id);
    const longer = targetMs > beforeMs;
    const kept = longer ? t.video.filter((s) => s.cutOut).map((s) => s.id) : [];
    const blocked = goalMs < targetMs - 1;
    if (changed > 0 || !blocked) {
      notes.push(
        `Fitted the timeline from ${seconds(beforeMs)}s to ${seconds(reachedMs)}s: ${changed} of ${t.video.length} clips and photos made ${longer ? "longer" : "shorter"} in proportion` +
          `${full.length > 0 ? ` (${full.join(", ")} now ${full.length === 1 ? "uses all of its" : "use all of their"} footage)` : ""}` +
          `${kept.length > 0 ? `; ${list(kept)} still end${kept.length === 1 ? "s" : ""} where ${kept.length === 1 ? "it was" : "they were"} cut` : ""}` +
          `${t.titles.length > 0 ? "; titles moved with them" : ""}` +
          `${t.subtitles.some(isFollowing) ? "; subtitles that follow a clip stay on its speech" : ""}.`,
      );
    }
    if (blocked) {
      const holding = t.video.filter((s, i) => s.cutOut && footage[i]! > s.durationMs).map((s) => s.id);
      notes.push(
        `Could not gain the last ${seconds(targetMs - reachedMs)}s of ${op.seconds}s: the rest of the footage${holding.length > 0 ? ` of ${list(holding)}` : ""} is what remove_silence, trim or add_clip's in/out cut, and fit_duration keeps cut points. ` +
          "Add photos or clips to fill it, or set a clip's out-point with trim to play more of it.",
      );
    }
    return notes;
  },
});

/** "clip-1", "clip-1 and clip-3", "clip-1, clip-3 and clip-4"; long lists end in "and N more". */
function list(ids: string[]): string {
  const shown = ids.length > 6 ? [...ids.slice(0, 5), `${ids.length - 5} more`] : ids;
  return shown.length === 1 ? shown[0]! : `${shown.slice(0, -1).join(", ")} and ${shown.at(-1)!}`;
}
