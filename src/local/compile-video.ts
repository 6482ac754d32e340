import { expression, filter } from "./filtergraph.js";
import { type FrameRate, frameRateText, msToFrames } from "./format.js";
import { literalInputArgs } from "./input-args.js";
import type { MediaFacts } from "./media.js";
import { type Fit, type KenBurns, type LocalTimeline, type VideoSegment, timelineLengthMs } from "./timeline.js";
import { xfadeTransition } from "./transitions.js";
import { composeLanes, planLanes } from "./compile-lanes.js";
import { PHOTO_SCALE, SharedPhotos } from "./compile-photos.js";
import {
  AUDIO_FORMAT,
  AUTO_FIT_TOLERANCE,
  type Compilation,
  INPUT_MARGIN_S,
  type PlannedSegment,
  SAMPLE_RATE,
  type SegmentParts,
  type Streams,
  msText,
  silence,
  trimNumber,
} from "./compile-context.js";

/** The video track: each clip or photo normalised, transitions blended, all joined by one concat. */

/**
 * Whole frames per clip and per transition. Frame boundaries are rounded from the timeline's
 * times (not each length on its own), so rounding never adds up: twelve clips fitted to 60 s
 * give exactly 1800 frames. Transitions are clamped so every xfade has the frames it needs.
 */
export function planVideo(c: Compilation, timeline: LocalTimeline): PlannedSegment[] {
  return layOutFrames(c.rate, timeline.video, (segment) => c.mediaFor(segment.id, segment.mediaId)).map((p) => ({ ...p, placeholder: false }));
}

/** A clip's place in frames: the engine's layout, shared by the render and the project writers (src/local/project). */
export interface FrameLayout {
  segment: VideoSegment;
  media: MediaFacts;
  frames: number;
  /** Frames shared with the previous segment (its transition), 0 for a cut. */
  overlap: number;
  startFrame: number;
}

/** The pure frame arithmetic of `planVideo`: start(i) = start(i−1) + frames(i−1) − overlap(i). */
export function layOutFrames(rate: FrameRate, video: readonly VideoSegment[], mediaOf: (segment: VideoSegment) => MediaFacts): FrameLayout[] {
  const toFrame = (ms: number): number => Math.round((ms * rate.num) / (rate.den * 1000));
  const planned: FrameLayout[] = [];
  video.forEach((segment, index) => {
    const source = mediaOf(segment);
    const frames = Math.max(1, toFrame(segment.startMs + segment.durationMs) - toFrame(segment.startMs));
    const previous = planned[index - 1];
    let overlap = 0;
    if (segment.transition && previous) {
      const wanted = toFrame(previous.segment.startMs + previous.segment.durationMs) - toFrame(segment.startMs);
      overlap = Math.max(0, Math.min(wanted, previous.frames - previous.overlap - 1, frames - 1));
    }
    const startFrame = previous ? previous.startFrame + previous.frames - overlap : 0;
    planned.push({ segment, media: source, frames, overlap, startFrame });
  });
  return planned;
}

/** The rendered length in frames: the end of the last clip, else the timeline's own length (texts, music, logos). */
export function totalFramesOf(planned: readonly FrameLayout[], timeline: LocalTimeline, rate: FrameRate): number {
  const last = planned[planned.length - 1];
  if (last) return last.startFrame + last.frames;
  const ms = timelineLengthMs(timeline);
  return ms > 0 ? msToFrames(ms, rate) : 0;
}

/**
 * The video track as ONE concat. A transition needs only the frames it blends, so each
 * segment is cut into head (blended with the previous), body and tail (blended with the
 * next); each tail and head pair is blended on its own (xfade, plus a crossfade of the
 * sound), and the pieces are concatenated: body₀, fade₁, body₁, fade₂, … Start times are
 * plain running sums (start(i) = start(i−1) + frames(i−1) − overlap(i)) with no offsets to
 * compute, and ffmpeg decodes about one clip at a time. (xfade chained over the whole
 * timeline, with offsets, made ffmpeg 5.1 hold frames of the clips waiting their turn:
 * 4.3 GB and 59 s for a 60 s 1080p promo on 2 cores, against 1 GB and 30 s this way.)
 */
