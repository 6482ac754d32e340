import { VideoMakerError } from "../../core/errors.js";
import { frameRateText } from "../format.js";
import { isCrossDissolve } from "../transitions.js";
import {
  METADATA_KEY,
  type Json,
  type MarkerColour,
  type OtioObject,
  clip,
  externalReference,
  gap,
  hasOwnSound,
  marker,
  otioRate,
  overrun,
  rationalTime,
  sourceFrames,
  stack,
  timeRange,
  timeline,
  track,
  transition,
} from "./otio-objects.js";
import type { ProjectClip, ProjectMusic, ProjectPlan, ProjectSource } from "./plan.js";

export { METADATA_KEY } from "./otio-objects.js";
export { OTIO_NOT_CARRIED } from "./otio-not-carried.js";

/**
 * The project as an OpenTimelineIO document (.otio, JSON), the format DaVinci Resolve reads and
 * Premiere and Avid read through OTIO's adapters. Pure: the plan in, the text out.
 *
 * Tracks, top of the stack last as OTIO orders them: the picture ("Video"), the clips' own sound
 * ("Clip sound", when any clip has some), the music ("Music 1", …; pieces that overlap go on
 * tracks of their own), and the logos on a switched-off video track (OTIO cannot place or size
 * them, so shown they would cover the whole picture). Titles and subtitles are markers on the
 * stack: their words and times, not drawn text. Every track lasts plan.totalFrames.
 *
 * The writer needs something on the timeline (totalFrames ≥ 1); planProject refuses an empty
 * timeline before it gets here, and this refuses it again in the same words.
 */
export function writeOtio(plan: ProjectPlan): string {
  if (!(plan.totalFrames >= 1)) {
    throw new VideoMakerError("not_ready", "The timeline is empty, so there is nothing to export yet. Add a clip, a photo or a text first.");
  }
  const rate = otioRate(plan.frameRate);
  const sources = new Map(plan.sources.map((s) => [s.id, s]));
  const sourceOf = (id: string, owner: string): ProjectSource => {
    const source = sources.get(id);
    if (!source) throw new Error(`project plan: ${owner} uses ${id}, which is not among its sources`);
    return source;
  };
  const video = layOutVideo(plan.clips, (c) => overrun(c, sources.get(c.sourceId), plan.frameRate).slip);
  const tracks: OtioObject[] = [track("Video", "Video", videoItems(video, plan, rate, sourceOf))];
  if (video.some((laid) => hasOwnSound(laid.clip, sourceOf(laid.clip.sourceId, laid.clip.id)))) {
    tracks.push(track("Clip sound", "Audio", soundItems(video, plan, rate, sourceOf)));
  }
  musicLanes(plan).forEach((lane, index) => {
    tracks.push(track(`Music ${index + 1}`, "Audio", musicItems(lane, plan, rate, sourceOf)));
  });
  logoLanes(plan, rate, sourceOf).forEach((lane, index) => {
    const note = "Logos: switched off, because OTIO cannot place or size them; position, width and opacity are in each clip's metadata.";
    tracks.push(track(`Logos ${index + 1}`, "Video", lane, false, { [METADATA_KEY]: { note } }));
  });
  const markers = plan.texts.map((text) => {
    const colour: MarkerColour = text.kind === "title" ? "PURPLE" : "YELLOW";
    const comment = `${text.kind === "title" ? "Title" : "Subtitle"}, ${text.position.replace(/_/g, " ")}, ${text.sizePx} px, ${text.colour}${text.box ? " on a box" : ""}`;
    const facts = { id: text.id, kind: text.kind, position: text.position, size_px: text.sizePx, colour: text.colour, box: text.box };
    return marker(text.text, timeRange(text.startFrame, text.frames, rate), colour, comment, { [METADATA_KEY]: facts });
  });
  const facts = { width: plan.width, height: plan.height, frame_rate: frameRateText(plan.frameRate), total_frames: plan.totalFrames };
  const document = timeline(plan.title, rationalTime(0, rate), stack(tracks, markers), { [METADATA_KEY]: facts });
  return `${JSON.stringify(document, null, 2)}\n`;
}

/**
 * A clip as OTIO places it. Why the numbers differ from the plan's: in the engine, clip i starts
 * `overlap` frames before clip i−1 ends and the two blend over those frames, so the timeline is
 * `overlap` shorter than the clips laid end to end. In OTIO clips never overlap on a track: they
 * cut, and a Transition at the cut reaches `in_offset` frames back into the clip before and
 * `out_offset` frames on into the clip after, drawing on the media beyond each clip's own range
 * (its handles) and taking no time itself. So the cut goes inside the blend, at
 * startFrame(i) + in_offset, with in_offset + out_offset = overlap: the blend covers exactly the
 * engine's frames, clip i−1 loses its last out_offset frames, clip i its first in_offset (its
 * source in-point moves on by as many), and the track is as long as the engine's picture.
 * in_offset = ⌊overlap/2⌋, out_offset = ⌈overlap/2⌉: the cut at the middle, the odd frame after it.
 */
