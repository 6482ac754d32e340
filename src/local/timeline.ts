import { z } from "zod";
import { type Draft, type Track, TRACK_TYPE, trackType } from "../core/draft.js";
import { VideoMakerError } from "../core/errors.js";
import type { MediaFacts } from "./media.js";
import { TRANSITIONS, type TransitionType } from "./transitions.js";

/**
 * The local engine's timeline. On disk it is a draft in NemoVideo's short-key format
 * (`t` tracks, `tt` type, `sg` segments, `d` ms, `m` metadata) plus what rendering needs,
 * all times in ms:
 *
 *   video (tt 0):  { id, n, src, st, d, in, fit?, kb?, v?, tr?: { type, d }, ci?, co?, of? }
 *   music (tt 1):  { id, n, src, st, d, in, v, fi, fo, loop, duck, fill }
 *   text  (tt 7):  { id, st, d, tx, pos, sz, c, box }   (a track with role "subtitles" holds subtitles)
 *   logo  (tt 0, role "overlay"):  { id, n, src, st, d, pos, w, o, fill }   (a picture laid over the video)
 *
 * The engine never sees these keys: readTimeline gives segments with the long names below
 * (`st` → startMs, `tr.d` → transition.durationMs; the *_KEYS tables) and writeTimeline
 * writes them back in this order, with keys it does not know after them, as they came.
 *
 * `ci` / `co` (true or absent): the clip's in / out point was set by a cut (remove_silence,
 * trim), so what lies beyond it was cut away on purpose; `of`: the id of the clip
 * remove_silence cut this piece from (its pieces meet in jump cuts).
 *
 * Clips on the video track play one after another; a transition overlaps a clip with the
 * one before it, so startMs is derived (kept in the file so every reader sees real times).
 */

export const FITS = ["cover", "contain", "blur"] as const;
export type Fit = (typeof FITS)[number];

export const KEN_BURNS = ["none", "zoom_in", "zoom_out", "pan_left", "pan_right"] as const;
export type KenBurns = (typeof KEN_BURNS)[number];

export { TRANSITIONS, type TransitionType } from "./transitions.js";

export const TEXT_POSITIONS = [
  "top", "center", "bottom", "lower_third", "top_left", "top_right", "bottom_left", "bottom_right",
] as const;
export type TextPosition = (typeof TEXT_POSITIONS)[number];

/** Text sizes in pixels on a 1080-pixel short side; scaled with the output. */
export const TEXT_SIZES = { small: 42, medium: 64, large: 96, huge: 136 } as const;
export type TextSizeName = keyof typeof TEXT_SIZES;

export const LOGO_POSITIONS = ["top_left", "top_right", "bottom_left", "bottom_right", "center"] as const;
export type LogoPosition = (typeof LOGO_POSITIONS)[number];

// --- the segments, as the engine sees them -------------------------------------------

export interface Transition {
  type: TransitionType;
  durationMs: number;
}

interface Segment {
  id: string;
  startMs: number;
  durationMs: number;
  /** Keys of the draft's segment the engine does not know (the service's), written back as they came. */
  unknownKeys?: Record<string, unknown>;
}

export interface VideoSegment extends Segment {
  /** The file's name, for people. */
  name?: string;
  mediaId: string;
  /** Where the clip starts inside its source. */
  sourceInMs: number;
  fit?: Fit;
  kenBurns?: KenBurns;
  /** The clip's own sound, 1 = as recorded; unset is 1. */
  volume?: number;
  /** The transition from the clip before into this one; it overlaps the two. */
  transition?: Transition;
  /** The in-point was set by a cut (remove_silence, trim): what came before it was cut away. */
  cutIn?: boolean;
  /** The out-point was set by a cut: fit_duration never plays on past it. */
  cutOut?: boolean;
  /** The clip remove_silence cut this piece from (that clip's id); pieces of one clip meet in jump cuts. */
  pieceOf?: string;
}

export interface AudioSegment extends Segment {
  name?: string;
  mediaId: string;
  sourceInMs: number;
  /** 1 = as recorded. */
  volume: number;
  fadeInMs: number;
  fadeOutMs: number;
  /** Repeats the source when it is shorter than the segment. */
  loop: boolean;
  /** Pressed down while the clips' own sound plays. */
  duckUnderClips: boolean;
  /** Runs to the end of the video, following it when clips are added or removed. */
  followsVideoEnd: boolean;
}