export function composeVideoTrack(c: Compilation, planned: PlannedSegment[], lanesAllowed = true): Streams {
  const fromLanes = composeLanes(c, planned, planLanes(c, planned, lanesAllowed));
  const photos = new SharedPhotos(c, planned);
  const parts = planned.map((p, i) => fromLanes.get(i) ?? cutForTransitions(c, p, segmentStreams(c, p, photos), planned[i + 1]?.overlap ?? 0));
  const sequence: Streams[] = [];
  parts.forEach((part, i) => {
    const previous = parts[i - 1];
    if (previous?.tail && part.head) sequence.push(blend(c, previous.tail, part.head, planned[i]!));
    if (part.body) sequence.push(part.body);
  });
  if (sequence.length === 1) return sequence[0]!;
  c.use("concat");
  const video = c.graph.label("cv");
  if (!c.withAudio) {
    c.graph.add(sequence.map((piece) => piece.video), filter("concat", { n: sequence.length, v: 1, a: 0 }), [video]);
    return { video };
  }
  const audio = c.graph.label("ca");
  c.graph.add(sequence.flatMap((piece) => [piece.video, piece.audio!]), filter("concat", { n: sequence.length, v: 1, a: 1 }), [video, audio]);
  return { video, audio };
}

/** Splits a segment into the frames shared with its neighbours and the rest (exact frames and samples). */
function cutForTransitions(c: Compilation, p: PlannedSegment, whole: Streams, tailFrames: number): SegmentParts {
  const headFrames = p.overlap;
  if (headFrames === 0 && tailFrames === 0) return { body: whole };
  const ranges: Array<{ name: "head" | "body" | "tail"; from: number; to: number }> = [];
  if (headFrames > 0) ranges.push({ name: "head", from: 0, to: headFrames });
  ranges.push({ name: "body", from: headFrames, to: p.frames - tailFrames });
  if (tailFrames > 0) ranges.push({ name: "tail", from: p.frames - tailFrames, to: p.frames });

  const videoCopies = ranges.map(() => c.graph.label("vs"));
  c.graph.add([whole.video], `split=${ranges.length}`, videoCopies);
  const audioCopies = c.withAudio ? ranges.map(() => c.graph.label("as")) : [];
  if (c.withAudio) c.graph.add([whole.audio!], `asplit=${ranges.length}`, audioCopies);

  const parts: Partial<SegmentParts> = {};
  ranges.forEach((range, k) => {
    const video = c.graph.label("vp");
    c.graph.add([videoCopies[k]!], [filter("trim", { start_frame: range.from, end_frame: range.to }), "setpts=PTS-STARTPTS"], [video]);
    let audio: string | undefined;
    if (c.withAudio) {
      audio = c.graph.label("ap");
      c.graph.add(
        [audioCopies[k]!],
        [filter("atrim", { start_sample: c.samples(range.from), end_sample: c.samples(range.to) }), "asetpts=PTS-STARTPTS"],
        [audio],
      );
    }
    parts[range.name] = { video, ...(audio ? { audio } : {}) };
  });
  return parts as SegmentParts;
}

/** The transition into `into`: the previous segment's tail blended into this one's head. */
/**
 * Both sides enter through a fifo, which hands a frame on only when asked: a piece can get its
 * frames early (a lane reads one frame past the piece before it; a photo's frames are all
 * made at once), and overlay then asks for its other input at once, wanted or not (a fade far
 * ahead pulled whole lanes into memory: 13 GB, 300 s promo), while the 4:4:4 conversions
 * before xfade would convert early frames into buffers kept until ffmpeg exits.
 */
