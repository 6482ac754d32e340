import { z } from "zod";
import { type MediaFacts, findMedia } from "./media.js";
import { findSegment, knownIds } from "./segment-ids.js";
import { type LocalTimeline, type TextSegment, type VideoSegment, TEXT_SIZES, seconds, videoEndMs } from "./timeline.js";
import { type TextFont, idList, isCjkLetter, noCjkFontMessage, uncovered } from "./font-coverage.js";
import { readFormat } from "./format.js";
import { normalizeColor, textLines } from "./text-layout.js";

/**
 * What every op needs: its definition (`defineOp`), the fields ops share, failing with a
 * message for the host, finding media and segments, placing clips.
 */

export interface SilenceRange {
  startMs: number;
  endMs: number;
}

/** The input/output an op may need, injected so the ops stay testable without ffmpeg. */
export interface OpHelpers {
  /** Silences in a source between `fromMs` and `toMs` (source time). */
  detectSilence?: (
    media: MediaFacts,
    fromMs: number,
    toMs: number,
    options: { noiseDb: number; minSilenceMs: number },
  ) => Promise<SilenceRange[]>;
  readTextFile?: (path: string) => Promise<string>;
  /** Files ops name by absolute path that cannot be used (resolved path → why): each is a problem of the ops naming it. */
  unusableFiles?: ReadonlyMap<string, string>;
  /** The fonts that will draw these texts, each with the characters it has (fontconfig's charset). */
  textFonts?: (texts: readonly string[]) => Promise<TextFont[]>;
}

/** What an op works with besides the timeline. */
export interface OpEnv {
  media: readonly MediaFacts[];
  helpers: OpHelpers;
}

/** The op's row in the guide table: `| name | fields |`. */
export interface OpGuide {
  fields: string;
}

type OpSchema<N extends string, S extends z.core.$ZodShape> = z.ZodObject<{ op: z.ZodLiteral<N> } & S, z.core.$strict>;
export type OpInput<N extends string, S extends z.core.$ZodShape> = z.output<OpSchema<N, S>>;

/** One edit op: everything the schema, the guide and the dispatch need, in one place. */
export interface OpDefinition<N extends string = string, S extends z.core.$ZodShape = z.core.$ZodShape> {
  name: N;
  /** Strict: a misspelt field is an error the host can fix, not a setting silently ignored. */
  schema: OpSchema<N, S>;
  guide: OpGuide;
  /** Changes `t` in place (a copy) and returns notes for the person; throws OpProblem via `fail`. */
  apply(t: LocalTimeline, op: OpInput<N, S>, env: OpEnv): string[] | Promise<string[]>;
}

/** Adds the `op` literal to the op's fields, so the name is written once. */
export function defineOp<const N extends string, S extends z.core.$ZodShape>(definition: {
  name: N;
  schema: z.ZodObject<S, z.core.$strict>;
  guide: OpGuide;
  apply(t: LocalTimeline, op: OpInput<N, S>, env: OpEnv): string[] | Promise<string[]>;
}): OpDefinition<N, S> {
  const schema = z.strictObject({ op: z.literal(definition.name), ...definition.schema.shape }) as unknown as OpSchema<N, S>;
  return { ...definition, schema };
}

// --- fields ops share (times in seconds; the draft stores ms) ----------------------------------

export const field = {
  seconds: z.number().finite().min(0),
  // The draft stores whole milliseconds: a length that rounds to 0 ms would be a segment the engine cannot read.
  positiveSeconds: z.number().finite().min(0.001, { error: "must be at least 0.001 seconds (1 ms)" }),
  media: z.string().min(1).describe('An uploaded file: its id ("media-2"), file name ("beach.mp4") or absolute path'),
  segment: z.string().min(1).describe('A segment id from the timeline outline, e.g. "clip-3", "image-1", "text-2", "audio-1"'),
  volume: z.number().min(0).max(1),
  textSize: z.union([z.enum(Object.keys(TEXT_SIZES) as [keyof typeof TEXT_SIZES, ...Array<keyof typeof TEXT_SIZES>]), z.number().min(8).max(400)]),
  colour: z.string().min(1).describe('A colour name (white, black, yellow, red, …) or "#RRGGBB"'),
};

// --- failing, finding, placing --------------------------------------------------------------

/** A problem with one op; collected, never shown alone. */
export class OpProblem extends Error {}

/** A function declaration (not an arrow) so TypeScript narrows after a call to it. */
export function fail(message: string): never {
  throw new OpProblem(message);
}

export const ms = (s: number): number => Math.round(s * 1000);
/** A clip may end this close past its source's end (container durations are rounded). */
export const END_TOLERANCE_MS = 50;
export const MIN_SEGMENT_MS = 40;

export function mediaOrFail(reference: string, media: readonly MediaFacts[]): MediaFacts {
  const found = findMedia(reference, media);
  if (!found.ok) fail(found.reason);
  return found.media;
}

export function mediaById(id: string, media: readonly MediaFacts[]): MediaFacts | undefined {
  return media.find((m) => m.id === id);
}

export function segmentOrFail(t: LocalTimeline, id: string): NonNullable<ReturnType<typeof findSegment>> {
  const found = findSegment(t, id);
  if (!found) fail(`there is no segment "${id}" (${knownIds(t)})`);
  return found;
}

