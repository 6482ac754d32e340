import type { TrackInfo } from "./backend.js";
import {
  type Draft,
  type Track,
  segmentName,
  segmentText,
  segmentVolumePercent,
  timedSegments,
  trackName,
  trackType,
  TRACK_TYPE,
} from "./draft.js";

/**
 * A one-line, person-readable timeline summary in the seed's form:
 *
 *   Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: "Urban Dreams" (0-3s)
 *
 * It is what we show instead of the GUI's timeline ("preview in timeline"), and what we
 * describe when the agent's stream closes without any text, so it must stay one short line
 * whatever the draft holds: long names are cut, busy tracks are counted instead of listed.
 */

export type TrackKind = "video" | "bgm" | "title" | "track";

const KIND_LABEL: Record<TrackKind, string> = { video: "Video", bgm: "BGM", title: "Title", track: "Track" };

/** Beyond this many segments a track is written as a count ("8 clips (0-60s)"). */
const MAX_LISTED_SEGMENTS = 4;
/** Names and texts longer than this are cut with "…" so one caption cannot flood the line. */
const MAX_LABEL_CHARS = 40;

export function trackKind(track: Track): TrackKind {
  switch (trackType(track)) {
    case TRACK_TYPE.video:
      return "video";
    case TRACK_TYPE.audio:
      return "bgm";
    case TRACK_TYPE.text:
      return "title";
    default:
      return "track";
  }
}

export function trackKindLabel(kind: TrackKind): string {
  return KIND_LABEL[kind];
}

/** "clip" / "audio clip" / "text", pluralised on demand. */
export function segmentNoun(kind: TrackKind, count: number): string {
  const singular = kind === "bgm" ? "audio clip" : kind === "title" ? "text" : "clip";
  return count === 1 ? singular : `${singular}s`;
}

export function countNoun(kind: TrackKind, count: number): string {
  return `${count} ${segmentNoun(kind, count)}`;
}

/** Seconds for people: 0, 2.5, 10 — at most one decimal, never "10.0" or "-0". */
export function formatSeconds(ms: number): string {
  const seconds = Math.round(Math.max(0, ms) / 100) / 10;
  return String(seconds === 0 ? 0 : seconds);
}

export function formatRange(startMs: number, endMs: number): string {
  return `${formatSeconds(startMs)}-${formatSeconds(endMs)}s`;
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > MAX_LABEL_CHARS ? `${flat.slice(0, MAX_LABEL_CHARS - 1).trimEnd()}…` : flat;
}

export interface SegmentLabel {
  text: string;
  /** False for made-up labels ("clip 2", "untitled"), which are never put in quotes. */
  real: boolean;
}

/**
 * What a segment is called. Titles show their text; media shows its name, then the track's
 * name (only when the track holds that one segment — otherwise every clip would share it),
 * then a numbered placeholder so the person can still refer to it.
 */
export function segmentLabel(track: Track, index: number): SegmentLabel {
  const segment = track.sg[index];
  const kind = trackKind(track);
  if (segment) {
    if (kind === "title") {
      const text = segmentText(segment) ?? segmentName(segment);
      return text === undefined ? { text: "untitled", real: false } : { text: clip(text), real: true };
    }
    const name = segmentName(segment) ?? (track.sg.length === 1 ? trackName(track) : undefined);
    if (name !== undefined) return { text: clip(name), real: true };
  }
  return { text: `${kind === "bgm" ? "audio" : "clip"} ${index + 1}`, real: false };
}

/** A label as it reads inside a sentence: real names in quotes, placeholders bare. */
export function quoteLabel(label: SegmentLabel): string {
  return label.real ? `"${label.text}"` : label.text;
}

/** The part of a summary line after "Video: " — the segments, or a count, or "empty". */
export function trackItemsText(track: Track): string {
  const kind = trackKind(track);
  const timed = timedSegments(track);
  if (timed.length === 0) return "empty";
  if (timed.length > MAX_LISTED_SEGMENTS) {
    const start = Math.min(...timed.map((t) => t.startMs));
    const end = Math.max(...timed.map((t) => t.endMs));
    return `${countNoun(kind, timed.length)} (${formatRange(start, end)})`;
  }
  return timed
    .map((timed, index) => {
      const label = segmentLabel(track, index);
      // Titles are quoted because they are text on screen; media names read fine bare.
      const shown = kind === "title" ? quoteLabel(label) : label.text;
      let details = formatRange(timed.startMs, timed.endMs);
      if (kind === "bgm") {
        const volume = segmentVolumePercent(timed.segment);
        if (volume !== undefined) details += `, ${volume}%`;
      }
      return `${shown} (${details})`;
    })
    .join(", ");
}

/** "Video: city timelapse (0-10s)" — one track's summary without its number. */
export function trackSummary(track: Track): string {
  return `${trackKindLabel(trackKind(track))}: ${trackItemsText(track)}`;
}

export function summarizeTimeline(draft: Draft): string {
  const count = draft.t.length;
  const head = `Timeline (${count} ${count === 1 ? "track" : "tracks"}):`;
  if (count === 0) return `${head} empty`;
  return `${head} ${draft.t.map((track, i) => `${i + 1}. ${trackSummary(track)}`).join(" ")}`;
}

function toSeconds(ms: number): number {
  return Math.round(Math.max(0, ms)) / 1000;
}

/** The same facts as the summary, one structured entry per track (for JSON consumers). */
export function describeTracks(draft: Draft): TrackInfo[] {
  return draft.t.map((track, i) => {
    const timed = timedSegments(track);
    const start = timed.length === 0 ? 0 : Math.min(...timed.map((t) => t.startMs));
    const end = timed.length === 0 ? 0 : Math.max(...timed.map((t) => t.endMs));
    return {
      index: i + 1,
      type: trackKind(track),
      segments: timed.length,
      startSeconds: toSeconds(start),
      endSeconds: toSeconds(end),
      label: trackSummary(track),
    };
  });
}