function blend(c: Compilation, tail: Streams, head: Streams, into: PlannedSegment): Streams {
  const seconds = c.seconds(into.overlap);
  const video = c.graph.label("xv");
  const type = into.segment.transition!.type;
  const xfade = xfadeTransition(type);
  if (xfade === undefined) {
    // A cross-dissolve (fade, dissolve) without xfade: xfade works in 4:4:4 only (ffmpeg
    // converts both sides and back, bicubic) and mixes in floats, 15 ms a 1080p frame; the head
    // faded in through its alpha and laid over the tail costs a third and keeps the chroma.
    c.use("fade", "overlay");
    const [main, top] = [c.graph.label("xm"), c.graph.label("xt")];
    c.graph.add([tail.video], "fifo", [main]);
    c.graph.add([head.video], ["fifo", "format=yuva420p", filter("fade", { t: "in", st: 0, d: seconds, alpha: 1 })], [top]);
    c.graph.add([main, top], [filter("overlay", { format: "yuv420" }), "format=yuv420p"], [video]);
  } else {
    c.use("xfade");
    const [first, second] = [c.graph.label("xm"), c.graph.label("xt")];
    c.graph.add([tail.video], "fifo", [first]);
    c.graph.add([head.video], "fifo", [second]);
    c.graph.add([first, second], filter("xfade", { transition: xfade, duration: seconds, offset: 0 }), [video]);
  }
  if (!c.withAudio) return { video };
  // The sound crossfades linearly: tail faded out + head faded in, mixed. (acrossfade does the
  // same but, in ffmpeg 5.1, made the whole render hold twice the memory.)
  c.use("afade", "amix", "amix-normalize");
  const [out, into_, audio] = [c.graph.label("fo"), c.graph.label("fi"), c.graph.label("xa")];
  c.graph.add([tail.audio!], filter("afade", { t: "out", st: 0, d: seconds }), [out]);
  c.graph.add([head.audio!], filter("afade", { t: "in", st: 0, d: seconds }), [into_]);
  c.graph.add([out, into_], filter("amix", { inputs: 2, normalize: 0, duration: "longest" }), [audio]);
  return { video, audio };
}

