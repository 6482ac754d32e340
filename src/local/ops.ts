import { extname, resolve } from "node:path";
import type { Draft } from "../core/draft.js";
import { VideoMakerError, isVideoMakerError } from "../core/errors.js";
import { RESOLUTIONS, dimensionsFor, readFormat } from "./format.js";
import type { MediaFacts } from "./media.js";
import {
  type OpHelpers,
  OpProblem,
  colourOf,
  fail,
  mediaById,
  mediaOrFail,
  ms,
  placeOnVideoTrack,
  segmentOrFail,
  sizeOf,
  sourceRange,
  videoSegmentOrFail,
} from "./ops-common.js";
import { type EditOp, type OpOf, parseOp } from "./ops-schema.js";
import { fitDuration, removeSilence } from "./ops-timing.js";
import { parseSubtitles } from "./subtitles.js";
import {
  type AudioSegment,
  type LocalTimeline,
  type TextSegment,
  type VideoSegment,
  cloneTimeline,
  nextSegmentId,
  normalizeTimeline,
  readTimeline,
  seconds,
  videoEndMs,
  writeTimeline,
} from "./timeline.js";

export { EditOpSchema, type EditOp, OP_NAMES } from "./ops-schema.js";
export { EDIT_OPS_GUIDE } from "./ops-guide.js";
export type { OpHelpers, SilenceRange } from "./ops-common.js";
export { keepRanges } from "./ops-timing.js";

/**
 * Applies structured edits to a local draft, all or nothing: every op is checked (schema,
 * then against the timeline as the earlier ops left it) and EVERY problem is reported in
 * one error; only when there are none does the new draft come back.
 */

export interface ApplyResult {
  draft: Draft;
  /** Explanations beyond what a draft diff shows (snapping, fitted durations, cut pauses…). */
  notes: string[];
}

export const MAX_OPS = 500;

export async function applyOps(
  draft: Draft,
  ops: unknown,
  media: readonly MediaFacts[],
  helpers: OpHelpers = {},
): Promise<ApplyResult> {
  if (!Array.isArray(ops) || ops.length === 0) {
    throw new VideoMakerError("invalid_input", 'No edits given: pass a list of ops such as [{"op":"add_clip","media":"beach.mp4"}].');
  }
  if (ops.length > MAX_OPS) {
    throw new VideoMakerError("invalid_input", `${ops.length} ops in one call is too many; send at most ${MAX_OPS} at a time.`);
  }

  const problems: Array<{ index: number; text: string }> = [];
  const parsed = ops.map((raw, index) => {
    const result = parseOp(raw);
    if (!result.ok) problems.push(...result.problems.map((p) => ({ index, text: `op ${index + 1}${opName(raw)}: ${p}` })));
    return result.ok ? result.op : undefined;
  });

  let timeline = readTimeline(draft);
  const notes: string[] = [];
  for (const [index, op] of parsed.entries()) {
    if (!op) continue;
    // Each op works on a copy, so a failing op leaves nothing half-done for the ones after it.
    const next = cloneTimeline(timeline);
    try {
      const said = await applyOne(next, op, media, helpers);
      const adjusted = normalizeTimeline(next, media);
      timeline = next;
      notes.push(...said, ...adjusted);
    } catch (error) {
      // Mistakes in an op are collected; a cancel or a broken ffmpeg ends the whole call.
      const isMistake = error instanceof OpProblem || (isVideoMakerError(error) && error.kind === "input");
      if (!isMistake) throw error;
      problems.push({ index, text: `op ${index + 1} (${op.op}): ${(error as Error).message}` });
    }
  }

  if (problems.length > 0) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    const listed = problems.sort((a, b) => a.index - b.index).map((p) => p.text);
    throw new VideoMakerError("invalid_input", `${count} in the edits, so nothing was changed:\n- ${listed.join("\n- ")}`);
  }
  notes.push(...lateTextWarnings(timeline));
  const { t: _t, d: _d, m: _m, ...unknownKeys } = draft;
  return { draft: { ...unknownKeys, ...writeTimeline(timeline) }, notes };
}

function opName(raw: unknown): string {
  const name = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>)["op"] : undefined;
  return typeof name === "string" && name.length <= 40 ? ` (${name})` : "";
}

