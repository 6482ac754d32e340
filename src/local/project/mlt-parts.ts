import { fontSizeFor } from "../text-layout.js";
import { isCrossDissolve, type TransitionType } from "../transitions.js";
import type { ProjectClip, ProjectLogo, ProjectMusic, ProjectPlan, ProjectSource, ProjectText } from "./plan.js";
import { type XmlNode, element, properties } from "./xml.js";

/**
 * What the MLT project (Shotcut's flavour, mlt.ts) and the Kdenlive document (kdenlive.ts)
 * share: the profile, the producers, the sound's levels and fades, titles, logos. All times
 * are whole frames of the profile's rate, which MLT reads as frames.
 */

/** The MLT version the documents are written for (Debian 12's melt, Shotcut 22–24, Kdenlive 22–24 read it). */
export const MLT_VERSION = "7.12.0";

export function profile(plan: ProjectPlan): XmlNode {
  const divisor = gcd(plan.width, plan.height);
  return element("profile", {
    description: `${plan.width}x${plan.height} ${(plan.frameRate.num / plan.frameRate.den).toFixed(2).replace(/\.00$/, "")} fps`,
    width: plan.width,
    height: plan.height,
    progressive: 1,
    sample_aspect_num: 1,
    sample_aspect_den: 1,
    display_aspect_num: plan.width / divisor,
    display_aspect_den: plan.height / divisor,
    frame_rate_num: plan.frameRate.num,
    frame_rate_den: plan.frameRate.den,
    // MLT's own rule for pictures that do not say: BT.709 from 720 lines up, BT.601 below (a 601 render of a
    // small project would shift every colour the engine left as it was).
    colorspace: plan.height >= 720 ? 709 : 601,
  });
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Frames a source lasts at the project's rate (a photo: as long as it is used). */
export function sourceFrames(source: ProjectSource, plan: ProjectPlan): number | undefined {
  return source.durationMs === undefined ? undefined : Math.max(1, Math.floor((source.durationMs * plan.frameRate.num) / (plan.frameRate.den * 1000)));
}

/** A file as an MLT producer: avformat for clips and sound, qimage for pictures, referenced by absolute path. */
export function fileProducer(
  id: string,
  source: ProjectSource,
  plan: ProjectPlan,
  options: { length?: number; extra?: Record<string, string | number | undefined>; filters?: XmlNode[] } = {},
): XmlNode {
  const length = options.length ?? sourceFrames(source, plan) ?? plan.totalFrames;
  const picture = source.kind === "image";
  return element("producer", { id, in: 0, out: length - 1 }, [
    ...properties({
      length,
      eof: "pause",
      resource: source.path,
      mlt_service: picture ? "qimage" : "avformat-novalidate",
      // A picture is read once, not once per frame.
      ...(picture ? { ttl: 1 } : {}),
      ...(source.kind === "audio" ? { "video_index": -1 } : {}),
      "shotcut:caption": source.name,
      ...options.extra,
    }),
    ...(options.filters ?? []),
  ]);
}

/**
 * `cover` on a picture of another shape: MLT's crop filter, centred, cuts it to the frame's
 * shape (MLT itself would show it whole, with bars: `contain`).
 */
export function coverCrop(clip: ProjectClip, source: ProjectSource, plan: ProjectPlan): XmlNode | undefined {
  if (clip.fit !== "cover" || !source.width || !source.height) return undefined;
  if (Math.abs(source.width / source.height - plan.width / plan.height) < 0.01) return undefined;
  return element("filter", {}, properties({ mlt_service: "crop", center: 1, "shotcut:filter": "crop" }));
}

/** Silence as MLT's volume filter wants it, in dB. */
const SILENT_DB = -100;

export function decibels(gain: number): number {
  return gain <= 0 ? SILENT_DB : Math.round(20 * Math.log10(gain) * 1000) / 1000;
}

/** The clip's own sound level; undefined when it plays as recorded. */
export function clipVolumeFilter(clip: ProjectClip): XmlNode | undefined {
  if (clip.volume === 1) return undefined;
  return element("filter", {}, properties({ mlt_service: "volume", level: decibels(clip.volume), "shotcut:filter": "audioGain", kdenlive_id: "volume" }));
}

/** Frames between keyframes of a fade: every frame for short fades, at most 60 keyframes for long ones. */
function fadeStep(frames: number): number {
  return Math.max(1, Math.ceil(frames / 60));
}

/**
 * A music piece's level as keyframes relative to the filter's start: its volume, with fades
 * that are linear in amplitude like the render's (ffmpeg afade), so keyed frame by frame in dB.
 */
export function musicLevel(music: ProjectMusic): string {
  const keys = new Map<number, number>();
  const fadeOutStart = music.frames - music.fadeOutFrames;
  if (music.fadeInFrames > 0) {
    const step = fadeStep(music.fadeInFrames);
    for (let f = 0; f < music.fadeInFrames; f += step) keys.set(f, music.volume * (f / music.fadeInFrames));
  }
  keys.set(music.fadeInFrames, music.volume);
  if (music.fadeOutFrames > 0) {
    const step = fadeStep(music.fadeOutFrames);
    keys.set(fadeOutStart, music.volume);
    for (let f = 0; f <= music.fadeOutFrames; f += step) keys.set(fadeOutStart + f, music.volume * (1 - f / music.fadeOutFrames));
    keys.set(music.frames, 0);
  } else {
    keys.set(music.frames - 1, music.volume);
  }
  return [...keys.entries()]
    .sort(([a], [b]) => a - b)
    .map(([frame, gain]) => `${frame}=${decibels(gain)}`)
    .join(";");
}

export function musicVolumeFilter(music: ProjectMusic, placed: { in: number; out: number }): XmlNode {
  return element("filter", { in: placed.in, out: placed.out }, properties({ mlt_service: "volume", level: musicLevel(music), kdenlive_id: "volume" }));
}

/**
 * A music piece's entries: the source from its in-point; looped, from the start again until
 * the piece is full (the render's -stream_loop).
 */
export function musicEntries(music: ProjectMusic, producerId: string, source: ProjectSource, plan: ProjectPlan): XmlNode[] {
  const inFrame = Math.round((music.sourceInMs * plan.frameRate.num) / (plan.frameRate.den * 1000));
  const available = sourceFrames(source, plan);
  const entries: XmlNode[] = [];
  let left = music.frames;
  let from = inFrame;
  while (left > 0) {
    const take = music.loop && available !== undefined ? Math.min(left, Math.max(1, available - from)) : left;
    entries.push(element("entry", { producer: producerId, in: from, out: from + take - 1 }));
    left -= take;
    from = 0;
  }
  return entries;
}

/** The MLT luma transition nearest each transition, and whether it is exact. */
export interface MltWipe {
  /** A built-in luma map ("%luma01.pgm"); none: a plain dissolve. */
  resource?: string;
  invert?: 1;
  exact: boolean;
}

export function mltTransition(type: TransitionType): MltWipe {
  if (isCrossDissolve(type)) return { exact: true };
  return { exact: false };
}

/** What `mltTransition` makes of a transition that is not a cross-dissolve, for the answer. */
export function transitionNote(types: TransitionType[]): string | undefined {
  const approximated = [...new Set(types.filter((type) => !mltTransition(type).exact))];
  if (approximated.length === 0) return undefined;
  return `the ${approximated.join(", ")} transition${approximated.length > 1 ? "s are" : " is"} written as a plain dissolve of the same length (change it in the editor)`;
}

/** Where a title sits: MLT's text filter aligns inside a rectangle kept off the edges as the render does. */
function textPlace(text: ProjectText, plan: ProjectPlan): { geometry: string; halign: string; valign: string } {
  const margin = Math.round(Math.min(plan.width, plan.height) * 0.06);
  const [w, h] = [plan.width - 2 * margin, plan.height - 2 * margin];
  const box = (height: number): string => `${margin} ${margin} ${w} ${height}`;
  switch (text.position) {
    case "top": return { geometry: box(h), halign: "center", valign: "top" };
    case "center": return { geometry: box(h), halign: "center", valign: "middle" };
    case "bottom": return { geometry: box(h), halign: "center", valign: "bottom" };
    case "lower_third": return { geometry: box(Math.round(plan.height * 0.8) - margin), halign: "center", valign: "bottom" };
    case "top_left": return { geometry: box(h), halign: "left", valign: "top" };
    case "top_right": return { geometry: box(h), halign: "right", valign: "top" };
    case "bottom_left": return { geometry: box(h), halign: "left", valign: "bottom" };
    case "bottom_right": return { geometry: box(h), halign: "right", valign: "bottom" };
  }
}

/** "#rrggbb" → MLT's "#aarrggbb". */
function argb(hex: string, alpha = 0xff): string {
  return `#${alpha.toString(16).padStart(2, "0")}${hex.slice(1)}`;
}

/** A title or subtitle as MLT's text filter over the whole picture, during its frames. */
export function textFilter(text: ProjectText, plan: ProjectPlan): XmlNode {
  const size = fontSizeFor({ sizePx: text.sizePx } as Parameters<typeof fontSizeFor>[0], plan.width, plan.height);
  const place = textPlace(text, plan);
  return element("filter", { in: text.startFrame, out: text.startFrame + text.frames - 1 }, properties({
    mlt_service: "text",
    argument: text.text,
    ...place,
    family: "Sans",
    size,
    weight: 700,
    fgcolour: argb(text.colour),
    bgcolour: text.box ? "#8c000000" : "#00000000",
    olcolour: text.box ? undefined : "#b3000000",
    outline: text.box ? 0 : Math.max(1, Math.round(size / 24)),
    pad: text.box ? Math.max(2, Math.round(size * 0.25)) : 0,
    "shotcut:filter": "dynamicText",
    "video-maker:text": text.kind,
  }));
}

/**
 * A logo as MLT's watermark filter over the whole picture during its frames: the picture in its
 * rectangle (its width share, its own shape, a corner or the centre), at its opacity. The
 * rectangle is in percent, all of it: composite reads the opacity only when every field is.
 */
export function logoFilter(logo: ProjectLogo, source: ProjectSource, plan: ProjectPlan): XmlNode {
  const margin = Math.round(Math.min(plan.width, plan.height) * 0.06);
  const w = Math.max(2, Math.round(plan.width * logo.widthFraction));
  const h = source.width && source.height ? Math.max(2, Math.round((w * source.height) / source.width)) : w;
  const x = logo.position === "center" ? (plan.width - w) / 2 : logo.position.endsWith("left") ? margin : plan.width - margin - w;
  const y = logo.position === "center" ? (plan.height - h) / 2 : logo.position.startsWith("top") ? margin : plan.height - margin - h;
  const percent = (value: number, of: number): string => `${Math.round((value / of) * 1_000_000) / 10_000}%`;
  const geometry = `${percent(x, plan.width)}/${percent(y, plan.height)}:${percent(w, plan.width)}x${percent(h, plan.height)}:${Math.round(logo.opacity * 100)}%`;
  return element("filter", { in: logo.startFrame, out: logo.startFrame + logo.frames - 1 }, properties({
    mlt_service: "watermark",
    resource: source.path,
    "composite.geometry": geometry,
    "composite.fill": 1,
    "composite.distort": 1,
    "composite.progressive": 1,
    "video-maker:logo": logo.id,
  }));
}