export interface TextSegment extends Segment {
  text: string;
  position: TextPosition;
  /** Font size in pixels on a 1080-pixel short side. */
  sizePx: number;
  /** A colour name or "#rrggbb". */
  colour: string;
  /** A dark box behind the text. */
  box: boolean;
}

export interface LogoSegment extends Segment {
  name?: string;
  mediaId: string;
  position: LogoPosition;
  /** Width as a share of the frame's width, 0–1. */
  widthFraction: number;
  /** 0–1. */
  opacity: number;
  /** Runs to the end of the video, following it when clips are added or removed. */
  followsVideoEnd: boolean;
}

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

// --- the segments on disk: short keys, checked, defaults filled ------------------------

const ms = z.number().finite();

const VideoDiskSchema = z.looseObject({
  id: z.string().min(1),
  n: z.string().optional(),
  src: z.string().min(1),
  st: ms.default(0),
  d: ms.positive(),
  in: ms.nonnegative().default(0),
  fit: z.enum(FITS).optional(),
  kb: z.enum(KEN_BURNS).optional(),
  v: z.number().min(0).max(4).optional(),
  tr: z.object({ type: z.enum(TRANSITIONS), d: ms.positive() }).optional(),
  ci: z.boolean().optional(),
  co: z.boolean().optional(),
  of: z.string().min(1).optional(),
});

const AudioDiskSchema = z.looseObject({
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
  fill: z.boolean().default(false),
});

const TextDiskSchema = z.looseObject({
  id: z.string().min(1),
  st: ms.nonnegative().default(0),
  d: ms.positive(),
  tx: z.string(),
  pos: z.enum(TEXT_POSITIONS).default("center"),
  sz: z.number().positive().default(TEXT_SIZES.large),
  c: z.string().default("white"),
  box: z.boolean().default(false),
});

const LogoDiskSchema = z.looseObject({
  id: z.string().min(1),
  n: z.string().optional(),
  src: z.string().min(1),
  st: ms.nonnegative().default(0),
  d: ms.positive(),
  pos: z.enum(LOGO_POSITIONS).default("top_right"),
  w: z.number().positive().max(1).default(0.15),
  o: z.number().min(0).max(1).default(1),
  fill: z.boolean().default(false),
});

/** Every long name with its short key, in the order the draft writes them. */
type KeyTable<Long, Disk extends z.ZodObject> = { readonly [K in Exclude<keyof Long, "unknownKeys">]-?: keyof Disk["shape"] & string };

const VIDEO_KEYS = {
  id: "id", name: "n", mediaId: "src", startMs: "st", durationMs: "d", sourceInMs: "in", fit: "fit", kenBurns: "kb", volume: "v", transition: "tr",
  cutIn: "ci", cutOut: "co", pieceOf: "of",
} as const satisfies KeyTable<VideoSegment, typeof VideoDiskSchema>;
const AUDIO_KEYS = {
  id: "id", name: "n", mediaId: "src", startMs: "st", durationMs: "d", sourceInMs: "in", volume: "v",
  fadeInMs: "fi", fadeOutMs: "fo", loop: "loop", duckUnderClips: "duck", followsVideoEnd: "fill",
} as const satisfies KeyTable<AudioSegment, typeof AudioDiskSchema>;
const TEXT_KEYS = {
  id: "id", startMs: "st", durationMs: "d", text: "tx", position: "pos", sizePx: "sz", colour: "c", box: "box",
} as const satisfies KeyTable<TextSegment, typeof TextDiskSchema>;
const LOGO_KEYS = {
  id: "id", name: "n", mediaId: "src", startMs: "st", durationMs: "d", position: "pos", widthFraction: "w", opacity: "o", followsVideoEnd: "fill",
} as const satisfies KeyTable<LogoSegment, typeof LogoDiskSchema>;
const TRANSITION_KEYS = { type: "type", durationMs: "d" } as const;
// A short key missing from its table would be kept as unknown, out of order: it fails to compile here.
type Unmapped<Keys, Disk extends z.ZodObject> = Exclude<keyof Disk["shape"], Keys[keyof Keys]>;
const everyKeyMapped: [
  Unmapped<typeof VIDEO_KEYS, typeof VideoDiskSchema>,
  Unmapped<typeof AUDIO_KEYS, typeof AudioDiskSchema>,
  Unmapped<typeof TEXT_KEYS, typeof TextDiskSchema>,
  Unmapped<typeof LOGO_KEYS, typeof LogoDiskSchema>,
] extends [never, never, never, never] ? true : never = true;
void everyKeyMapped;