async function applyOne(t: LocalTimeline, op: EditOp, media: readonly MediaFacts[], helpers: OpHelpers): Promise<string[]> {
  switch (op.op) {
    case "add_clip":
      return addClip(t, op, media);
    case "add_image":
      return addImage(t, op, media);
    case "add_text":
      return addText(t, op);
    case "add_audio":
      return addAudio(t, op, media);
    case "set_transition":
      return setTransition(t, op);
    case "trim":
      return trim(t, op, media);
    case "remove":
      return remove(t, op.segment);
    case "move":
      return move(t, op);
    case "set_format":
      return setFormat(t, op);
    case "fit_duration":
      return fitDuration(t, op, media);
    case "remove_silence":
      return removeSilence(t, op, media, helpers);
    case "add_subtitles":
      return addSubtitles(t, op, helpers);
    case "set_volume":
      return setVolume(t, op);
    case "set_text":
      return setText(t, op);
  }
}

// --- adding ----------------------------------------------------------------------------

function addClip(t: LocalTimeline, op: OpOf<"add_clip">, media: readonly MediaFacts[]): string[] {
  const source = mediaOrFail(op.media, media);
  if (source.kind === "image") fail(`"${source.name}" is a photo; add it with add_image`);
  if (source.kind === "audio") fail(`"${source.name}" is sound only; add it with add_audio`);
  const { inMs, outMs } = sourceRange(source, op.in, op.out);
  const segment: VideoSegment = {
    id: nextSegmentId(t, "clip"),
    n: source.name,
    src: source.id,
    st: 0,
    d: outMs - inMs,
    in: inMs,
  };
  if (op.fit) segment.fit = op.fit;
  if (op.volume !== undefined && op.volume !== 1) segment.v = op.volume;
  return placeOnVideoTrack(t, segment, op.at);
}

function addImage(t: LocalTimeline, op: OpOf<"add_image">, media: readonly MediaFacts[]): string[] {
  const source = mediaOrFail(op.media, media);
  if (source.kind !== "image") fail(`"${source.name}" is ${source.kind === "video" ? "a video; add it with add_clip" : "sound only; add it with add_audio"}`);
  const segment: VideoSegment = {
    id: nextSegmentId(t, "image"),
    n: source.name,
    src: source.id,
    st: 0,
    d: ms(op.duration),
    in: 0,
  };
  if (op.fit) segment.fit = op.fit;
  if (op.ken_burns !== "none") segment.kb = op.ken_burns;
  return placeOnVideoTrack(t, segment, op.at);
}

function addText(t: LocalTimeline, op: OpOf<"add_text">): string[] {
  if (op.text.trim() === "") fail('"text" is empty');
  const segment: TextSegment = {
    id: nextSegmentId(t, "text"),
    st: ms(op.at),
    d: ms(op.duration),
    tx: op.text,
    pos: op.position,
    sz: sizeOf(op.size),
    c: colourOf(op, "white"),
    box: op.box,
  };
  t.titles.push(segment);
  return emojiNote(segment);
}

const PICTOGRAPH = /\p{Extended_Pictographic}|\p{Regional_Indicator}/gu;

/**
 * drawtext draws with one font, and none we locate (DejaVu, Liberation, Noto Sans, Arial…) has
 * the emoji beyond U+1F000 (🎉, 🚀, flags): say so before a render shows boxes. Older symbols
 * (❤, ★, ☀) are drawn as plain glyphs and pass.
 */
function emojiNote(segment: TextSegment): string[] {
  const found = [...new Set((segment.tx.match(PICTOGRAPH) ?? []).filter((char) => char.codePointAt(0)! >= 0x1f000))];
  if (found.length === 0) return [];
  return [
    `${segment.id}: ${found.slice(0, 5).join(" ")} will show as empty boxes in the local render (ffmpeg draws text with one font, and it has no emoji); remove ${found.length === 1 ? "it" : "them"} with {"op":"set_text","segment":"${segment.id}","text":…} unless that is fine.`,
  ];
}

