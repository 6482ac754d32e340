import { join } from "node:path";
import type { Draft } from "../core/draft.js";
import { VideoMakerError } from "../core/errors.js";
import { type FfmpegFeature, type FfmpegFeatures, requireFeatures } from "./ffmpeg.js";
import { filter } from "./filtergraph.js";
import { type FrameRate, type OutputFormat, frameRateOf, frameRateText, framesToMs, readFormat } from "./format.js";
import type { MediaFacts } from "./media.js";
import { cloneTimeline, normalizeTimeline, readTimeline } from "./timeline.js";
import { xfadeTransition } from "./transitions.js";
import { Compilation, type CompileOptions, EXPORT_ENCODING, INLINE_GRAPH_LIMIT, type Mp4Encoding, type PlannedSegment, SAMPLE_RATE } from "./compile-context.js";
import { mixMusic } from "./compile-audio.js";
import { overlayLogos } from "./compile-logo.js";
import { drawTexts } from "./compile-text.js";
import { placedSubtitles } from "./subtitle-anchor.js";
import { blackBackground, composeVideoTrack, planVideo, totalFramesOf } from "./compile-video.js";

export type { CompileOptions } from "./compile-context.js";
export { resolveFit } from "./compile-video.js";

/**
 * The draft → ffmpeg compiler: a pure function from the timeline and the media facts to
 * the arguments of ONE ffmpeg run. Nothing here touches the disk or spawns anything; the
 * caller writes `textFiles` and runs `args`.
 *
 * Every clip is normalised to the same size, SAR 1, frame rate and pixel format and cut to
 * an exact number of frames, so that concat and xfade line up and start times are plain
 * sums: start(i) = start(i-1) + frames(i-1) − overlap(i).
 *
 *   compile-video.ts   clips and photos, fits, Ken Burns, transitions, the one concat
 *   compile-lanes.ts   the clips cut from one file in footage order: one input, one decoder
 *   compile-logo.ts    logos laid over the video (overlay)
 *   compile-text.ts    titles and subtitles (drawtext), drawn over the logos
 *   compile-audio.ts   music: fades, loop, ducking, the mix
 *   compile-context.ts what they share (labels, inputs, features used, frame maths)
 */

/** A render runs on at most this many cores: the default one-at-a-time queue gives it the machine, up to here. */
export const RENDER_MAX_THREADS = 4;

/**
 * The thread cap for a render on a machine with `cores` cores: none up to 4 cores (ffmpeg's own
 * choice cannot use more than there are), 4 above, so one render leaves the rest of a large
 * machine free and its decoders and x264 hold 4 threads' frames, not one set per core.
 */
export function renderThreads(cores: number): number | undefined {
  return cores > RENDER_MAX_THREADS ? RENDER_MAX_THREADS : undefined;
}

export interface CompiledRender {
  args: string[];
  filtergraph: string;
  /** The exact output length (whole frames); one frame for a preview. */
  durationMs: number;
  /** The whole timeline's length (whole frames). */
  timelineMs: number;
  /** For a preview: the time of the frame shown (snapped to a frame, clamped to the last). */
  shownAtMs?: number;
  width: number;
  height: number;
  frameRate: FrameRate;
  textFiles: Array<{ path: string; content: string }>;
  /** What this render needs from ffmpeg. */
  needs: FfmpegFeature[];
}

export function compileRender(draft: Draft, media: readonly MediaFacts[], options: CompileOptions): CompiledRender {
  const timeline = cloneTimeline(readTimeline(draft));
  normalizeTimeline(timeline, media);
  const format = resolveFormat(draft, options);
  const rate = frameRateOf(format.fps);
  const preview = options.previewAtMs !== undefined;
  const c = new Compilation(format, rate, options, !preview, media);

  const planned = planVideo(c, timeline);
  const totalFrames = totalFramesOf(planned, timeline, rate);
  if (totalFrames === 0) {
    throw new VideoMakerError("not_ready", "The timeline is empty, so there is nothing to render yet. Add a clip, a photo or a text first.");
  }

  let previewFrame = 0;
  if (preview) {
    previewFrame = Math.min(totalFrames - 1, Math.max(0, Math.floor(((options.previewAtMs ?? 0) * rate.num) / (rate.den * 1000) + 1e-6)));
    // Only what is on screen at that frame is decoded; the rest keeps its length as black.
    for (const p of planned) p.placeholder = !(previewFrame >= p.startFrame && previewFrame < p.startFrame + p.frames);
  }

  // Lanes need asegment (ffmpeg 4.4+); an older ffmpeg gets an input per clip.
  const lanesAllowed = !options.features || (["asegment", "select", "aselect"] as const).every((f) => options.features!.available.has(f));
  const base = planned.length > 0 ? composeVideoTrack(c, planned, lanesAllowed) : blackBackground(c, totalFrames);
  // Subtitles that follow a clip are drawn where its pieces show their speech (subtitle-anchor.ts).
  const texts = [...timeline.titles, ...placedSubtitles(timeline)].sort((a, b) => a.startMs - b.startMs);
  let video = drawTexts(c, overlayLogos(c, base.video, timeline.logos, totalFrames), texts, totalFrames, preview ? previewFrame : undefined);

  let audio: string | undefined;
  if (c.withAudio) audio = mixMusic(c, base.audio!, timeline.music, totalFrames);

  if (preview) {
    const shown = c.graph.label("vp");
    c.graph.add([video], [filter("trim", { start_frame: previewFrame, end_frame: previewFrame + 1 }), "setpts=PTS-STARTPTS"], [shown]);
    video = shown;
    c.use("png");
  } else {
    c.use("libx264", "aac");
    // A delivery at a loudness target also measures the mix and applies its gain (src/local/loudness.ts).
    if (options.mixPath !== undefined) c.use("pcm_f32le", "ebur128", "alimiter", "volume");
  }

  if (options.features) {
    requireFeatures(options.features, c.needs);
    requireTransitions(options.features, planned);
  }

  const filtergraph = c.graph.build(preview ? [video] : [video, audio!]);
  const head = ["-hide_banner", "-nostdin", "-y", "-loglevel", "error"];
  if (options.features?.slowGather) head.push("-cpuflags", "+slowgather");
  if (options.threads !== undefined) head.push("-filter_complex_threads", String(options.threads));
  const outputArgs = preview
    ? ["-map", `[${video}]`, "-an", "-frames:v", "1", "-c:v", "png", "-f", "image2", options.outputPath]
    : mp4OutputArgs(video, audio!, rate, c.seconds(totalFrames), options, options.encoding ?? EXPORT_ENCODING);

  return {
    args: [...head, ...c.inputArgs(), ...graphArguments(c, filtergraph), ...outputArgs],
    filtergraph,
    durationMs: preview ? framesToMs(1, rate) : framesToMs(totalFrames, rate),
    timelineMs: framesToMs(totalFrames, rate),
    ...(preview ? { shownAtMs: framesToMs(previewFrame, rate) } : {}),
    width: format.width,
    height: format.height,
    frameRate: rate,
    textFiles: c.textFiles,
    needs: [...c.needs].sort(),
  };
}

