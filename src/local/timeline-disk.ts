import { z } from "zod";
import { type Draft, type Track, TRACK_TYPE, trackType } from "../core/draft.js";
import { VideoMakerError } from "../core/errors.js";
import type { AudioSegment, LocalTimeline, LogoSegment, SubtitleSegment, TextSegment, VideoSegment } from "./timeline.js";
import { FITS, KEN_BURNS, LOGO_POSITIONS, TEXT_POSITIONS, TEXT_SIZES } from "./timeline-choices.js";
import { TRANSITIONS } from "./transitions.js";

/**
 * The timeline on disk (the short keys described in timeline.ts): the checked schemas with
 * their defaults, the long-name ↔ short-key tables, and reading and writing the tracks.
 */

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

const SubtitleDiskSchema = TextDiskSchema.extend({
  fl: z.string().min(1).optional(),
  src: z.string().min(1).optional(),
  in: ms.nonnegative().optional(),
  sd: ms.positive().optional(),
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
const SUBTITLE_KEYS = {
  ...TEXT_KEYS, followsClip: "fl", sourceMediaId: "src", sourceInMs: "in", sourceDurationMs: "sd",
} as const satisfies KeyTable<SubtitleSegment, typeof SubtitleDiskSchema>;
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
  Unmapped<typeof SUBTITLE_KEYS, typeof SubtitleDiskSchema>,
  Unmapped<typeof LOGO_KEYS, typeof LogoDiskSchema>,
] extends [never, never, never, never, never] ? true : never = true;
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
    else if (type === TRACK_TYPE.text && role === SUBTITLES_ROLE) timeline.subtitles.push(...readSegments<SubtitleSegment>(SubtitleDiskSchema, SUBTITLE_KEYS, track, "subtitle"));
    else if (type === TRACK_TYPE.text) timeline.titles.push(...readSegments<TextSegment>(TextDiskSchema, TEXT_KEYS, track, "text"));
    else timeline.other.push(track);
  }
  return timeline;
}

const byStart = <T extends { startMs: number }>(a: T, b: T): number => a.startMs - b.startMs;

/** The tracks of the short-key draft; empty tracks are dropped, tracks keep a fixed order. */
export function writeTracks(timeline: LocalTimeline): Track[] {
  const tracks: Track[] = [];
  if (timeline.video.length > 0) tracks.push({ tt: TRACK_TYPE.video, sg: writeSegments(timeline.video, VIDEO_KEYS) });
  if (timeline.music.length > 0) tracks.push({ tt: TRACK_TYPE.audio, sg: writeSegments([...timeline.music].sort(byStart), AUDIO_KEYS) });
  if (timeline.titles.length > 0) tracks.push({ tt: TRACK_TYPE.text, sg: writeSegments([...timeline.titles].sort(byStart), TEXT_KEYS) });
  if (timeline.subtitles.length > 0) {
    tracks.push({ tt: TRACK_TYPE.text, n: "Subtitles", role: SUBTITLES_ROLE, sg: writeSegments([...timeline.subtitles].sort(byStart), SUBTITLE_KEYS) });
  }
  if (timeline.logos.length > 0) {
    tracks.push({ tt: TRACK_TYPE.video, n: "Logo", role: OVERLAY_ROLE, sg: writeSegments([...timeline.logos].sort(byStart), LOGO_KEYS) });
  }
  tracks.push(...timeline.other);
  return tracks;
}