function addAudio(t: LocalTimeline, op: OpOf<"add_audio">, media: readonly MediaFacts[]): string[] {
  const source = mediaOrFail(op.media, media);
  if (!source.has_audio) fail(`"${source.name}" has no sound`);
  const inMs = ms(op.in);
  const available = source.duration_ms !== undefined ? source.duration_ms - inMs : undefined;
  if (available !== undefined && available <= 0) fail(`"in" ${op.in}s is past the end of "${source.name}"`);
  const fixed = op.duration !== undefined ? ms(op.duration) : undefined;
  const segment: AudioSegment = {
    id: nextSegmentId(t, "audio"),
    n: source.name,
    src: source.id,
    st: ms(op.at),
    d: fixed ?? available ?? 1000,
    in: inMs,
    v: op.volume,
    fi: ms(op.fade_in),
    fo: ms(op.fade_out),
    loop: op.loop,
    duck: op.duck,
    fill: fixed === undefined,
  };
  t.music.push(segment);
  const notes: string[] = [];
  if (fixed !== undefined && available !== undefined && fixed > available && !op.loop) {
    notes.push(`${segment.id}: "${source.name}" has only ${seconds(available)}s of sound after ${op.in}s; add "loop": true to repeat it.`);
  }
  return notes;
}

// --- changing ----------------------------------------------------------------------------

function setTransition(t: LocalTimeline, op: OpOf<"set_transition">): string[] {
  if ((op.after === undefined) === (op.all !== true)) fail('give either "after" (a clip) or "all": true');
  if (t.video.length < 2) fail("a transition needs at least two clips or photos on the video track");
  let targets: number[];
  if (op.all) {
    targets = t.video.map((_, i) => i).slice(1);
  } else {
    const index =
      typeof op.after === "number"
        ? op.after <= t.video.length
          ? op.after - 1
          : fail(`there is no clip ${op.after}; the video track has ${t.video.length}`)
        : videoSegmentOrFail(t, op.after!, "set_transition").index;
    if (index! >= t.video.length - 1) fail(`${t.video[index!]!.id} is the last clip: there is nothing after it to transition to`);
    targets = [index! + 1];
  }
  for (const i of targets) {
    const segment = t.video[i]!;
    if (op.type === "none") delete segment.tr;
    else segment.tr = { type: op.type, d: ms(op.duration) };
  }
  return [];
}

function trim(t: LocalTimeline, op: OpOf<"trim">, media: readonly MediaFacts[]): string[] {
  if (op.in === undefined && op.out === undefined && op.duration === undefined) fail('give "in", "out" or "duration"');
  if (op.out !== undefined && op.duration !== undefined) fail('give "out" or "duration", not both');
  const found = segmentOrFail(t, op.segment);
  if (found.track === "titles" || found.track === "subtitles") {
    if (op.in !== undefined || op.out !== undefined) fail(`${op.segment} is a text: change its length with "duration"`);
    found.segment.d = ms(op.duration!);
    return [];
  }
  const segment = found.segment as VideoSegment | AudioSegment;
  const source = mediaById(segment.src, media);
  const isImage = source?.kind === "image";
  if (isImage) {
    if (op.in !== undefined || op.out !== undefined) fail(`${op.segment} is a photo: change its length with "duration"`);
    segment.d = ms(op.duration!);
    return [];
  }
  const inS = op.in ?? segment.in / 1000;
  // Moving only the in-point keeps the out-point where it was.
  const outS = op.out ?? (op.duration !== undefined ? inS + op.duration : (segment.in + segment.d) / 1000);
  const range = source ? sourceRange(source, inS, outS) : { inMs: ms(inS), outMs: ms(outS) };
  if (found.track === "music") {
    const audio = segment as AudioSegment;
    if (op.out !== undefined || op.duration !== undefined) audio.fill = false;
    audio.in = range.inMs;
    if (!audio.fill || op.in === undefined) audio.d = range.outMs - range.inMs;
    return [];
  }
  segment.in = range.inMs;
  segment.d = range.outMs - range.inMs;
  return [];
}

function remove(t: LocalTimeline, id: string): string[] {
  const found = segmentOrFail(t, id);
  t[found.track].splice(found.index, 1);
  return [];
}

function move(t: LocalTimeline, op: OpOf<"move">): string[] {
  if ((op.to === undefined) === (op.at === undefined)) fail('give either "to" (a position among the clips) or "at" (seconds)');
  const found = segmentOrFail(t, op.segment);
  if (found.track !== "video") {
    if (op.to !== undefined) fail(`${op.segment} is not a clip: move it with "at" (seconds)`);
    found.segment.st = ms(op.at!);
    return [];
  }
  const [segment] = t.video.splice(found.index, 1);
  normalizeTimeline(t, []);
  if (op.to !== undefined) {
    if (op.to > t.video.length + 1) fail(`position ${op.to} is past the end; there are ${t.video.length + 1} clips`);
    t.video.splice(op.to - 1, 0, segment!);
    return [];
  }
  return placeOnVideoTrack(t, segment!, op.at);
}