/** H.264 High + AAC in an MP4 that starts playing before it is fully downloaded; progress on stdout. */
function mp4OutputArgs(video: string, audio: string, rate: FrameRate, seconds: string, options: CompileOptions, encoding: Mp4Encoding): string[] {
  const videoCodec = [
    "-c:v", "libx264", "-profile:v", "high", "-preset", encoding.preset, "-crf", String(encoding.crf), "-pix_fmt", "yuv420p",
    ...(encoding.maxVideoKbps ? ["-maxrate", `${encoding.maxVideoKbps}k`, "-bufsize", `${encoding.maxVideoKbps * 2}k`] : []),
    ...(options.threads !== undefined ? ["-threads", String(options.threads)] : []),
    "-r", frameRateText(rate),
  ];
  const progress = ["-progress", "pipe:1", "-nostats"];
  if (options.mixPath !== undefined) {
    // Pass 1 of a delivery at a loudness target: the video alone, and the mix as it is, to be measured.
    return [
      "-map", `[${video}]`, ...videoCodec, "-t", seconds, "-f", "mp4", ...progress, options.outputPath,
      "-map", `[${audio}]`, "-c:a", "pcm_f32le", "-ar", String(SAMPLE_RATE), "-ac", "2", "-t", seconds, "-rf64", "auto", "-f", "wav", options.mixPath,
    ];
  }
  return [
    "-map", `[${video}]`,
    "-map", `[${audio}]`,
    ...videoCodec,
    "-c:a", "aac", "-b:a", encoding.audioBitrate, "-ar", String(SAMPLE_RATE), "-ac", "2",
    "-t", seconds,
    "-movflags", "+faststart",
    "-f", "mp4",
    ...progress,
    options.outputPath,
  ];
}

/** Inline when it fits one argument; otherwise from a file the caller writes with the text files. */
function graphArguments(c: Compilation, filtergraph: string): string[] {
  if (filtergraph.length <= INLINE_GRAPH_LIMIT) return ["-filter_complex", filtergraph];
  const scriptPath = join(c.options.workDir, "filtergraph.txt");
  c.textFiles.push({ path: scriptPath, content: filtergraph });
  return ["-filter_complex_script", scriptPath];
}

function requireTransitions(features: FfmpegFeatures, planned: readonly PlannedSegment[]): void {
  if (features.transitions.size === 0) return; // an ffmpeg whose xfade help we could not read: let it try
  // A cross-dissolve (fade, dissolve) is drawn without xfade (fade + overlay, checked like any other filter).
  const unknown = [...new Set(planned.flatMap((p) => (p.overlap > 0 && p.segment.transition ? [p.segment.transition.type] : [])))].filter((type) => {
    const xfade = xfadeTransition(type);
    return xfade !== undefined && !features.transitions.has(xfade);
  });
  if (unknown.length === 0) return;
  throw new VideoMakerError(
    "config",
    `This ffmpeg (${features.version}) does not know the transition${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}; choose another (fade, dissolve, wipeleft, slideleft, circleopen…) or install a newer ffmpeg.`,
  );
}

/** The draft's format with the overrides a render gives, sizes even (x264 wants them so). */
export function resolveFormat(draft: Draft, options: Pick<CompileOptions, "width" | "height" | "fps"> = {}): OutputFormat {
  const format = readFormat(draft);
  const even = (n: number): number => Math.max(2, Math.round(n / 2) * 2);
  return {
    aspect: format.aspect,
    width: even(options.width ?? format.width),
    height: even(options.height ?? format.height),
    fps: options.fps ?? format.fps,
  };
}
