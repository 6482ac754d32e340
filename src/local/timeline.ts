import type { Draft, Track } from "../core/draft.js";
import type { MediaFacts } from "./media.js";
import type { Fit, KenBurns, LogoPosition, TextPosition } from "./timeline-choices.js";
import { isFollowing, placeFollowingSubtitles } from "./subtitle-anchor.js";
import type { TransitionType } from "./transitions.js";
import { writeTracks } from "./timeline-disk.js";

/**
 * The local engine's timeline. On disk it is a draft in NemoVideo's short-key format
 * (`t` tracks, `tt` type, `sg` segments, `d` ms, `m` metadata) plus what rendering needs,
 * all times in ms:
 *
 *   video (tt 0):  { id, n, src, st, d, in, fit?, kb?, v?, tr?: { type, d }, ci?, co?, of? }
 *   music (tt 1):  { id, n, src, st, d, in, v, fi, fo, loop, duck, fill }
 *   text  (tt 7):  { id, st, d, tx, pos, sz, c, box }   (a track with role "subtitles" holds subtitles)
 *   subtitle (tt 7, role "subtitles"): the text keys, and when it follows a clip { fl, src, in, sd }
 *   logo  (tt 0, role "overlay"):  { id, n, src, st, d, pos, w, o, fill }   (a picture laid over the video)
 *
 * The engine never sees these keys: readTimeline gives segments with the long names below
 * (`st` → startMs, `tr.d` → transition.durationMs; the *_KEYS tables in timeline-disk.ts) and writeTimeline
 * writes them back in this order, with keys it does not know after them, as they came.
 *
 * `ci` / `co` (true or absent): the clip's in / out point was set by a cut (remove_silence, add_clip's in/out,
 * trim), so what lies beyond it was cut away on purpose; `of`: the id of the clip
 * remove_silence cut this piece from (its pieces meet in jump cuts).
 *
 * Clips on the video track play one after another; a transition overlaps a clip with the
 * one before it, so startMs is derived (kept in the file so every reader sees real times).
 */

export * from "./timeline-choices.js";
export { TRANSITIONS, type TransitionType } from "./transitions.js";

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

/**
 * A subtitle. One that follows a clip (`followsClip`: the clip, or the one remove_silence cut the
 * pieces from; with its media and the cue's span in that recording) is shown wherever the pieces
 * show that span, so it keeps to the speech through trims, cut pauses, moves and fit_duration
 * (subtitle-anchor.ts). Its startMs / durationMs are derived: the first part shown, for every reader.
 */
export interface SubtitleSegment extends TextSegment {
  followsClip?: string;
  sourceMediaId?: string;
  sourceInMs?: number;
  sourceDurationMs?: number;
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
  subtitles: SubtitleSegment[];
  logos: LogoSegment[];
  /** Tracks of types the local engine does not render; kept so nothing is lost. */
  other: Track[];
}

export { readTimeline } from "./timeline-disk.js";

/** Back to the short-key draft (timeline-disk.ts writes the tracks). */
export function writeTimeline(timeline: LocalTimeline): Draft {
  const draft: Draft = { t: writeTracks(timeline), d: Math.round(timelineLengthMs(timeline)) };
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
  // Subtitles that follow a clip show only on its clips.
  for (const text of [...timeline.titles, ...timeline.subtitles.filter((s) => !isFollowing(s))]) end = Math.max(end, text.startMs + text.durationMs);
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
 * where subtitles that follow a clip show, music that runs to the end of the video. Returns
 * what it had to change, for the person.
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

  placeFollowingSubtitles(timeline);

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
