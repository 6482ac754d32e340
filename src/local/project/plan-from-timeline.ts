import type { Draft } from "../../core/draft.js";
import { draftTitle } from "../../core/draft.js";
import { VideoMakerError } from "../../core/errors.js";
import { registeredMedia } from "../compile-context.js";
import { resolveFormat } from "../compile.js";
import { layOutFrames, resolveFit, totalFramesOf } from "../compile-video.js";
import { type FrameRate, frameRateOf } from "../format.js";
import type { MediaFacts } from "../media.js";
import { placedSubtitles } from "../subtitle-anchor.js";
import { normalizeColor } from "../text-layout.js";
import { type TextSegment, cloneTimeline, mediaUsedBy, normalizeTimeline, readTimeline } from "../timeline.js";
import type { ProjectClip, ProjectLogo, ProjectMusic, ProjectPlan, ProjectSource, ProjectText } from "./plan.js";

/**
 * The draft → ProjectPlan: the timeline read, normalised and laid out in frames by the very
 * functions the render uses (layOutFrames, totalFramesOf, placedSubtitles), so a project
 * file cuts where the engine's own export cuts. Pure: no disk, no ffmpeg.
 */
export function planProject(draft: Draft, media: readonly MediaFacts[]): ProjectPlan {
  const timeline = cloneTimeline(readTimeline(draft));
  normalizeTimeline(timeline, media);
  const format = resolveFormat(draft);
  const rate = frameRateOf(format.fps);
  const layout = layOutFrames(rate, timeline.video, (segment) => registeredMedia(media, segment.id, segment.mediaId));
  const totalFrames = totalFramesOf(layout, timeline, rate);
  if (totalFrames === 0) {
    throw new VideoMakerError("not_ready", "The timeline is empty, so there is nothing to export yet. Add a clip, a photo or a text first.");
  }
  const frame = (ms: number): number => Math.round((ms * rate.num) / (rate.den * 1000));
  /** A span in frames cut at the end of the video, as the render cuts it; undefined when nothing of it shows. */
  const span = (startMs: number, durationMs: number): { startFrame: number; frames: number } | undefined => {
    const startFrame = frame(startMs);
    const end = Math.min(frame(startMs + durationMs), totalFrames);
    return end > startFrame && startFrame < totalFrames ? { startFrame, frames: end - startFrame } : undefined;
  };

  const clips: ProjectClip[] = layout.map((p) => {
    const image = p.media.kind === "image";
    return {
      id: p.segment.id,
      sourceId: p.media.id,
      kind: image ? "image" : "video",
      startFrame: p.startFrame,
      frames: p.frames,
      sourceInFrame: image ? 0 : frame(p.segment.sourceInMs),
      sourceInMs: image ? 0 : p.segment.sourceInMs,
      ...(p.overlap > 0 && p.segment.transition ? { transition: { type: p.segment.transition.type, frames: p.overlap } } : {}),
      volume: p.segment.volume ?? 1,
      fit: resolveFit(p.segment.fit, p.media, format.width, format.height),
      ...(image && p.segment.kenBurns && p.segment.kenBurns !== "none" ? { kenBurns: p.segment.kenBurns } : {}),
    };
  });

  const music: ProjectMusic[] = timeline.music.flatMap((piece) => {
    const place = span(piece.startMs, piece.durationMs);
    if (!place) return [];
    // The render's fades: fade-in first, the fade-out in what is left (compile-audio.ts).
    const lengthMs = Math.max(1, Math.min(piece.durationMs, ((totalFrames * rate.den * 1000) / rate.num) - piece.startMs));
    const fadeInMs = Math.min(piece.fadeInMs, lengthMs);
    const fadeOutMs = Math.min(piece.fadeOutMs, lengthMs - fadeInMs);
    return [{
      id: piece.id, sourceId: registeredMedia(media, piece.id, piece.mediaId).id, ...place, sourceInMs: piece.sourceInMs,
      volume: piece.volume, fadeInFrames: frame(fadeInMs), fadeOutFrames: frame(fadeOutMs), loop: piece.loop, ducked: piece.duckUnderClips,
    }];
  });

  const texts: ProjectText[] = [
    ...timeline.titles.map((t) => [t, "title"] as const),
    ...placedSubtitles(timeline).map((t) => [t, "subtitle"] as const),
  ]
    .filter(([t]) => t.text.trim() !== "")
    .flatMap(([t, kind]) => {
      const place = span(t.startMs, t.durationMs);
      return place ? [textOf(t, kind, place)] : [];
    })
    .sort((a, b) => a.startFrame - b.startFrame);

  const logos: ProjectLogo[] = timeline.logos.flatMap((logo) => {
    const place = logo.opacity > 0 ? span(logo.startMs, logo.durationMs) : undefined;
    if (!place) return [];
    const source = registeredMedia(media, logo.id, logo.mediaId);
    return [{ id: logo.id, sourceId: source.id, ...place, position: logo.position, widthFraction: logo.widthFraction, opacity: logo.opacity }];
  });

  const used = mediaUsedBy(timeline);
  const sources: ProjectSource[] = media.filter((m) => used.has(m.id)).map(sourceOf);
  return {
    title: draftTitle(draft) ?? "video-maker project",
    width: format.width,
    height: format.height,
    frameRate: rate,
    totalFrames,
    sources,
    clips,
    music,
    texts,
    logos,
  };
}

function textOf(t: TextSegment, kind: ProjectText["kind"], place: { startFrame: number; frames: number }): ProjectText {
  return { id: t.id, kind, text: t.text, ...place, position: t.position, sizePx: t.sizePx, colour: hexColour(t.colour), box: t.box };
}

function sourceOf(m: MediaFacts): ProjectSource {
  return {
    id: m.id,
    name: m.name,
    path: m.path,
    kind: m.kind,
    ...(m.kind !== "image" && m.duration_ms !== undefined ? { durationMs: m.duration_ms } : {}),
    ...(m.width !== undefined ? { width: m.width } : {}),
    ...(m.height !== undefined ? { height: m.height } : {}),
    hasAudio: m.has_audio,
  };
}

/** ffmpeg's values for the colour names a text may use (text-layout.ts). */
const NAMED: Record<string, string> = {
  white: "#ffffff", black: "#000000", yellow: "#ffff00", red: "#ff0000", green: "#008000", blue: "#0000ff", orange: "#ffa500",
  pink: "#ffc0cb", purple: "#800080", cyan: "#00ffff", magenta: "#ff00ff", gray: "#808080", grey: "#808080", gold: "#ffd700",
};

/** "#rrggbb" for any stored colour; what the render cannot read is white there, so white here. */
export function hexColour(stored: string): string {
  const normal = normalizeColor(stored);
  if (!normal) return "#ffffff";
  return normal.startsWith("#") ? normal.slice(0, 7) : (NAMED[normal] ?? "#ffffff");
}

/** Frames → seconds for people ("2.5 s"). */
export function secondsOf(frames: number, rate: FrameRate): string {
  return `${Math.round(((frames * rate.den) / rate.num) * 100) / 100} s`;
}