export function videoSegmentOrFail(t: LocalTimeline, id: string, what: string): { index: number; segment: VideoSegment } {
  const found = segmentOrFail(t, id);
  if (found.track !== "video") fail(`${id} is not on the video track; ${what} works on clips and photos`);
  return { index: found.index, segment: found.segment as VideoSegment };
}

/** The cut nearest to `atMs` (0 = before the first clip … n = after the last). */
export function nearestCut(video: readonly VideoSegment[], atMs: number): { index: number; timeMs: number } {
  let best = { index: video.length, timeMs: videoEndMs({ video: [...video] }) };
  for (let i = 0; i <= video.length; i++) {
    const time = i < video.length ? video[i]!.startMs : videoEndMs({ video: [...video] });
    if (Math.abs(time - atMs) < Math.abs(best.timeMs - atMs)) best = { index: i, timeMs: time };
  }
  return best;
}

export function placeOnVideoTrack(t: LocalTimeline, segment: VideoSegment, atSeconds: number | undefined): string[] {
  if (atSeconds === undefined) {
    t.video.push(segment);
    return [];
  }
  const cut = nearestCut(t.video, ms(atSeconds));
  t.video.splice(cut.index, 0, segment);
  return Math.abs(cut.timeMs - ms(atSeconds)) > 50
    ? [`${segment.id} was placed at ${seconds(cut.timeMs)}s, the cut nearest to ${atSeconds}s (clips play one after another).`]
    : [];
}

export function colourOf(op: { colour?: string | undefined; color?: string | undefined }, fallback: string): string {
  const given = op.colour ?? op.color;
  if (given === undefined) return fallback;
  const normal = normalizeColor(given);
  if (!normal) fail(`unknown colour "${given}"; use white, black, yellow, red, green, blue, orange, pink, purple, cyan, gold or "#RRGGBB"`);
  return normal;
}

export function sizeOf(size: number | keyof typeof TEXT_SIZES): number {
  return typeof size === "number" ? size : TEXT_SIZES[size];
}

/** Checks in/out (seconds) against the source; returns ms. */
export function sourceRange(source: MediaFacts, inS: number | undefined, outS: number | undefined): { inMs: number; outMs: number } {
  const length = source.duration_ms;
  const inMs = ms(inS ?? 0);
  let outMs = outS !== undefined ? ms(outS) : length;
  if (outMs === undefined) fail(`the length of "${source.name}" is unknown; give "out"`);
  if (length !== undefined) {
    if (inMs >= length) fail(`"in" ${inS}s is past the end of "${source.name}" (${seconds(length)}s long)`);
    if (outMs > length + END_TOLERANCE_MS) fail(`"out" ${outS}s is past the end of "${source.name}" (${seconds(length)}s long)`);
    outMs = Math.min(outMs, length);
  }
  if (outMs - inMs <= 0) fail(`"out" must come after "in"`);
  return { inMs, outMs: Math.max(outMs, inMs + 1) };
}

/**
 * Every character of these texts checked against the fonts that will draw it, line by line as
 * the current format lays them out, when the edit is made: Chinese, Japanese or Korean with no
 * font for them stops the op (with what to install); other characters that will show as empty
 * boxes are named, one note for all the segments. Without a font lookup nothing is checked.
 */
export async function fontNotes(t: LocalTimeline, segments: readonly TextSegment[], { textFonts }: OpHelpers): Promise<string[]> {
  if (!textFonts || segments.length === 0) return [];
  const fonts = await textFonts(segments.map((s) => s.text));
  const { width, height } = readFormat({ t: [], m: t.meta });
  const found = segments.map((s) => ({ id: s.id, ...uncovered(textLines(s, width, height), fonts) }));
  if (!fonts.some((font) => font.cjk)) {
    const cjk = found.filter((f) => f.nowhere.some(isCjkLetter));
    if (cjk.length > 0) fail(noCjkFontMessage(cjk.map((f) => f.id), cjk.flatMap((f) => f.nowhere.filter(isCjkLetter))));
  }
  const remove = (them: string, id: string): string => `remove ${them} with {"op":"set_text","segment":"${id}","text":…} unless that is fine.`;
  const notes: string[] = [];
  for (const kind of ["nowhere", "elsewhere"] as const) {
    const hit = found.filter((f) => f[kind].length > 0);
    if (hit.length === 0) continue;
    const chars = [...new Set(hit.flatMap((f) => f[kind]))];
    const one = chars.length === 1;
    const boxes = one ? "an empty box" : "empty boxes";
    const [it, its] = one ? ["it", "its"] : ["them", "their"];
    const who = `${idList(hit.map((f) => f.id))}: ${chars.slice(0, 5).join(" ")} will show as ${boxes} in the local render`;
    notes.push(
      kind === "nowhere"
        ? `${who} (no font on this computer has ${it}); ${remove(it, hit[0]!.id)}`
        : `${who} (a line is drawn with one font, and the one for the rest of ${its} line lacks ${it}); put ${it} on a line of ${its} own, or ${remove(it, hit[0]!.id)}`,
    );
  }
  return notes;
}
