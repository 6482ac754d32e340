import { isCrossDissolve } from "../transitions.js";
import { hasOwnSound, overrun } from "./otio-objects.js";
import type { ProjectClip, ProjectPlan } from "./plan.js";

/**
 * What this plan uses that an .otio cannot carry, one note each, for the export's answer to name
 * (empty when the document carries everything). The notes are in the shape of the MLT writers'
 * (not-carried.ts): a lower-case clause, "what (which): what happens instead", no full stop, as
 * the tool joins them after "Not carried:". OTIO has cuts, transitions by name, markers and
 * metadata; no levels, fades, moves, scaling, layout or text styling (what we know of them goes
 * in metadata under "video_maker", which editors keep but do not apply).
 */
export function OTIO_NOT_CARRIED(plan: ProjectPlan): string[] {
  const notes: string[] = [];
  const sources = new Map(plan.sources.map((s) => [s.id, s]));
  const say = (ids: string[], note: (list: string) => string): void => {
    if (ids.length > 0) notes.push(note(listed(ids)));
  };

  say(plan.clips.filter((c) => c.kenBurns && c.kenBurns !== "none").map((c) => c.id), (list) =>
    `the Ken Burns moves (${list}): OTIO has no moves, so the photos are still; add a zoom or pan in the editor`);
  say(plan.clips.filter((c) => fitMatters(c, plan)).map((c) => `${c.id} ${c.fit}`), (list) =>
    `how pictures of another shape than the frame fill it (${list}): the editor scales them by its own setting`);
  const custom = plan.clips.filter((c, i) => i > 0 && c.transition && c.transition.frames > 0 && !isCrossDissolve(c.transition.type));
  say(custom.map((c) => `${c.transition!.type} into ${c.id}`), (list) =>
    `transitions other than a dissolve (${list}): written as OTIO custom transitions by name; the editor may draw its own default transition instead`);
  say(plan.clips.filter((c) => hasOwnSound(c, sources.get(c.sourceId)) && c.volume !== 1).map((c) => `${c.id} at ${c.volume}`), (list) =>
    `the clips' sound levels (${list}): kept in metadata only; set them in the editor`);
  say(silentNeighbours(plan), (list) =>
    `the clips' sound fading in or out next to a silent clip (the transitions into ${list}): it cuts at the middle of the transition instead`);
  say(plan.clips.filter((c) => overrun(c, sources.get(c.sourceId), plan.frameRate).past > 0).map((c) => c.id), (list) =>
    `clips longer than their media (${list}): the engine holds the last frame; the editor may show nothing there`);

  say(plan.music.filter((m) => m.volume !== 1 || m.fadeInFrames > 0 || m.fadeOutFrames > 0).map((m) => m.id), (list) =>
    `the music's level and fades (${list}): kept in metadata only; set them in the editor`);
  say(plan.music.filter((m) => m.ducked).map((m) => m.id), (list) =>
    `the music's ducking under the clips' sound (${list}): it plays at its own level throughout`);

  if (plan.texts.length > 0) {
    notes.push("titles and subtitles are markers with their words and times, not drawn text: their position, size, colour and box are not carried");
  }
  say(plan.logos.map((l) => l.id), (list) =>
    `the logos (${list}): on a switched-off track, since OTIO cannot place or size them; switch it on and place them in the editor`);
  return notes;
}

/** "a, b and c"; a long list names three and counts the rest, as the MLT writers' notes do. */
function listed(ids: string[]): string {
  if (ids.length > 3) return `${ids.slice(0, 3).join(", ")} and ${ids.length - 3} more`;
  return ids.length <= 1 ? (ids[0] ?? "") : `${ids.slice(0, -1).join(", ")} and ${ids[ids.length - 1]}`;
}

/** The fit shows only when the picture's shape is not the frame's (or is not known). */
function fitMatters(c: ProjectClip, plan: ProjectPlan): boolean {
  const source = plan.sources.find((s) => s.id === c.sourceId);
  if (!source?.width || !source.height) return true;
  return Math.abs(Math.log(source.width / source.height / (plan.width / plan.height))) > 0.01;
}

/** Transitions where one side has sound of its own and the other has none. */
function silentNeighbours(plan: ProjectPlan): string[] {
  const sounds = (c: ProjectClip): boolean => hasOwnSound(c, plan.sources.find((s) => s.id === c.sourceId));
  if (!plan.clips.some(sounds)) return [];
  return plan.clips.filter((c, i) => i > 0 && c.transition && c.transition.frames > 0 && sounds(c) !== sounds(plan.clips[i - 1]!)).map((c) => c.id);
}
