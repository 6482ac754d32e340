import { z } from "zod";
import { plainText } from "./plain-text.js";

/**
 * The draft in NemoVideo's short-key format: `t` tracks, `tt` track type, `sg` segments,
 * `d` duration in ms, `m` metadata. The service adds keys we do not know; every schema
 * here is loose so those keys survive a round trip untouched.
 *
 * Segment keys are not documented. We read the common spellings (`st`/`s`/`start`,
 * `d`/`dur`/`duration`, `n`/`name`/`m.title`, …) and write the first one of each list.
 */

export const TRACK_TYPE = { video: 0, audio: 1, text: 7 } as const;

export const looseNumber = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/).transform(Number)]);

export const SegmentSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).optional(),
  d: looseNumber.optional(),
  m: z.looseObject({}).optional(),
});

export const TrackSchema = z.looseObject({
  tt: looseNumber.optional(),
  sg: z.array(SegmentSchema).default([]),
  m: z.looseObject({}).optional(),
});

export const DraftSchema = z.looseObject({
  t: z.array(TrackSchema).default([]),
  d: looseNumber.optional(),
  m: z.looseObject({}).optional(),
});

export type Segment = z.infer<typeof SegmentSchema>;
export type Track = z.infer<typeof TrackSchema>;
export type Draft = z.infer<typeof DraftSchema>;

export function emptyDraft(): Draft {
  return { t: [] };
}

/** Parses anything the service calls a draft; null, a string of JSON or garbage become an empty draft. */
export function parseDraft(value: unknown): Draft {
  let candidate = value;
  if (typeof candidate === "string") {
    try {
      candidate = JSON.parse(candidate);
    } catch {
      return emptyDraft();
    }
  }
  const parsed = DraftSchema.safeParse(candidate ?? {});
  return parsed.success ? parsed.data : emptyDraft();
}

/** A draft is ready to export when some track has at least one segment. */
export function isDraftExportable(draft: Draft): boolean {
  return draft.t.some((track) => track.sg.length > 0);
}

// --- tolerant readers -------------------------------------------------------

type Bag = Record<string, unknown>;

function pick(bag: Bag | undefined, keys: readonly string[]): unknown {
  if (!bag) return undefined;
  for (const key of keys) {
    const value = bag[key];
    if (value !== undefined && value !== null && value !== "") return value;
  }
  return undefined;
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

/** Names and texts as shown to a person: a draft may come from the service, so plain text only. */
function asText(value: unknown): string | undefined {
  if (typeof value === "string") {
    const text = plainText(value);
    return text.trim() === "" ? undefined : text;
  }
  if (typeof value === "number") return String(value);
  return undefined;
}

function metaOf(bag: Bag): Bag | undefined {
  const m = bag["m"] ?? bag["meta"] ?? bag["metadata"];
  return m && typeof m === "object" ? (m as Bag) : undefined;
}

const START_KEYS = ["st", "s", "start", "startMs", "start_ms", "tl_start"] as const;
const DURATION_KEYS = ["d", "dur", "duration", "durationMs", "duration_ms"] as const;
const END_KEYS = ["e", "end", "endMs", "end_ms"] as const;
const NAME_KEYS = ["n", "name", "title", "label", "fn", "filename", "file_name"] as const;
const TEXT_KEYS = ["tx", "text", "content", "txt"] as const;
const VOLUME_KEYS = ["v", "vol", "volume"] as const;

/** Where a segment starts on the timeline, in ms. */
export function segmentStartMs(segment: Segment): number | undefined {
  return asNumber(pick(segment, START_KEYS)) ?? asNumber(pick(metaOf(segment), START_KEYS));
}

export function segmentDurationMs(segment: Segment): number | undefined {
  const direct = asNumber(pick(segment, DURATION_KEYS)) ?? asNumber(pick(metaOf(segment), DURATION_KEYS));
  if (direct !== undefined) return direct;
  const start = segmentStartMs(segment);
  const end = asNumber(pick(segment, END_KEYS)) ?? asNumber(pick(metaOf(segment), END_KEYS));
  return start !== undefined && end !== undefined ? Math.max(0, end - start) : undefined;
}

export function segmentName(segment: Segment): string | undefined {
  return asText(pick(segment, NAME_KEYS)) ?? asText(pick(metaOf(segment), NAME_KEYS));
}

export function segmentText(segment: Segment): string | undefined {
  return asText(pick(segment, TEXT_KEYS)) ?? asText(pick(metaOf(segment), TEXT_KEYS));
}

/** Volume as a percentage (0–100+); the service writes either a 0–1 gain or a percentage. */
export function segmentVolumePercent(segment: Segment): number | undefined {
  const raw = asNumber(pick(segment, VOLUME_KEYS)) ?? asNumber(pick(metaOf(segment), VOLUME_KEYS));
  if (raw === undefined) return undefined;
  return raw <= 1 ? Math.round(raw * 100) : Math.round(raw);
}

export function trackType(track: Track): number | undefined {
  return asNumber(track.tt);
}

export function trackName(track: Track): string | undefined {
  return asText(pick(track, NAME_KEYS)) ?? asText(pick(metaOf(track), NAME_KEYS));
}

export function draftTitle(draft: Draft): string | undefined {
  return asText(pick(metaOf(draft), ["title", "name"]));
}

/**
 * Segment timing on the timeline. A segment with no start is placed right after the
 * previous one on its track, which is how sequential video tracks are usually written.
 */
export interface TimedSegment {
  segment: Segment;
  startMs: number;
  endMs: number;
}

export function timedSegments(track: Track): TimedSegment[] {
  const out: TimedSegment[] = [];
  let cursor = 0;
  for (const segment of track.sg) {
    const start = segmentStartMs(segment) ?? cursor;
    const duration = segmentDurationMs(segment) ?? 0;
    out.push({ segment, startMs: start, endMs: start + duration });
    cursor = start + duration;
  }
  return out;
}

/** Total length: the draft's own `d`, else the end of the last segment on any track. */
export function draftDurationMs(draft: Draft): number {
  const own = asNumber(draft.d);
  if (own !== undefined && own > 0) return own;
  let end = 0;
  for (const track of draft.t) for (const timed of timedSegments(track)) end = Math.max(end, timed.endMs);
  return end;
}
