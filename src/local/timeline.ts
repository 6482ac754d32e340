import { z } from "zod";
import { type Draft, type Track, TRACK_TYPE, trackType } from "../core/draft.js";
import { VideoMakerError } from "../core/errors.js";
import type { MediaFacts } from "./media.js";

/**
 * The local engine's view of a draft. The draft on disk keeps NemoVideo's short keys
 * (`t` tracks, `tt` type, `sg` segments, `d` ms, `m` metadata) and adds what rendering
 * needs, all times in ms:
 *
 *   video (tt 0):  { id, n, src, st, d, in, fit?, kb?, v?, tr?: { type, d } }
 *   music (tt 1):  { id, n, src, st, d, in, v, fi, fo, loop, duck, fill }
 *   text  (tt 7):  { id, st, d, tx, pos, sz, c, box }   (a track with role "subtitles" holds subtitles)
 *   logo  (tt 0, role "overlay"):  { id, n, src, st, d, pos, w, o, fill }   (a picture laid over the video)
 *
 * Clips on the video track play one after another; a transition `tr` overlaps a clip with
 * the one before it, so `st` is derived (kept in the file so every reader sees real times).
 */

export const FITS = ["cover", "contain", "blur"] as const;
export type Fit = (typeof FITS)[number];

export const KEN_BURNS = ["none", "zoom_in", "zoom_out", "pan_left", "pan_right"] as const;
export type KenBurns = (typeof KEN_BURNS)[number];

/** xfade transitions present in ffmpeg 4.4 and later (and `zoomin` from 5.0). */
export const TRANSITIONS = [
  "fade", "fadeblack", "fadewhite", "fadegrays", "dissolve", "distance",
  "wipeleft", "wiperight", "wipeup", "wipedown", "wipetl", "wipetr", "wipebl", "wipebr",
  "slideleft", "slideright", "slideup", "slidedown",
  "smoothleft", "smoothright", "smoothup", "smoothdown",
  "circleopen", "circleclose", "circlecrop", "rectcrop", "radial",
  "vertopen", "vertclose", "horzopen", "horzclose",
  "diagtl", "diagtr", "diagbl", "diagbr",
  "hlslice", "hrslice", "vuslice", "vdslice",
  "pixelize", "hblur", "squeezeh", "squeezev", "zoomin",
] as const;
export type TransitionType = (typeof TRANSITIONS)[number];

export const TEXT_POSITIONS = [
  "top", "center", "bottom", "lower_third", "top_left", "top_right", "bottom_left", "bottom_right",
] as const;
export type TextPosition = (typeof TEXT_POSITIONS)[number];

/** Text sizes in pixels on a 1080-pixel short side; scaled with the output. */
export const TEXT_SIZES = { small: 42, medium: 64, large: 96, huge: 136 } as const;
export type TextSizeName = keyof typeof TEXT_SIZES;

export const LOGO_POSITIONS = ["top_left", "top_right", "bottom_left", "bottom_right", "center"] as const;
export type LogoPosition = (typeof LOGO_POSITIONS)[number];

const ms = z.number().finite();

export const TransitionSchema = z.object({ type: z.enum(TRANSITIONS), d: ms.positive() });
export type Transition = z.infer<typeof TransitionSchema>;

export const VideoSegmentSchema = z.looseObject({
  id: z.string().min(1),
  n: z.string().optional(),
  src: z.string().min(1),
  st: ms.default(0),
  d: ms.positive(),
  in: ms.nonnegative().default(0),
  fit: z.enum(FITS).optional(),
  kb: z.enum(KEN_BURNS).optional(),
  v: z.number().min(0).max(4).optional(),
  tr: TransitionSchema.optional(),
});
export type VideoSegment = z.infer<typeof VideoSegmentSchema>;

export const AudioSegmentSchema = z.looseObject({
  id: z.string().min(1),
  n: z.string().optional(),
  src: z.string().min(1),
  st: ms.nonnegative().default(0),
  d: ms.positive(),
  in: ms.nonnegative().default(0),
  v: z.number().min(0).max(4).default(1),
  fi: ms.nonnegative().default(0),
  fo: ms.nonnegative().default(0),
  loop: z.boolean().default(false),
  duck: z.boolean().default(false),
  /** Runs to the end of the video, following it when clips are added or removed. */
  fill: z.boolean().default(false),
});
export type AudioSegment = z.infer<typeof AudioSegmentSchema>;