type Bag = Record<string, unknown>;

/** Short keys → long names; the keys the table does not know go, in their order, to `unknownKeys`. */
function fromDisk(disk: Bag, keys: Readonly<Record<string, string>>): Bag {
  const segment: Bag = {};
  for (const [long, short] of Object.entries(keys)) if (disk[short] !== undefined) segment[long] = disk[short];
  const known = new Set(Object.values(keys));
  const unknown = Object.entries(disk).filter(([key]) => !known.has(key));
  if (unknown.length > 0) segment["unknownKeys"] = Object.fromEntries(unknown);
  return segment;
}

/** Long names → short keys in the table's order, then the unknown keys as they came. */
function toDisk(segment: Bag, keys: Readonly<Record<string, string>>): Bag {
  const disk: Bag = {};
  for (const [long, short] of Object.entries(keys)) if (segment[long] !== undefined) disk[short] = segment[long];
  return { ...disk, ...(segment["unknownKeys"] as Bag | undefined) };
}

function readSegments<T>(schema: z.ZodType<Bag>, keys: Readonly<Record<string, string>>, track: Track, what: string): T[] {
  return track.sg.map((segment, index) => {
    const parsed = schema.safeParse(segment);
    if (!parsed.success) {
      throw new VideoMakerError(
        "invalid_input",
        `The saved timeline has a ${what} (#${index + 1}${segment.id !== undefined ? `, ${String(segment.id)}` : ""}) the local engine cannot read; the project file was probably edited by hand. Start a new project, or go back to an earlier version of the timeline.`,
      );
    }
    const long = fromDisk(parsed.data, keys);
    if (long["transition"]) long["transition"] = fromDisk(long["transition"] as Bag, TRANSITION_KEYS);
    return long as T;
  });
}

function writeSegments(segments: readonly object[], keys: Readonly<Record<string, string>>): Bag[] {
  return segments.map((segment) => {
    const disk = toDisk(segment as Bag, keys);
    if (disk["tr"]) disk["tr"] = toDisk(disk["tr"] as Bag, TRANSITION_KEYS);
    return disk;
  });
}

const SUBTITLES_ROLE = "subtitles";
/** A video track with this role holds pictures laid over the video (logos), not clips. */
const OVERLAY_ROLE = "overlay";

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
    if (type === TRACK_TYPE.video && role === OVERLAY_ROLE) timeline.logos.push(...readSegments<LogoSegment>(LogoDiskSchema, LOGO_KEYS, track, "logo"));
    else if (type === TRACK_TYPE.video) timeline.video.push(...readSegments<VideoSegment>(VideoDiskSchema, VIDEO_KEYS, track, "clip"));
    else if (type === TRACK_TYPE.audio) timeline.music.push(...readSegments<AudioSegment>(AudioDiskSchema, AUDIO_KEYS, track, "audio clip"));
    else if (type === TRACK_TYPE.text) {
      const texts = readSegments<TextSegment>(TextDiskSchema, TEXT_KEYS, track, "text");
      if (role === SUBTITLES_ROLE) timeline.subtitles.push(...texts);
      else timeline.titles.push(...texts);
    } else timeline.other.push(track);
  }
  return timeline;
}

const byStart = <T extends { startMs: number }>(a: T, b: T): number => a.startMs - b.startMs;

