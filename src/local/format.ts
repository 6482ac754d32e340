import type { Draft } from "../core/draft.js";

/**
 * The output format of a local project: aspect, size and frame rate. Stored in the draft's
 * `m` (`aspect`, `width`, `height`, `fps`); a draft without them renders 16:9 1080p30.
 */

export const ASPECTS = ["16:9", "9:16", "1:1", "4:5"] as const;
export type Aspect = (typeof ASPECTS)[number];

export const RESOLUTIONS = { "480p": 480, "720p": 720, "1080p": 1080, "1440p": 1440, "2160p": 2160 } as const;
export type ResolutionName = keyof typeof RESOLUTIONS;

export interface OutputFormat {
  aspect: Aspect;
  width: number;
  height: number;
  /** Frames per second; 23.976, 29.97 and 59.94 mean the NTSC rates (…000/1001). */
  fps: number;
}

/** A frame rate as ffmpeg wants it: an exact fraction, so frame maths never drifts. */
export interface FrameRate {
  num: number;
  den: number;
}

export const DEFAULT_FORMAT: OutputFormat = { aspect: "16:9", width: 1920, height: 1080, fps: 30 };

const ASPECT_RATIO: Record<Aspect, [number, number]> = {
  "16:9": [16, 9],
  "9:16": [9, 16],
  "1:1": [1, 1],
  "4:5": [4, 5],
};

const even = (value: number): number => Math.max(2, Math.round(value / 2) * 2);

/** The short side is the resolution ("1080p" = 1080): 16:9 → 1920x1080, 9:16 → 1080x1920, 4:5 → 1080x1350. */
export function dimensionsFor(aspect: Aspect, shortSide: number): { width: number; height: number } {
  const [w, h] = ASPECT_RATIO[aspect];
  const short = even(shortSide);
  return w >= h ? { width: even((short * w) / h), height: short } : { width: short, height: even((short * h) / w) };
}

export function frameRateOf(fps: number): FrameRate {
  for (const ntsc of [24, 30, 60]) {
    if (Math.abs(fps - (ntsc * 1000) / 1001) < 0.01) return { num: ntsc * 1000, den: 1001 };
  }
  return { num: Math.round(fps), den: 1 };
}

export function frameRateText(rate: FrameRate): string {
  return rate.den === 1 ? String(rate.num) : `${rate.num}/${rate.den}`;
}

/** Whole frames closest to a duration in ms (at least one). */
export function msToFrames(ms: number, rate: FrameRate): number {
  return Math.max(1, Math.round((ms * rate.num) / (rate.den * 1000)));
}

/** Seconds of a frame count, written exactly enough for ffmpeg's microsecond durations. */
export function framesToSeconds(frames: number, rate: FrameRate): string {
  return trimDecimals((frames * rate.den) / rate.num);
}

export function framesToMs(frames: number, rate: FrameRate): number {
  return (frames * rate.den * 1000) / rate.num;
}

export function trimDecimals(value: number, digits = 6): string {
  const text = value.toFixed(digits).replace(/\.?0+$/, "");
  return text === "-0" ? "0" : text;
}

function isAspect(value: unknown): value is Aspect {
  return typeof value === "string" && (ASPECTS as readonly string[]).includes(value);
}

function positiveNumber(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : undefined;
}

/** The format a draft asks for, with defaults for anything missing. */
export function readFormat(draft: Draft): OutputFormat {
  const meta = (draft.m ?? {}) as Record<string, unknown>;
  const aspect = isAspect(meta["aspect"]) ? meta["aspect"] : DEFAULT_FORMAT.aspect;
  const fallback = aspect === DEFAULT_FORMAT.aspect ? DEFAULT_FORMAT : { ...dimensionsFor(aspect, 1080) };
  return {
    aspect,
    width: positiveNumber(meta["width"]) ?? fallback.width,
    height: positiveNumber(meta["height"]) ?? fallback.height,
    fps: positiveNumber(meta["fps"]) ?? DEFAULT_FORMAT.fps,
  };
}