export const TextSegmentSchema = z.looseObject({
  id: z.string().min(1),
  st: ms.nonnegative().default(0),
  d: ms.positive(),
  tx: z.string(),
  pos: z.enum(TEXT_POSITIONS).default("center"),
  sz: z.number().positive().default(TEXT_SIZES.large),
  c: z.string().default("white"),
  box: z.boolean().default(false),
});
export type TextSegment = z.infer<typeof TextSegmentSchema>;

export const LogoSegmentSchema = z.looseObject({
  id: z.string().min(1),
  n: z.string().optional(),
  src: z.string().min(1),
  st: ms.nonnegative().default(0),
  d: ms.positive(),
  pos: z.enum(LOGO_POSITIONS).default("top_right"),
  /** Width as a share of the frame's width. */
  w: z.number().positive().max(1).default(0.15),
  /** Opacity, 0–1. */
  o: z.number().min(0).max(1).default(1),
  /** Runs to the end of the video, following it when clips are added or removed. */
  fill: z.boolean().default(false),
});
export type LogoSegment = z.infer<typeof LogoSegmentSchema>;

export interface LocalTimeline {
  /** The draft's own metadata (format, title) and any keys we do not know, kept as they are. */
  meta: Record<string, unknown>;
  video: VideoSegment[];
  music: AudioSegment[];
  titles: TextSegment[];
  subtitles: TextSegment[];
  logos: LogoSegment[];
  /** Tracks of types the local engine does not render; kept so nothing is lost. */
  other: Track[];
}

const SUBTITLES_ROLE = "subtitles";
/** A video track with this role holds pictures laid over the video (logos), not clips. */
const OVERLAY_ROLE = "overlay";

function parseSegments<T>(schema: z.ZodType<T>, track: Track, what: string): T[] {
  return track.sg.map((segment, index) => {
    const parsed = schema.safeParse(segment);
    if (!parsed.success) {
      throw new VideoMakerError(
        "invalid_input",
        `The saved timeline has a ${what} (#${index + 1}${segment.id !== undefined ? `, ${String(segment.id)}` : ""}) the local engine cannot read; the project file was probably edited by hand. Start a new project with new_session.`,
      );
    }
    return parsed.data;
  });
}

export function readTimeline(draft: Draft): LocalTimeline {
  const timeline: LocalTimeline = {
    meta: { ...((draft.m ?? {}) as Record<string, unknown>) },
    video: [],
    music: [],
    titles: [],
    subtitles: [],
    logos: [],
    other: [],
  };
  for (const track of draft.t) {
    const type = trackType(track);
    const role = (track as Record<string, unknown>)["role"];
    if (type === TRACK_TYPE.video && role === OVERLAY_ROLE) timeline.logos.push(...parseSegments(LogoSegmentSchema, track, "logo"));
    else if (type === TRACK_TYPE.video) timeline.video.push(...parseSegments(VideoSegmentSchema, track, "clip"));
    else if (type === TRACK_TYPE.audio) timeline.music.push(...parseSegments(AudioSegmentSchema, track, "audio clip"));
    else if (type === TRACK_TYPE.text) {
      const texts = parseSegments(TextSegmentSchema, track, "text");
      if (role === SUBTITLES_ROLE) timeline.subtitles.push(...texts);
      else timeline.titles.push(...texts);
    } else timeline.other.push(track);
  }
  return timeline;
}

const byStart = <T extends { st: number }>(a: T, b: T): number => a.st - b.st;

/** Back to the short-key draft; empty tracks are dropped, tracks keep a fixed order. */
export function writeTimeline(timeline: LocalTimeline): Draft {
  const tracks: Track[] = [];
  if (timeline.video.length > 0) tracks.push({ tt: TRACK_TYPE.video, sg: timeline.video });
  if (timeline.music.length > 0) tracks.push({ tt: TRACK_TYPE.audio, sg: [...timeline.music].sort(byStart) });
  if (timeline.titles.length > 0) tracks.push({ tt: TRACK_TYPE.text, sg: [...timeline.titles].sort(byStart) });
  if (timeline.subtitles.length > 0) {
    tracks.push({ tt: TRACK_TYPE.text, n: "Subtitles", role: SUBTITLES_ROLE, sg: [...timeline.subtitles].sort(byStart) });
  }
  if (timeline.logos.length > 0) tracks.push({ tt: TRACK_TYPE.video, n: "Logo", role: OVERLAY_ROLE, sg: [...timeline.logos].sort(byStart) });
  tracks.push(...timeline.other);
  const draft: Draft = { t: tracks, d: Math.round(timelineLengthMs(timeline)) };
  if (Object.keys(timeline.meta).length > 0) draft.m = timeline.meta;
  return draft;
}

