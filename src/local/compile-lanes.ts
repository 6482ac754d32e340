import { expression, filter } from "./filtergraph.js";
import { frameRateText } from "./format.js";
import type { MediaFacts } from "./media.js";
import type { Fit } from "./timeline.js";
import {
  AUDIO_FORMAT,
  type Compilation,
  INPUT_MARGIN_S,
  type PlannedSegment,
  SAMPLE_RATE,
  type SegmentParts,
  silence,
  trimNumber,
} from "./compile-context.js";
import { fitFrame, resolveFit } from "./compile-video.js";

/**
 * Lanes: the clips cut from one file in the order of its footage share ONE input, so ONE
 * decoder and ONE fit (scale) run for all of them, whatever their number. Each ffmpeg input
 * holds its decoder's frames and threads until the run ends (~35 MB a 1080p input in 5.1), so
 * an input per clip made memory grow with the cut count (7.4 GB for 200 cuts); a lane decodes
 * its file once, from its first cut to its last (no keyframe re-decoded between cuts), and
 * drops the frames between cuts before they are scaled.
 *
 * A lane's video keeps each cut's frames (select) and lays the cuts end to end (setpts), so
 * one fps, one fit, one tpad serve them all; each piece (a run of cuts that follow each other,
 * or the head/body/tail around a transition) is then trimmed from it for the concat. Its sound
 * is cut at exact samples: asegment splits it at every cut, concat rejoins the parts (whole
 * frames now never straddle a cut), aselect keeps the cuts' frames. A pause cut is one piece:
 * no filter runs once per cut per frame.
 */

/** Source seconds read before a cut, so its first frame is the one on screen at the cut (clamped to it). */
const LEAD_S = 0.1;
/** A pause longer than this between two cuts of one file is skipped by seeking rather than decoded through. */
const MAX_GAP_S = 20;
/** Thresholds sit between frames or samples, never on one. */
const EPSILON_S = 1e-4;

interface Member {
  index: number;
  p: PlannedSegment;
  /** In the file's own samples, from its start: [startSample, endSample). */
  startSample: number;
  endSample: number;
}

interface Lane {
  media: MediaFacts;
  fit: Fit;
  members: Member[];
  /** Frames of its members so far. */
  frames: number;
}

interface Piece {
  from: number;
  to: number;
  volume: number;
  index: number;
  part: keyof SegmentParts;
}

/** Clips of one file, same fit, each starting at or after the previous one's end: one lane. Lanes of one clip stay plain inputs. */
export function planLanes(c: Compilation, planned: readonly PlannedSegment[], allowed: boolean): Lane[] {
  if (!allowed || !c.withAudio) return []; // a preview decodes only the frame shown
  const lanes: Lane[] = [];
  planned.forEach((p, index) => {
    if (p.placeholder || p.media.kind !== "video") return;
    const fit = resolveFit(p.segment.fit, p.media, c.format.width, c.format.height);
    const startSample = Math.round((p.segment.sourceInMs * SAMPLE_RATE) / 1000);
    const end = (lane: Lane): number => lane.members[lane.members.length - 1]!.endSample;
    let best: Lane | undefined;
    for (const lane of lanes) {
      if (lane.media.id !== p.media.id || lane.fit !== fit || end(lane) > startSample) continue;
      // A transition blends two pieces at once; from one lane they would come one after the
      // other (xfade waits for the second while holding the first: it never asks for it).
      if (p.overlap > 0 && lane.members[lane.members.length - 1]!.index === index - 1) continue;
      if (startSample - end(lane) > MAX_GAP_S * SAMPLE_RATE) continue;
      if (!best || end(lane) > end(best)) best = lane;
    }
    const lane = best ?? { media: p.media, fit, members: [], frames: 0 };
    if (!best) lanes.push(lane);
    // Samples counted from the lane's start, so rounding never adds up along the lane.
    const endSample = startSample + c.samples(lane.frames + p.frames) - c.samples(lane.frames);
    lane.members.push({ index, p, startSample, endSample });
    lane.frames += p.frames;
  });
  return lanes.filter((lane) => lane.members.length > 1);
}

