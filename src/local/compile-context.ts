import { VideoMakerError } from "../core/errors.js";
import type { FfmpegFeature, FfmpegFeatures } from "./ffmpeg.js";
import type { Charset } from "./font-coverage.js";
import { GraphBuilder, filter } from "./filtergraph.js";
import { type FrameRate, type OutputFormat, framesToSeconds } from "./format.js";
import type { MediaFacts } from "./media.js";
import type { VideoSegment } from "./timeline.js";

/** What the parts of the compiler share while one ffmpeg invocation is being written. */

export interface CompileOptions {
  /** Where ffmpeg writes (a temporary path: the container is given with `-f`). */
  outputPath: string;
  /** Folder for the drawtext text files (and the filtergraph when it is very long). */
  workDir: string;
  /** Needed when the timeline has text. */
  fontFile?: string;
  /** Used for lines with Chinese, Japanese or Korean characters, which the main font lacks. */
  cjkFontFile?: string;
  /** What each font file has (fontconfig's charset); a file not here is judged by a rule of thumb. */
  fontCoverage?: ReadonlyMap<string, Charset>;
  /** Override the draft's format (tests render small; previews render smaller). */
  width?: number;
  height?: number;
  fps?: number;
  /** When given, everything the graph uses must be in it (or a clear error names what is missing). */
  features?: FfmpegFeatures;
  /** One PNG frame of the timeline at this time instead of the MP4; video only. */
  previewAtMs?: number;
  /** The most threads a video decoder, the filters and the encoder each get (see `renderThreads`); ffmpeg's own choice when left out. */
  threads?: number;
  /** The x264 preset, quality and audio rate of the MP4 (default: the export's); a preview rendition trades quality for speed. */
  encoding?: Mp4Encoding;
  /**
   * Write the mix losslessly here (32-bit float WAV, RF64 past 4 GB) and the video alone to
   * `outputPath`, for a delivery at a loudness target (src/local/loudness.ts): float keeps a mix
   * over 0 dBFS unclipped until its gain is known.
   */
  mixPath?: string;
}

export interface Mp4Encoding {
  preset: "ultrafast" | "superfast" | "veryfast" | "faster" | "fast" | "medium";
  crf: number;
  audioBitrate: string;
  /** A ceiling on the video's bitrate (x264 VBV, with a buffer of twice it): bounds the file's size whatever the pictures. */
  maxVideoKbps?: number;
}

/** The export's encoding: H.264 High at CRF 20, AAC 192k. */
export const EXPORT_ENCODING: Mp4Encoding = { preset: "veryfast", crf: 20, audioBitrate: "192k" };

/** Above this the graph goes into a file (`-filter_complex_script`): one argv entry is capped at 128 KiB on Linux. */
export const INLINE_GRAPH_LIMIT = 60_000;
export const SAMPLE_RATE = 48_000;
export const AUDIO_FORMAT = `aformat=sample_fmts=fltp:sample_rates=${SAMPLE_RATE}:channel_layouts=stereo`;
/**
 * Source seconds read past a clip's end, so rounding never starves the last frame (tpad
 * clones one if it does). Kept small: ffmpeg 5.1 decodes every input up to its `-t` even
 * after the graph has taken all it needs, so 0.5 s here cost 7% of a 60 s promo's decoding.
 */
export const INPUT_MARGIN_S = 0.1;
/** Aspect ratios closer than this count as the same shape for `fit: auto`. */
export const AUTO_FIT_TOLERANCE = 0.15;

export interface PlannedSegment {
  segment: VideoSegment;
  media: MediaFacts;
  frames: number;
  /** Frames shared with the previous segment (its transition), 0 for a cut. */
  overlap: number;
  startFrame: number;
  /** In a preview, segments away from the frame shown are drawn as black. */
  placeholder: boolean;
}

export interface Streams {
  video: string;
  /** Undefined in a preview (video only). */
  audio?: string;
}

/** A segment cut for its transitions: head (blended with the previous), body, tail (blended with the next). */
export interface SegmentParts {
  head?: Streams;
  /** Left out when the body continues the previous segment's (one piece of a lane). */
  body?: Streams;
  tail?: Streams;
}

/** More video decoders than this, and each gets one thread (see `inputArgs`). */
export const THREADED_DECODERS_UP_TO = 4;

export class Compilation {
  readonly graph = new GraphBuilder();
  private readonly inputList: Array<{ args: string[]; video: boolean }> = [];
  readonly textFiles: Array<{ path: string; content: string }> = [];
  readonly needs = new Set<FfmpegFeature>();
  private inputCount = 0;

  constructor(
    readonly format: OutputFormat,
    readonly rate: FrameRate,
    readonly options: CompileOptions,
    readonly withAudio: boolean,
    readonly media: readonly MediaFacts[],
  ) {}

  mediaFor(owner: string, id: string): MediaFacts {
    return registeredMedia(this.media, owner, id);
  }

  /** `video`: the input's pictures are decoded (clips, photos), as opposed to sound only. */
  addInput(args: string[], video = false): number {
    this.inputList.push({ args, video });
    return this.inputCount++;
  }

  /**
   * Every input's arguments. The segments play one after another, so one decoder works at a
   * time while x264 keeps the cores busy; a decoder's threads then buy nothing but hold
   * frames of their own until ffmpeg exits (about 19 MB a 1080p decoder), so with many
   * decoders each gets one thread.
   */
  inputArgs(): string[] {
    const many = this.inputList.filter((input) => input.video).length > THREADED_DECODERS_UP_TO;
    const threads = many ? 1 : this.options.threads;
    return this.inputList.flatMap(({ args, video }) => (threads !== undefined && video ? ["-threads", String(threads), ...args] : args));
  }

  use(...features: FfmpegFeature[]): void {
    for (const feature of features) this.needs.add(feature);
  }

  seconds(frames: number): string {
    return framesToSeconds(frames, this.rate);
  }

  /** Audio samples in a number of frames, so audio pieces are cut exactly where video pieces are. */
  samples(frames: number): number {
    return Math.round((frames * SAMPLE_RATE * this.rate.den) / this.rate.num);
  }
}

/** The media a segment uses, or a plain refusal naming the segment when it is gone. */
export function registeredMedia(media: readonly MediaFacts[], owner: string, id: string): MediaFacts {
  const found = media.find((m) => m.id === id);
  if (!found) {
    throw new VideoMakerError(
      "file_not_found",
      `${owner} uses media "${id}", which is not registered in this project any more. Upload the file again or remove ${owner}.`,
    );
  }
  return found;
}

export function silence(c: Compilation, seconds: string): string {
  c.use("anullsrc", "atrim");
  const label = c.graph.label("s");
  c.graph.add([], [filter("anullsrc", { r: SAMPLE_RATE, cl: "stereo" }), filter("atrim", { duration: seconds }), AUDIO_FORMAT], [label]);
  return label;
}

export function msText(ms: number): string {
  return trimNumber(ms / 1000);
}

export function trimNumber(value: number): string {
  return value.toFixed(6).replace(/\.?0+$/, "") || "0";
}
