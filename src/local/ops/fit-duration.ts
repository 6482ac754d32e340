import { z } from "zod";
import { defineOp, fail, field, mediaById, ms } from "../ops-common.js";
import { normalizeTimeline, seconds, videoEndMs } from "../timeline.js";

export const fitDuration = defineOp({
  name: "fit_duration",
  schema: z.strictObject({ seconds: field.positiveSeconds.max(3 * 3600) }),
  guide: { fields: "seconds: stretch or shorten all clips and photos in proportion (clips never past their footage); titles move with them" },
  apply(t, op, { media }) {
    if (t.video.length === 0) fail("fit_duration needs clips or photos on the video track");
    const targetMs = ms(op.seconds);
    const beforeMs = videoEndMs(t);
    const overlapMs = t.video.reduce((sum, s) => sum + (s.transition?.durationMs ?? 0), 0);
    const wanted = targetMs + overlapMs;
    // A clip cannot play more footage than its source has after its in-point; photos can last any time.
    const capacity = t.video.map((s) => {
      const source = mediaById(s.mediaId, media);
      return source?.kind === "video" && source.duration_ms !== undefined ? Math.max(s.durationMs, source.duration_ms - s.sourceInMs) : Infinity;
    });
    const original = t.video.map((s) => s.durationMs);
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
      s.durationMs = Math.round(durations[i]!);
    });
    normalizeTimeline(t, media);
    // Rounding and transitions shortened to fit can leave a few ms: the longest flexible piece takes them.
    const residue = targetMs - videoEndMs(t);
    if (residue !== 0) {
      const flexible = t.video
        .map((s, i) => ({ s, room: capacity[i]! - s.durationMs }))
        .filter(({ s, room }) => (residue > 0 ? room >= residue : s.durationMs + residue >= 200))
        .sort((a, b) => b.s.durationMs - a.s.durationMs)[0];
      if (flexible) flexible.s.durationMs += residue;
    }

    const factor = targetMs / beforeMs;
    for (const text of t.titles) {
      text.startMs = Math.round(text.startMs * factor);
      text.durationMs = Math.max(100, Math.round(text.durationMs * factor));
    }
    for (const audio of t.music) if (!audio.followsVideoEnd) audio.startMs = Math.round(audio.startMs * factor);
    for (const logo of t.logos) {
      logo.startMs = Math.round(logo.startMs * factor);
      if (!logo.followsVideoEnd) logo.durationMs = Math.max(100, Math.round(logo.durationMs * factor));
    }

    const changed = t.video.filter((s, i) => s.durationMs !== original[i]).length;
    const full = [...capped].filter((i) => capacity[i] !== Infinity).map((i) => t.video[i]!.id);
    const direction = targetMs > beforeMs ? "longer" : "shorter";
    return [
      `Fitted the timeline from ${seconds(beforeMs)}s to ${op.seconds}s: ${changed} of ${t.video.length} clips and photos made ${direction} in proportion` +
        `${full.length > 0 ? ` (${full.join(", ")} now ${full.length === 1 ? "uses all of its" : "use all of their"} footage)` : ""}` +
        `${t.titles.length > 0 ? "; titles moved with them" : ""}.`,
    ];
  },
});