/** Every lane's pieces, as the parts of the segments they belong to (a body merged into the previous one is left out). */
export function composeLanes(c: Compilation, planned: readonly PlannedSegment[], lanes: readonly Lane[]): Map<number, SegmentParts> {
  const parts = new Map<number, SegmentParts>();
  for (const lane of lanes) {
    const pieces = cutIntoPieces(lane, planned);
    const index = laneInput(c, lane);
    const video = laneVideo(c, lane, pieces, index);
    const audio = laneAudio(c, lane, pieces, index);
    pieces.forEach((piece, k) => {
      const entry = parts.get(piece.index) ?? {};
      entry[piece.part] = { video: video[k]!, audio: audio[k]! };
      parts.set(piece.index, entry);
    });
    for (const member of lane.members) if (!parts.has(member.index)) parts.set(member.index, {});
  }
  return parts;
}

/** Head, body, tail of each member in lane frames; bodies of cuts that follow each other directly, at one volume, are one piece. */
function cutIntoPieces(lane: Lane, planned: readonly PlannedSegment[]): Piece[] {
  const pieces: Piece[] = [];
  let offset = 0;
  let previous: Member | undefined;
  for (const member of lane.members) {
    const { p, index } = member;
    const volume = p.segment.volume ?? 1;
    const tail = planned[index + 1]?.overlap ?? 0;
    if (p.overlap > 0) pieces.push({ from: offset, to: offset + p.overlap, volume, index, part: "head" });
    const last = pieces[pieces.length - 1];
    const joins = previous?.index === index - 1 && p.overlap === 0 && last?.part === "body" && last.volume === volume;
    if (joins) last.to = offset + p.frames - tail;
    else pieces.push({ from: offset + p.overlap, to: offset + p.frames - tail, volume, index, part: "body" });
    if (tail > 0) pieces.push({ from: offset + p.frames - tail, to: offset + p.frames, volume, index, part: "tail" });
    offset += p.frames;
    previous = member;
  }
  return pieces;
}

/** Where the lane's input starts reading, in the file's seconds. */
function laneStartS(lane: Lane): number {
  return Math.max(0, lane.members[0]!.p.segment.sourceInMs / 1000 - LEAD_S);
}

/** One input for the lane, read from just before its first cut to its last cut's end. */
function laneInput(c: Compilation, lane: Lane): number {
  const startS = laneStartS(lane);
  const last = lane.members[lane.members.length - 1]!;
  const lengthS = last.p.segment.sourceInMs / 1000 + (last.p.frames * c.rate.den) / c.rate.num - startS;
  const seek = startS > 0 ? ["-ss", trimNumber(startS)] : [];
  return c.addInput([...seek, "-t", (lengthS + INPUT_MARGIN_S).toFixed(3), "-i", lane.media.path], true);
}

function laneVideo(c: Compilation, lane: Lane, pieces: readonly Piece[], index: number): string[] {
  const { width, height } = c.format;
  const rate = frameRateText(c.rate);
  const frameS = c.rate.den / c.rate.num;
  const startS = laneStartS(lane);

  // Cut k keeps the frames of [windowStart, windowEnd) (input seconds) and moves them to its
  // place in the lane; frames before the cut are clamped onto its first frame, and fps keeps
  // the latest one there, so a cut opens on the picture on screen at its in-point.
  const keep: string[] = [];
  const place: string[] = [];
  let laneFrames = 0;
  let previousEnd = -Infinity;
  for (const { p } of lane.members) {
    const inS = p.segment.sourceInMs / 1000 - startS;
    const windowStart = Math.max(inS - LEAD_S, previousEnd);
    const windowEnd = inS + (p.frames - 0.5) * frameS - EPSILON_S;
    const inside = `gte(t,${trimNumber(windowStart)})*lt(t,${trimNumber(windowEnd)})`;
    keep.push(inside);
    place.push(`${inside.replace(/\bt\b/g, "T")}*(${trimNumber(laneFrames * frameS)}+max(0,T-${trimNumber(inS)}))`);
    laneFrames += p.frames;
    previousEnd = windowEnd;
  }
  c.use("select", "fps", "tpad", "scale");
  // Rounded, not truncated (setpts' own cast): a frame half a slot away must go the same way as its neighbours.
  const laid = [filter("select", { expr: expression(sum(keep)) }), `setpts=${expression(`round(${sum(place)}/TB)`)}`];
  const fps = filter("fps", { fps: rate, start_time: 0 });
  const media = lane.media;
  const fitsFirst = !!media.fps && media.fps < (0.9 * c.rate.num) / c.rate.den;
  const shrinks = !!media.width && !!media.height && (media.width > width || media.height > height);
  const fitted = fitFrame(c, `${index}:v:0`, lane.fit, width, height, fitsFirst ? laid : [...laid, fps], shrinks);
  const whole = [
    ...(fitsFirst ? [fps] : []),
    "setsar=1",
    "format=yuv420p",
    // A file shorter than its last cut: the last frame is held (one tpad per lane, one frame kept).
    filter("tpad", { stop_mode: "clone", stop: laneFrames }),
    filter("trim", { end_frame: laneFrames }),
  ];
  return deal(c, fitted, whole, pieces, false);
}