/** Back to the short-key draft; empty tracks are dropped, tracks keep a fixed order. */
export function writeTimeline(timeline: LocalTimeline): Draft {
  const tracks: Track[] = [];
  if (timeline.video.length > 0) tracks.push({ tt: TRACK_TYPE.video, sg: writeSegments(timeline.video, VIDEO_KEYS) });
  if (timeline.music.length > 0) tracks.push({ tt: TRACK_TYPE.audio, sg: writeSegments([...timeline.music].sort(byStart), AUDIO_KEYS) });
  if (timeline.titles.length > 0) tracks.push({ tt: TRACK_TYPE.text, sg: writeSegments([...timeline.titles].sort(byStart), TEXT_KEYS) });
  if (timeline.subtitles.length > 0) {
    tracks.push({ tt: TRACK_TYPE.text, n: "Subtitles", role: SUBTITLES_ROLE, sg: writeSegments([...timeline.subtitles].sort(byStart), TEXT_KEYS) });
  }
  if (timeline.logos.length > 0) {
    tracks.push({ tt: TRACK_TYPE.video, n: "Logo", role: OVERLAY_ROLE, sg: writeSegments([...timeline.logos].sort(byStart), LOGO_KEYS) });
  }
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
/** The tracks whose segments name a media file. */
type MediaTrack = { [K in SegmentTrack]: LocalTimeline[K][number] extends { mediaId: string } ? K : never }[SegmentTrack];
const MEDIA_TRACKS = ["video", "music", "logos"] as const satisfies readonly MediaTrack[];
// A new track with `mediaId` that is missing above fails to compile here, so renders never lose its files.
const everyMediaTrack: Exclude<MediaTrack, (typeof MEDIA_TRACKS)[number]> extends never ? true : never = true;
void everyMediaTrack;

/** The ids of every media file the timeline uses (what a render needs as inputs). */
export function mediaUsedBy(timeline: LocalTimeline): Set<string> {
  return new Set(MEDIA_TRACKS.flatMap((track) => timeline[track].map((segment) => segment.mediaId)));
}

// --- timing ------------------------------------------------------------------------

/** End of the video track: where clips stop; 0 when there are none. */
export function videoEndMs(timeline: Pick<LocalTimeline, "video">): number {
  const last = timeline.video[timeline.video.length - 1];
  return last ? last.startMs + last.durationMs : 0;
}

/** The whole length: the video track, or without one the texts, audio and fixed-length logos. */
export function timelineLengthMs(timeline: LocalTimeline): number {
  const video = videoEndMs(timeline);
  if (video > 0) return video;
  let end = 0;
  for (const text of [...timeline.titles, ...timeline.subtitles]) end = Math.max(end, text.startMs + text.durationMs);
  for (const audio of timeline.music) end = Math.max(end, audio.startMs + audio.durationMs);
  // A logo that follows the video has no length of its own.
  for (const logo of timeline.logos) if (!logo.followsVideoEnd) end = Math.max(end, logo.startMs + logo.durationMs);
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
    if (segment.transition && index === 0) delete segment.transition;
    if (segment.transition) {
      const previous = timeline.video[index - 1]!;
      const previousOverlap = previous.transition?.durationMs ?? 0;
      const room = Math.min(previous.durationMs - previousOverlap, segment.durationMs) - MIN_SOLO_MS;
      if (room < MIN_TRANSITION_MS) {
        notes.push(`The ${segment.transition.type} transition into ${segment.id} was dropped: the clips around it are too short for one.`);
        delete segment.transition;
      } else if (segment.transition.durationMs > room) {
        notes.push(`The transition into ${segment.id} was shortened to ${seconds(room)} s to fit the clips around it.`);
        segment.transition = { ...segment.transition, durationMs: Math.round(room) };
      }
    }
    segment.startMs = Math.max(0, cursor - (segment.transition?.durationMs ?? 0));
    cursor = segment.startMs + segment.durationMs;
  });

  const videoEnd = videoEndMs(timeline);
  for (const audio of timeline.music) {
    const source = media.find((m) => m.id === audio.mediaId);
    const available = source?.duration_ms !== undefined ? Math.max(0, source.duration_ms - audio.sourceInMs) : undefined;
    if (audio.followsVideoEnd && videoEnd > 0) audio.durationMs = Math.max(1, videoEnd - audio.startMs);
    if (!audio.loop && available !== undefined && available > 0 && audio.durationMs > available) audio.durationMs = available;
    if (audio.fadeInMs + audio.fadeOutMs > audio.durationMs) {
      const scale = audio.durationMs / (audio.fadeInMs + audio.fadeOutMs);
      audio.fadeInMs = Math.floor(audio.fadeInMs * scale);
      audio.fadeOutMs = Math.floor(audio.fadeOutMs * scale);
    }
  }
  for (const logo of timeline.logos) if (logo.followsVideoEnd && videoEnd > logo.startMs) logo.durationMs = videoEnd - logo.startMs;
  return notes;
}

export function seconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}