function setFormat(t: LocalTimeline, op: OpOf<"set_format">): string[] {
  if (op.aspect === undefined && op.resolution === undefined && op.fps === undefined) fail('give "aspect", "resolution" or "fps"');
  const current = readFormat({ t: [], m: t.meta });
  const aspect = op.aspect ?? current.aspect;
  const shortSide =
    op.resolution === undefined ? Math.min(current.width, current.height) : typeof op.resolution === "number" ? op.resolution : RESOLUTIONS[op.resolution];
  const { width, height } = dimensionsFor(aspect, shortSide);
  t.meta = { ...t.meta, aspect, width, height, fps: op.fps ?? current.fps };
  return [`Format: ${aspect}, ${width}x${height}, ${op.fps ?? current.fps} fps.`];
}

function setVolume(t: LocalTimeline, op: OpOf<"set_volume">): string[] {
  if (op.segment === "all_clips") {
    if (t.video.length === 0) fail("there are no clips");
    for (const segment of t.video) {
      if (op.volume === 1) delete segment.v;
      else segment.v = op.volume;
    }
    return [];
  }
  const found = segmentOrFail(t, op.segment);
  if (found.track === "titles" || found.track === "subtitles") fail(`${op.segment} is a text; it has no sound`);
  if (found.track === "music") found.segment.v = op.volume;
  else if (op.volume === 1) delete (found.segment as VideoSegment).v;
  else (found.segment as VideoSegment).v = op.volume;
  return [];
}

function setText(t: LocalTimeline, op: OpOf<"set_text">): string[] {
  const found = segmentOrFail(t, op.segment);
  if (found.track !== "titles" && found.track !== "subtitles") fail(`${op.segment} is not a text`);
  const segment = found.segment as TextSegment;
  if (op.text !== undefined) segment.tx = op.text;
  if (op.position !== undefined) segment.pos = op.position;
  if (op.size !== undefined) segment.sz = sizeOf(op.size);
  if (op.box !== undefined) segment.box = op.box;
  segment.c = colourOf(op, segment.c);
  return op.text !== undefined ? emojiNote(segment) : [];
}

// --- subtitles ---------------------------------------------------------------------------------

async function addSubtitles(t: LocalTimeline, op: OpOf<"add_subtitles">, helpers: OpHelpers): Promise<string[]> {
  const path = resolve(op.file);
  const ext = extname(path).toLowerCase();
  if (ext !== ".srt" && ext !== ".vtt") fail(`"${op.file}" is not an .srt or .vtt file`);
  if (!helpers.readTextFile) fail("reading subtitle files is not available here");
  const content = await helpers.readTextFile!(path);
  const cues = parseSubtitles(content);
  if (cues.length === 0) fail(`no subtitles were found in "${op.file}"`);
  const replaced = t.subtitles.length;
  t.subtitles = [];
  const colour = colourOf(op, "white");
  const offset = ms(op.offset);
  let skipped = 0;
  for (const cue of cues) {
    const start = cue.startMs + offset;
    const end = cue.endMs + offset;
    if (end <= 0) {
      skipped++;
      continue;
    }
    t.subtitles.push({
      id: nextSegmentId(t, "sub"),
      st: Math.max(0, start),
      d: end - Math.max(0, start),
      tx: cue.text,
      pos: op.position,
      sz: sizeOf(op.size),
      c: colour,
      box: op.box,
    });
  }
  const notes = [`Added ${t.subtitles.length} subtitles from ${op.file}${replaced > 0 ? ` (replacing ${replaced})` : ""}.`];
  if (skipped > 0) notes.push(`${skipped} subtitles fell before the start after the offset and were left out.`);
  return notes;
}

// --- after the batch -------------------------------------------------------------------------

function lateTextWarnings(t: LocalTimeline): string[] {
  const end = videoEndMs(t);
  if (end === 0) return [];
  return t.titles
    .filter((text) => text.st >= end)
    .map((text) => `${text.id} starts at ${seconds(text.st)}s, after the video ends (${seconds(end)}s), so it will not be seen; move it with {"op":"move","segment":"${text.id}","at":…}.`);
}
