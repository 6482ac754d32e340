import { transitionNote } from "./mlt-parts.js";
import type { ProjectPlan } from "./plan.js";

/**
 * What a project file could not carry of the timeline, in plain words, so the person knows
 * what to redo in the editor. The MLT writers (mlt.ts, kdenlive.ts) carry cuts, in/out points,
 * photos, dissolves, the clips' sound levels, music with its level, fades and loop, titles,
 * `cover` and `contain` fits and logos (as filters of the whole output); what is left is listed here.
 */
export function notCarriedInMlt(plan: ProjectPlan, format: "mlt" | "kdenlive"): string[] {
  const notes: string[] = [];
  const list = (ids: string[]): string => (ids.length > 3 ? `${ids.slice(0, 3).join(", ")} and ${ids.length - 3} more` : ids.join(", "));
  const kenBurns = plan.clips.filter((c) => c.kenBurns).map((c) => c.id);
  if (kenBurns.length > 0) notes.push(`the Ken Burns moves (${list(kenBurns)}): the photos are still; add a zoom or pan in the editor`);
  const blur = plan.clips.filter((c) => c.fit === "blur").map((c) => c.id);
  if (blur.length > 0) notes.push(`the blurred background behind ${list(blur)}: shown whole with black bars instead`);
  const ducked = plan.music.filter((m) => m.ducked).map((m) => m.id);
  if (ducked.length > 0) notes.push(`the music's ducking under the clips' sound (${list(ducked)}): it plays at its own level throughout`);

  const transitions = transitionNote(plan.clips.flatMap((c) => (c.transition ? [c.transition.type] : [])));
  if (transitions) notes.push(transitions);
  const withSound = new Set(plan.sources.filter((source) => source.kind === "video" && source.hasAudio).map((source) => source.id));
  if (format === "kdenlive" && plan.clips.some((clip) => withSound.has(clip.sourceId))) {
    notes.push("each clip's picture and sound sit on a video and an audio track without being grouped: select both to move them together");
  }
  if (plan.logos.length > 0) notes.push("logos are watermark filters on the whole output, not clips on a track of their own");
  if (plan.texts.length > 0) {
    notes.push(
      format === "kdenlive"
        ? "titles and subtitles are MLT text filters on the whole timeline (Kdenlive keeps them as timeline effects, not title clips; the font and line breaks may differ a little)"
        : "titles and subtitles are text filters on the timeline's output (Shotcut lists them under the Output's filters; the font and line breaks may differ a little)",
    );
  }
  return notes;
}