interface LaidClip {
  clip: ProjectClip;
  /** Frames of black before it (a Gap), when it does not follow on from the clip before. */
  gapBefore: number;
  /** The transition into it: frames it reaches into the clip before and into this one. */
  into?: { inOffset: number; outOffset: number };
  /** Where it starts on the OTIO track, where it starts in its source, and for how long. */
  trackStart: number;
  sourceStart: number;
  frames: number;
}

function layOutVideo(clips: ProjectClip[], slipOf: (c: ProjectClip) => number): LaidClip[] {
  const laid: LaidClip[] = [];
  let engineEnd = 0;
  clips.forEach((c, i) => {
    const overlap = i > 0 && c.transition ? c.transition.frames : 0;
    if (overlap > 0 && c.startFrame !== engineEnd - overlap) {
      throw new Error(`project plan: ${c.id} starts at frame ${c.startFrame}, not where its ${overlap}-frame transition puts it (${engineEnd - overlap})`);
    }
    const gapBefore = overlap > 0 ? 0 : c.startFrame - engineEnd;
    if (gapBefore < 0) throw new Error(`project plan: ${c.id} starts at frame ${c.startFrame}, inside the clip before, with no transition`);
    const inOffset = Math.floor(overlap / 2);
    laid.push({
      clip: c,
      gapBefore,
      ...(overlap > 0 ? { into: { inOffset, outOffset: overlap - inOffset } } : {}),
      trackStart: c.startFrame + inOffset,
      sourceStart: c.sourceInFrame - slipOf(c) + inOffset,
      frames: c.frames - inOffset,
    });
    const before = laid[i - 1];
    if (before && overlap > 0) before.frames -= overlap - inOffset;
    engineEnd = c.startFrame + c.frames;
  });
  for (const l of laid) {
    if (l.frames < 1) throw new Error(`project plan: ${l.clip.id} is shorter than the transitions at its two ends`);
  }
  return laid;
}

type SourceOf = (id: string, owner: string) => ProjectSource;

/**
 * A still has no length of its own: its reference says it lasts exactly the clip, handles
 * included, so an editor holds it that long. (OTIO has no still-image reference; its
 * documentation, issue #68, says a clip's media may be a single image held for a duration.)
 */
function mediaOf(c: ProjectClip, source: ProjectSource, plan: ProjectPlan, rate: number): OtioObject {
  const available =
    c.kind === "image" ? timeRange(0, c.frames, rate)
    : source.durationMs !== undefined ? timeRange(0, sourceFrames(source.durationMs, plan.frameRate), rate)
    : null;
  return externalReference(source.name, source.path, available);
}

function clipFacts(c: ProjectClip): Record<string, Json> {
  return { id: c.id, source_id: c.sourceId, kind: c.kind, volume: c.volume, fit: c.fit, ...(c.kenBurns ? { ken_burns: c.kenBurns } : {}) };
}

function videoItems(laid: LaidClip[], plan: ProjectPlan, rate: number, sourceOf: SourceOf): OtioObject[] {
  return sequence(laid, plan, rate, (l) => {
    const source = sourceOf(l.clip.sourceId, l.clip.id);
    return clip({ name: source.name, metadata: { [METADATA_KEY]: clipFacts(l.clip) } }, timeRange(l.sourceStart, l.frames, rate), mediaOf(l.clip, source, plan, rate));
  });
}

/** The clips' own sound mirrors the picture, a Gap where a clip is silent; it crossfades where both sides sound. */
function soundItems(laid: LaidClip[], plan: ProjectPlan, rate: number, sourceOf: SourceOf): OtioObject[] {
  const sounds = laid.map((l) => hasOwnSound(l.clip, sourceOf(l.clip.sourceId, l.clip.id)));
  return sequence(laid, plan, rate, (l, i) => {
    if (!sounds[i]) return gap(l.frames, rate);
    const source = sourceOf(l.clip.sourceId, l.clip.id);
    return clip({ name: source.name, metadata: { [METADATA_KEY]: { id: l.clip.id, volume: l.clip.volume } } }, timeRange(l.sourceStart, l.frames, rate), mediaOf(l.clip, source, plan, rate));
  }, (i) => sounds[i - 1]! && sounds[i]!);
}

/** Laid clips as track items: gaps, the items, transitions at their cuts, a gap to the end. */
function sequence(
  laid: LaidClip[],
  plan: ProjectPlan,
  rate: number,
  itemOf: (l: LaidClip, index: number) => OtioObject,
  blends: (index: number) => boolean = () => true,
): OtioObject[] {
  const items: OtioObject[] = [];
  let end = 0;
  laid.forEach((l, i) => {
    if (l.gapBefore > 0) items.push(gap(l.gapBefore, rate));
    if (l.into && blends(i)) {
      const type = l.clip.transition!.type;
      const facts = { [METADATA_KEY]: { type, frames: l.into.inOffset + l.into.outOffset } };
      items.push(transition(type, isCrossDissolve(type), l.into.inOffset, l.into.outOffset, rate, facts));
    }
    items.push(itemOf(l, i));
    end = l.trackStart + l.frames;
  });
  if (plan.totalFrames > end) items.push(gap(plan.totalFrames - end, rate));
  return items;
}

