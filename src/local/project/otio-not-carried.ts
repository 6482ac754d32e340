import { isCrossDissolve } from "../transitions.js";
import { hasOwnSound, overrun } from "./otio-objects.js";
import type { ProjectClip, ProjectPlan } from "./plan.js";

/**
 * What this plan uses that an .otio cannot carry, one plain sentence each, for the export's
 * answer to name (empty when the document carries everything). OTIO has cuts, transitions by
 * name, markers and metadata; no volume, fades, moves, scaling, layout or text styling (what we
 * know of them goes in metadata under "video_maker", which editors keep but do not apply).
 */
export function OTIO_NOT_CARRIED(plan: ProjectPlan): string[] {
  const sentences: string[] = [];
  const sources = new Map(plan.sources.map((s) => [s.id, s]));
  const say = (ids: string[], sentence: (list: string, many: boolean) => string): void => {
    if (ids.length > 0) sentences.push(sentence(listed(ids), ids.length > 1));
  };

  say(plan.clips.filter((c) => c.kenBurns && c.kenBurns !== "none").map((c) => c.id), (list) =>
    `The slow zoom or pan (Ken Burns) on ${list}: OTIO has no moves, so an editor shows the photo still.`);
  say(plan.clips.filter((c) => fitMatters(c, plan)).map((c) => `${c.id} (${c.fit})`), (list, many) =>
    `How ${list} ${many ? "fill" : "fills"} the frame: an editor scales ${many ? "them" : "it"} by its own setting.`);
  const custom = plan.clips.filter((c, i) => i > 0 && c.transition && c.transition.frames > 0 && !isCrossDissolve(c.transition.type));
  say(custom.map((c) => `${c.transition!.type} into ${c.id}`), (list, many) =>
    `The ${list} ${many ? "are" : "is"} written as OTIO's custom transition with ${many ? "their names" : "its name"}: an editor may draw ${many ? "them" : "it"} as its own default transition.`);
  say(plan.clips.filter((c) => hasOwnSound(c, sources.get(c.sourceId)) && c.volume !== 1).map((c) => `${c.id} (${c.volume})`), (list) =>
    `The volume of the clip sound of ${list}: in the clips' metadata, not applied; set it in the editor.`);
  say(silentNeighbours(plan), (list) =>
    `The clip sound fading in or out over the transition into ${list}, next to a silent clip: the sound cuts at the middle of the transition instead.`);
  say(plan.clips.filter((c) => overrun(c, sources.get(c.sourceId), plan.frameRate).past > 0).map((c) => c.id), (list, many) =>
    `${capital(list)} ${many ? "run" : "runs"} past the end of ${many ? "their sources" : "its source"}: the engine holds the last frame, an editor may show nothing there.`);

  say(plan.music.filter((m) => m.volume !== 1 || m.fadeInFrames > 0 || m.fadeOutFrames > 0).map((m) => m.id), (list) =>
    `The volume and the fades in and out of ${list}: in the music clips' metadata, not applied; set them in the editor.`);
  say(plan.music.filter((m) => m.ducked).map((m) => m.id), (list) =>
    `The ducking of ${list} under the clips' sound: not carried; lower the music under speech in the editor.`);

  if (plan.texts.length > 0) {
    sentences.push("Titles and subtitles are markers with their words and times, not drawn text: their position, size, colour and box are not carried.");
  }
  say(plan.logos.map((l) => l.id), (list) =>
    `The logo ${list} is on a switched-off track: its position, size and opacity are not carried; switch the track on and place it in the editor.`);
  return sentences;
}

function listed(ids: string[]): string {
  return ids.length <= 1 ? (ids[0] ?? "") : `${ids.slice(0, -1).join(", ")} and ${ids[ids.length - 1]}`;
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
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