/** One segment, normalised: exact frame count, output size, SAR 1, constant rate, yuv420p; plus its sound. */
function segmentStreams(c: Compilation, p: PlannedSegment, photos: SharedPhotos): Streams {
  const { width, height } = c.format;
  const rate = frameRateText(c.rate);
  const out = c.graph.label("v");
  const seconds = c.seconds(p.frames);
  const exactLength = [
    filter("tpad", { stop_mode: "clone", stop: p.frames }),
    filter("trim", { end_frame: p.frames }),
    "setpts=PTS-STARTPTS",
    // concat answers in microseconds; every input of an xfade must share one time base.
    "settb=AVTB",
  ];
  c.use("tpad");

  if (p.placeholder) {
    c.use("color");
    c.graph.add([], [filter("color", { c: "black", s: `${width}x${height}`, r: rate }), "setsar=1", "format=yuv420p", ...exactLength], [out]);
    return { video: out, ...(c.withAudio ? { audio: silence(c, seconds) } : {}) };
  }

  const media = p.media;
  const isImage = media.kind === "image";
  const inputArgs: string[] = [];
  if (!isImage && p.segment.sourceInMs > 0) inputArgs.push("-ss", msText(p.segment.sourceInMs));
  if (!isImage) inputArgs.push("-t", (Number(seconds) + INPUT_MARGIN_S).toFixed(3));
  const addInput = (): number => c.addInput([...inputArgs, ...literalInputArgs(media.path), "-i", media.path], true);
  const shared = photos.shared(p);
  const index = shared ? -1 : addInput();
  const fit = resolveFit(p.segment.fit, media, width, height);
  const kenBurns: KenBurns = isImage ? (p.segment.kenBurns ?? "none") : "none";
  /** The picture fitted into w×h after `prelude`; a shared photo gets its copy (all its uses have the same prelude). */
  const fitPicture = (w: number, h: number, prelude: string[], shrinks = false): string =>
    shared ? photos.take(p, () => fitFrame(c, `${addInput()}:v:0`, fit, w, h, prelude)) : fitFrame(c, `${index}:v:0`, fit, w, h, prelude, shrinks);

  c.use("scale", "fps");
  if (kenBurns === "pan_left" || kenBurns === "pan_right") {
    // A pan never changes the zoom (1.2), so the photo is fitted ONCE at 1.2× the output size
    // and each frame is a moving 1:1 crop of it: no per-frame resampling (zoompan scaled every
    // frame, about 5 ms of a 1080p render each).
    c.use("crop");
    const even = (n: number): number => Math.round(n / 2) * 2;
    const fitted = fitPicture(even(width * PHOTO_SCALE.pan_left), even(height * PHOTO_SCALE.pan_left), ["trim=end_frame=1", "setpts=PTS-STARTPTS", `fps=${rate}`]);
    const progress = `n/${Math.max(1, p.frames - 1)}`;
    c.graph.add(
      [fitted],
      [
        "setsar=1",
        "format=yuv420p",
        filter("tpad", { stop_mode: "clone", stop: p.frames }),
        filter("trim", { end_frame: p.frames }),
        filter("crop", {
          w: width,
          h: height,
          x: expression(kenBurns === "pan_right" ? `(iw-ow)*${progress}` : `(iw-ow)*(1-${progress})`),
          y: "(ih-oh)/2",
          exact: 1,
        }),
        ...exactLength,
      ],
      [out],
    );
  } else if (kenBurns !== "none") {
    // zoompan makes `d` frames from EACH input frame, so it gets exactly one, fitted at 1.5×
    // the output size so the slow zoom does not step from pixel to pixel (2× costs 50% more).
    c.use("zoompan");
    const even = (n: number): number => Math.round(n / 2) * 2;
    const fitted = fitPicture(even(width * PHOTO_SCALE.zoom_in), even(height * PHOTO_SCALE.zoom_in), ["trim=end_frame=1", "setpts=PTS-STARTPTS"]);
    c.graph.add(
      [fitted],
      [
        zoompanFilter(kenBurns, p.frames, width, height, rate),
        "setsar=1",
        "format=yuv420p",
        ...exactLength,
      ],
      [out],
    );
  } else {
    // A clip clearly slower than the output is fitted before fps repeats its frames, so a
    // repeated frame is not scaled twice (25 → 30 fps: a sixth fewer scales; same frames out).
    const fitsFirst = !isImage && !!media.fps && media.fps < (0.9 * c.rate.num) / c.rate.den;
    const prelude = isImage ? ["trim=end_frame=1", "setpts=PTS-STARTPTS", `fps=${rate}`] : fitsFirst ? ["setpts=PTS-STARTPTS"] : ["setpts=PTS-STARTPTS", `fps=${rate}`];
    const shrinks = !isImage && !!media.width && !!media.height && (media.width > width || media.height > height);
    const fitted = fitPicture(width, height, prelude, shrinks);
    c.graph.add([fitted], [...(fitsFirst ? [`fps=${rate}`] : []), "setsar=1", "format=yuv420p", ...exactLength], [out]);
  }

  if (!c.withAudio) return { video: out };
  const volume = p.segment.volume ?? 1;
  if (isImage || !media.has_audio || volume === 0) return { video: out, audio: silence(c, seconds) };
  c.use("apad", "atrim");
  const audio = c.graph.label("a");
  const chain = ["asetpts=PTS-STARTPTS", `aresample=${SAMPLE_RATE}`, AUDIO_FORMAT];
  if (volume !== 1) {
    c.use("volume");
    chain.push(filter("volume", { volume: trimNumber(volume) }));
  }
  chain.push(filter("apad", { whole_dur: seconds }), filter("atrim", { duration: seconds }), "asetpts=PTS-STARTPTS");
  c.graph.add([`${index}:a:0`], chain, [audio]);
  return { video: out, audio };
}

/** `fit` unset means: cover when the shapes nearly match, else a blurred copy behind the whole picture. */
export function resolveFit(fit: Fit | undefined, media: MediaFacts, width: number, height: number): Fit {
  if (fit) return fit;
  if (!media.width || !media.height) return "cover";
  const ratio = media.width / media.height / (width / height);
  return Math.abs(Math.log(ratio)) <= Math.log(1 + AUTO_FIT_TOLERANCE) ? "cover" : "blur";
}

