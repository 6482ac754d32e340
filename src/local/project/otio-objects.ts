import { pathToFileURL } from "node:url";
import type { FrameRate } from "../format.js";
import type { ProjectClip, ProjectSource } from "./plan.js";

/**
 * The OpenTimelineIO objects the project writer emits, as plain JSON, each with exactly the
 * fields of its schema as published for the OTIO 0.17/0.18 releases
 * (docs/tutorials/otio-serialized-schema-only-fields.md): Timeline.1, Stack.1, Track.1, Clip.2,
 * Gap.1, Transition.1, ExternalReference.1, Marker.2, TimeRange.1, RationalTime.1. Why these
 * versions: they are what every released OTIO since 0.15 writes and reads (Marker.3, with an
 * RGBA colour, exists only in the unreleased 0.19 line), and a reader upgrades an older version
 * but refuses a newer one. Items carry no `color` (0.18 added it as optional), so 0.17 readers
 * see no field they do not know.
 */

/** Our own facts that OTIO has no field for live in `metadata` under this key. */
export const METADATA_KEY = "video_maker";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type OtioObject = { OTIO_SCHEMA: string } & { [key: string]: Json };

/**
 * The rate as one number: OTIO's RationalTime has a double `rate` and no fraction, so
 * 30000/1001 is written 29.97002997002997 (the double nearest the fraction, what OTIO's own
 * `30000.0 / 1001.0` timecode rate is) and every `value` is a whole frame count at that rate.
 */
export function otioRate(rate: FrameRate): number {
  return rate.num / rate.den;
}

export function rationalTime(frames: number, rate: number): OtioObject {
  return { OTIO_SCHEMA: "RationalTime.1", rate, value: frames };
}

export function timeRange(startFrame: number, frames: number, rate: number): OtioObject {
  return { OTIO_SCHEMA: "TimeRange.1", duration: rationalTime(frames, rate), start_time: rationalTime(startFrame, rate) };
}

/**
 * An absolute path as a file:// URL. pathToFileURL percent-encodes what a URL cannot hold as it
 * is: spaces, non-ASCII (as UTF-8), `%`, and `#` and `?`, which would otherwise start a fragment
 * or a query and cut the path short.
 */
export function fileUrl(absolutePath: string): string {
  return pathToFileURL(absolutePath).href;
}

export function externalReference(name: string, path: string, available: OtioObject | null): OtioObject {
  return {
    OTIO_SCHEMA: "ExternalReference.1",
    metadata: {},
    name,
    available_range: available,
    available_image_bounds: null,
    target_url: fileUrl(path),
  };
}

interface ItemFields {
  name: string;
  metadata?: Record<string, Json>;
  markers?: OtioObject[];
  enabled?: boolean;
}

function item(schema: string, fields: ItemFields, sourceRange: OtioObject | null): OtioObject {
  return {
    OTIO_SCHEMA: schema,
    metadata: fields.metadata ?? {},
    name: fields.name,
    source_range: sourceRange,
    effects: [],
    markers: fields.markers ?? [],
    enabled: fields.enabled ?? true,
  };
}

/** Clip.2: its media in `media_references` under the key OTIO uses by default. */
export function clip(fields: ItemFields, sourceRange: OtioObject, reference: OtioObject): OtioObject {
  return {
    ...item("Clip.2", fields, sourceRange),
    media_references: { DEFAULT_MEDIA: reference },
    active_media_reference_key: "DEFAULT_MEDIA",
  };
}

export function gap(frames: number, rate: number): OtioObject {
  return item("Gap.1", { name: "" }, timeRange(0, frames, rate));
}

/** OTIO names two kinds of transition: a dissolve, and anything else (the name says which). */
export function transition(name: string, dissolve: boolean, inOffset: number, outOffset: number, rate: number, metadata: Record<string, Json>): OtioObject {
  return {
    OTIO_SCHEMA: "Transition.1",
    metadata,
    name,
    in_offset: rationalTime(inOffset, rate),
    out_offset: rationalTime(outOffset, rate),
    transition_type: dissolve ? "SMPTE_Dissolve" : "Custom_Transition",
  };
}

export function track(name: string, kind: "Video" | "Audio", children: OtioObject[], enabled = true, metadata: Record<string, Json> = {}): OtioObject {
  return { ...item("Track.1", { name, enabled, metadata }, null), kind, children };
}

/** Marker.2's colour is one of OTIO's named colours (MarkerColor), a string. */
export type MarkerColour = "PINK" | "RED" | "ORANGE" | "YELLOW" | "GREEN" | "CYAN" | "BLUE" | "PURPLE" | "MAGENTA" | "BLACK" | "WHITE";

export function marker(name: string, range: OtioObject, colour: MarkerColour, comment: string, metadata: Record<string, Json>): OtioObject {
  return { OTIO_SCHEMA: "Marker.2", metadata, name, color: colour, marked_range: range, comment };
}

export function stack(children: OtioObject[], markers: OtioObject[]): OtioObject {
  return { ...item("Stack.1", { name: "tracks", markers }, null), children };
}

export function timeline(name: string, globalStart: OtioObject, tracks: OtioObject, metadata: Record<string, Json>): OtioObject {
  return { OTIO_SCHEMA: "Timeline.1", metadata, name, global_start_time: globalStart, tracks };
}

/** Whole frames of a source at the project's rate: every frame that starts before it ends. */
export function sourceFrames(durationMs: number, rate: FrameRate): number {
  return Math.ceil((durationMs * rate.num) / (rate.den * 1000) - 1e-6);
}

/** A clip whose own sound is heard: a video with sound, not muted. */
export function hasOwnSound(c: ProjectClip, source: ProjectSource | undefined): boolean {
  return c.kind === "video" && !!source?.hasAudio && c.volume > 0;
}

/**
 * How far a video clip reaches past the end of its media, in frames. Rounding the timeline's
 * milliseconds to frames can make a clip that ends at its media's end ask for one frame more;
 * that frame is taken from the in-point instead (`slip`: the clip starts a frame earlier in its
 * source, which no one sees, and the document stays inside its media). More than that (`past`)
 * is a clip longer than its media: the engine holds the last frame, an editor cannot.
 */
export function overrun(c: ProjectClip, source: ProjectSource | undefined, rate: FrameRate): { slip: number; past: number } {
  if (c.kind !== "video" || source?.durationMs === undefined) return { slip: 0, past: 0 };
  const over = c.sourceInFrame + c.frames - sourceFrames(source.durationMs, rate);
  if (over <= 0) return { slip: 0, past: 0 };
  return over === 1 && c.sourceInFrame >= 1 ? { slip: 1, past: 0 } : { slip: 0, past: over };
}