function laneAudio(c: Compilation, lane: Lane, pieces: readonly Piece[], index: number): string[] {
  const audible = lane.media.has_audio && lane.members.some((m) => (m.p.segment.volume ?? 1) > 0);
  if (!audible) return pieces.map((piece) => silence(c, c.seconds(piece.to - piece.from)));
  const origin = Math.round(laneStartS(lane) * SAMPLE_RATE);
  // Cut points in the input's samples (0 = where the lane starts reading).
  const points = [...new Set(lane.members.flatMap((m) => [m.startSample - origin, m.endSample - origin]))].filter((s) => s > 0).sort((a, b) => a - b);
  c.use("asegment", "aselect", "concat", "apad", "atrim");
  const parts = [...points, Infinity].map(() => c.graph.label("ag"));
  c.graph.add([`${index}:a:0`], [`aresample=${SAMPLE_RATE}`, AUDIO_FORMAT, filter("asegment", { samples: points.join("|") })], parts);
  const rebased = parts.map((part) => {
    const out = c.graph.label("ar");
    c.graph.add([part], "asetpts=PTS-STARTPTS", [out]);
    return out;
  });
  const half = 0.5 / SAMPLE_RATE;
  const keep = lane.members.map((m) => `gte(t,${((m.startSample - origin) / SAMPLE_RATE - half).toFixed(7)})*lt(t,${((m.endSample - origin) / SAMPLE_RATE - half).toFixed(7)})`);
  const total = c.samples(pieces[pieces.length - 1]!.to);
  const joined = c.graph.label("aj");
  c.graph.add(
    rebased,
    [
      filter("concat", { n: rebased.length, v: 0, a: 1 }),
      filter("aselect", { expr: expression(sum(keep)) }),
      "asetpts=N/SR/TB",
      filter("apad", { whole_len: total }),
      filter("atrim", { end_sample: total }),
    ],
    [joined],
  );
  return deal(c, joined, [], pieces, true);
}

/** a+b+c… as a balanced tree: ffmpeg 5.1's expression parser refuses a flat sum of ~100 terms. */
function sum(terms: readonly string[]): string {
  if (terms.length === 1) return terms[0]!;
  const half = Math.ceil(terms.length / 2);
  return `(${sum(terms.slice(0, half))}+${sum(terms.slice(half))})`;
}

/**
 * Hands each piece its frames (or samples) of the lane, starting at 0; sound gets each piece's
 * volume. split + trim, not segment: segment stops its input as soon as the consumer of its
 * current piece closes it, and a fade's overlay closes its head once the tail ends, before the
 * head's own end is seen; that ended the whole lane. A trim per piece drops what is not its own.
 */
function deal(c: Compilation, input: string, chain: string[], pieces: readonly Piece[], audio: boolean): string[] {
  const outs = pieces.map(() => c.graph.label(audio ? "la" : "lv"));
  const rebase = audio ? ["asetpts=PTS-STARTPTS"] : ["setpts=PTS-STARTPTS", "settb=AVTB"];
  if (pieces.length === 1) {
    c.graph.add([input], [...chain, ...rebase, ...volumeOf(c, pieces[0]!, audio)], outs);
    return outs;
  }
  const copies = pieces.map(() => c.graph.label(audio ? "da" : "dv"));
  c.graph.add([input], [...chain, `${audio ? "asplit" : "split"}=${pieces.length}`], copies);
  pieces.forEach((piece, k) => {
    const cut = audio
      ? filter("atrim", { start_sample: c.samples(piece.from), end_sample: c.samples(piece.to) })
      : filter("trim", { start_frame: piece.from, end_frame: piece.to });
    c.graph.add([copies[k]!], [cut, ...rebase, ...volumeOf(c, piece, audio)], [outs[k]!]);
  });
  return outs;
}

function volumeOf(c: Compilation, piece: Piece, audio: boolean): string[] {
  if (!audio || piece.volume === 1) return [];
  c.use("volume");
  return [filter("volume", { volume: trimNumber(piece.volume) })];
}