export function cloneTimeline(timeline: LocalTimeline): LocalTimeline {
  return structuredClone(timeline);
}

// --- media ---------------------------------------------------------------------------

type SegmentTrack = Exclude<keyof LocalTimeline, "meta" | "other">;
/** The tracks whose segments name a media file in `src`. */
type MediaTrack = { [K in SegmentTrack]: LocalTimeline[K][number] extends { src: string } ? K : never }[SegmentTrack];
const MEDIA_TRACKS = ["video", "music", "logos"] as const satisfies readonly MediaTrack[];
// A new track with `src` that is missing above fails to compile here, so renders never lose its files.
const everyMediaTrack: Exclude<MediaTrack, (typeof MEDIA_TRACKS)[number]> extends never ? true : never = true;
void everyMediaTrack;

/** The ids of every media file the timeline uses (what a render needs as inputs). */
export function mediaUsedBy(timeline: LocalTimeline): Set<string> {
  return new Set(MEDIA_TRACKS.flatMap((track) => timeline[track].map((segment) => segment.src)));
}

// --- timing ------------------------------------------------------------------------

/** End of the video track: where clips stop; 0 when there are none. */
export function videoEndMs(timeline: Pick<LocalTimeline, "video">): number {
  const last = timeline.video[timeline.video.length - 1];
  return last ? last.st + last.d : 0;
}

/** The whole length: the video track, or without one the texts, audio and fixed-length logos. */
export function timelineLengthMs(timeline: LocalTimeline): number {
  const video = videoEndMs(timeline);
  if (video > 0) return video;
  let end = 0;
  for (const text of [...timeline.titles, ...timeline.subtitles]) end = Math.max(end, text.st + text.d);
  for (const audio of timeline.music) end = Math.max(end, audio.st + audio.d);
  // A logo that follows the video has no length of its own.
  for (const logo of timeline.logos) if (!logo.fill) end = Math.max(end, logo.st + logo.d);
  return end;
}

/** Shortest piece of a clip a transition leaves alone, so every clip is seen on its own. */
const MIN_SOLO_MS = 100;
const MIN_TRANSITION_MS = 100;

/**
 * Re-derives what follows from the rest: clip start times, transitions that fit their clips,
 * music that runs to the end of the video. Returns what it had to change, for the person.
 */
export function normalizeTimeline(timeline: LocalTimeline, media: readonly MediaFacts[]): string[] {
  const notes: string[] = [];
  let cursor = 0;
  timeline.video.forEach((segment, index) => {
    if (segment.tr && index === 0) delete segment.tr;
    if (segment.tr) {
      const previous = timeline.video[index - 1]!;
      const previousOverlap = previous.tr?.d ?? 0;
      const room = Math.min(previous.d - previousOverlap, segment.d) - MIN_SOLO_MS;
      if (room < MIN_TRANSITION_MS) {
        notes.push(`The ${segment.tr.type} transition into ${segment.id} was dropped: the clips around it are too short for one.`);
        delete segment.tr;
      } else if (segment.tr.d > room) {
        notes.push(`The transition into ${segment.id} was shortened to ${seconds(room)} s to fit the clips around it.`);
        segment.tr = { ...segment.tr, d: Math.round(room) };
      }
    }
    segment.st = Math.max(0, cursor - (segment.tr?.d ?? 0));
    cursor = segment.st + segment.d;
  });

  const videoEnd = videoEndMs(timeline);
  for (const audio of timeline.music) {
    const source = media.find((m) => m.id === audio.src);
    const available = source?.duration_ms !== undefined ? Math.max(0, source.duration_ms - audio.in) : undefined;
    if (audio.fill && videoEnd > 0) audio.d = Math.max(1, videoEnd - audio.st);
    if (!audio.loop && available !== undefined && available > 0 && audio.d > available) audio.d = available;
    if (audio.fi + audio.fo > audio.d) {
      const scale = audio.d / (audio.fi + audio.fo);
      audio.fi = Math.floor(audio.fi * scale);
      audio.fo = Math.floor(audio.fo * scale);
    }
  }
  for (const logo of timeline.logos) if (logo.fill && videoEnd > logo.st) logo.d = videoEnd - logo.st;
  return notes;
}

export function seconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}