/** Things on the timeline put on as few tracks as hold them without overlaps, first come first placed. */
function lanes<T extends { startFrame: number; frames: number }>(things: T[]): T[][] {
  const placed: Array<{ end: number; things: T[] }> = [];
  for (const thing of [...things].sort((a, b) => a.startFrame - b.startFrame)) {
    const lane = placed.find((l) => l.end <= thing.startFrame);
    if (lane) {
      lane.things.push(thing);
      lane.end = thing.startFrame + thing.frames;
    } else {
      placed.push({ end: thing.startFrame + thing.frames, things: [thing] });
    }
  }
  return placed.map((l) => l.things);
}

/** Pieces that start before the end: one that starts after it has nothing to play. */
function musicLanes(plan: ProjectPlan): ProjectMusic[][] {
  return lanes(plan.music.filter((m) => m.frames > 0 && m.startFrame < plan.totalFrames));
}

/** Items of a lane: a Gap up to each piece, the piece's clips, a Gap to the end of the timeline. */
function laneItems<T extends { startFrame: number; frames: number }>(lane: T[], plan: ProjectPlan, rate: number, clipsOf: (thing: T, frames: number) => OtioObject[]): OtioObject[] {
  const items: OtioObject[] = [];
  let end = 0;
  for (const thing of lane) {
    const frames = Math.min(thing.frames, plan.totalFrames - thing.startFrame);
    if (frames < 1) continue;
    if (thing.startFrame > end) items.push(gap(thing.startFrame - end, rate));
    items.push(...clipsOf(thing, frames));
    end = thing.startFrame + frames;
  }
  if (plan.totalFrames > end) items.push(gap(plan.totalFrames - end, rate));
  return items;
}

/**
 * A piece of music: one clip, or for a looped piece longer than its source one clip per pass
 * (the engine's `-stream_loop` plays the rest of the source from the in-point, then the whole
 * source again from its start). A piece that is not looped stops where its source does, as the
 * engine's does; the rest of the time is a Gap.
 */
function musicItems(lane: ProjectMusic[], plan: ProjectPlan, rate: number, sourceOf: SourceOf): OtioObject[] {
  return laneItems(lane, plan, rate, (m, frames) => {
    const source = sourceOf(m.sourceId, m.id);
    const length = source.durationMs !== undefined ? sourceFrames(source.durationMs, plan.frameRate) : undefined;
    const available = length !== undefined ? timeRange(0, length, rate) : null;
    const inFrame = Math.round((m.sourceInMs * plan.frameRate.num) / (plan.frameRate.den * 1000));
    const facts = { id: m.id, volume: m.volume, fade_in_frames: m.fadeInFrames, fade_out_frames: m.fadeOutFrames, loop: m.loop, ducked: m.ducked };
    const passes: Array<{ from: number; frames: number }> = [];
    if (length === undefined) {
      passes.push({ from: inFrame, frames });
    } else if (!m.loop) {
      if (length > inFrame) passes.push({ from: inFrame, frames: Math.min(frames, length - inFrame) });
    } else if (length > 0) {
      for (let left = frames, from = inFrame % length; left > 0; from = 0) {
        const take = Math.min(left, length - from);
        passes.push({ from, frames: take });
        left -= take;
      }
    }
    const clips = passes.map((p, k) => {
      const metadata = { [METADATA_KEY]: passes.length > 1 ? { ...facts, loop_pass: k + 1 } : facts };
      return clip({ name: source.name, metadata }, timeRange(p.from, p.frames, rate), externalReference(source.name, source.path, available));
    });
    const played = passes.reduce((sum, p) => sum + p.frames, 0);
    return played < frames ? [...clips, gap(frames - played, rate)] : clips;
  });
}

function logoLanes(plan: ProjectPlan, rate: number, sourceOf: SourceOf): OtioObject[][] {
  return lanes(plan.logos.filter((l) => l.frames > 0 && l.startFrame < plan.totalFrames)).map((lane) =>
    laneItems(lane, plan, rate, (logo, frames) => {
      const source = sourceOf(logo.sourceId, logo.id);
      const facts = { id: logo.id, position: logo.position, width_fraction: logo.widthFraction, opacity: logo.opacity };
      return [clip({ name: source.name, metadata: { [METADATA_KEY]: facts } }, timeRange(0, frames, rate), externalReference(source.name, source.path, timeRange(0, frames, rate)))];
    }),
  );
}