/**
 * Scales a picture into `width`×`height`: `cover` fills and crops, `contain` fits and adds
 * black bars, `blur` fits over a blurred, cropped copy of itself. ffmpeg has already turned
 * phone clips upright (autorotate), so no rotation happens here. `shrinks`: the source is
 * larger than the fitted picture (only known for clips; photos pass through once anyway).
 */
export function fitFrame(c: Compilation, input: string, fit: Fit, width: number, height: number, prelude: string[], shrinks = false): string {
  const out = c.graph.label("f");
  const contained = filter("scale", { w: width, h: height, force_original_aspect_ratio: "decrease", force_divisible_by: 2 });
  if (fit === "cover") {
    c.use("crop");
    c.graph.add([input], [...prelude, filter("scale", { w: width, h: height, force_original_aspect_ratio: "increase" }), filter("crop", { w: width, h: height })], [out]);
    return out;
  }
  if (fit === "contain") {
    c.use("pad");
    c.graph.add([input], [...prelude, contained, filter("pad", { w: width, h: height, x: "(ow-iw)/2", y: "(oh-ih)/2", color: "black" })], [out]);
    return out;
  }
  // blur: the background is blurred at an eighth of the size (cheap) and scaled back up.
  // Bilinear is enough for a picture that is blurred anyway (half the taps of bicubic), and
  // a clip larger than the frame is scaled down once, the background made from that smaller
  // copy (a 1080x1920 phone clip: 608x1080 instead of the full picture, every frame).
  c.use("crop", "boxblur", "overlay");
  const smallW = Math.max(16, Math.round(width / 16) * 2);
  const smallH = Math.max(16, Math.round(height / 16) * 2);
  const radius = Math.max(1, Math.min(10, Math.floor(Math.min(smallW, smallH) / 4) - 1));
  const [bgIn, fgIn, bg, fg] = ["bgi", "fgi", "bg", "fg"].map((p) => c.graph.label(p)) as [string, string, string, string];
  const background = [
    filter("scale", { w: smallW, h: smallH, force_original_aspect_ratio: "increase", flags: "bilinear" }),
    filter("crop", { w: smallW, h: smallH }),
    filter("boxblur", { luma_radius: radius, luma_power: 2 }),
    filter("scale", { w: width, h: height, flags: "bilinear" }),
    "setsar=1",
  ];
  if (shrinks) {
    c.graph.add([input], [...prelude, contained, "setsar=1", "split=2"], [bgIn, fg]);
  } else {
    c.graph.add([input], [...prelude, "split=2"], [bgIn, fgIn]);
    c.graph.add([fgIn], [contained, "setsar=1"], [fg]);
  }
  c.graph.add([bgIn], background, [bg]);
  c.graph.add([bg, fg], filter("overlay", { x: "(W-w)/2", y: "(H-h)/2" }), [out]);
  return out;
}

/** Ken Burns over exactly `frames` frames; `on` is zoompan's output frame number. */
function zoompanFilter(kind: "zoom_in" | "zoom_out", frames: number, width: number, height: number, rate: string): string {
  const progress = `on/${Math.max(1, frames - 1)}`;
  const centreX = "iw/2-(iw/zoom/2)";
  const centreY = "ih/2-(ih/zoom/2)";
  const zoom = kind === "zoom_in" ? `1+0.2*${progress}` : `1.2-0.2*${progress}`;
  return filter("zoompan", { z: expression(zoom), x: expression(centreX), y: expression(centreY), d: frames, s: `${width}x${height}`, fps: rate });
}

export function blackBackground(c: Compilation, totalFrames: number): Streams {
  const { width, height } = c.format;
  c.use("color");
  const video = c.graph.label("bgv");
  c.graph.add([], [filter("color", { c: "black", s: `${width}x${height}`, r: frameRateText(c.rate) }), "setsar=1", "format=yuv420p", filter("trim", { end_frame: totalFrames }), "setpts=PTS-STARTPTS"], [video]);
  return { video, ...(c.withAudio ? { audio: silence(c, c.seconds(totalFrames)) } : {}) };
}
