import { execFile } from "node:child_process";
import { basename } from "node:path";
import { z } from "zod";
import { VideoMakerError } from "../core/errors.js";
import { ffmpegMissingError } from "./ffmpeg.js";
import { literalInputArgs } from "./input-args.js";
import type { MediaKind, ProbeFacts } from "./media.js";

/**
 * Reads a file's facts with ffprobe's JSON output. The schema is tolerant (ffprobe writes
 * numbers as strings, and omits what it does not know); what matters is turned into
 * plain facts: kind, duration, displayed size, rotation, frame rate, streams present.
 */

const numeric = z
  .union([z.number(), z.string()])
  .transform((value) => (typeof value === "number" ? value : Number(value)))
  .pipe(z.number())
  .optional()
  .catch(undefined);

const StreamSchema = z.looseObject({
  codec_type: z.string().optional().catch(undefined),
  codec_name: z.string().optional().catch(undefined),
  width: numeric,
  height: numeric,
  avg_frame_rate: z.string().optional().catch(undefined),
  r_frame_rate: z.string().optional().catch(undefined),
  duration: numeric,
  nb_frames: numeric,
  disposition: z.looseObject({ attached_pic: numeric }).optional().catch(undefined),
  tags: z.record(z.string(), z.unknown()).optional().catch(undefined),
  side_data_list: z.array(z.looseObject({ rotation: numeric })).optional().catch(undefined),
});

/** The first decoded picture: its side data carries a photo's EXIF orientation (the stream's does not). */
const FirstFrameSchema = z.looseObject({
  side_data_list: z.array(z.looseObject({ rotation: numeric })).optional().catch(undefined),
});
const FramesSchema = z.looseObject({ frames: z.array(FirstFrameSchema).default([]) });
export type FirstFrame = z.infer<typeof FirstFrameSchema>;

const ProbeSchema = z.looseObject({
  streams: z.array(StreamSchema).default([]),
  format: z
    .looseObject({ format_name: z.string().optional().catch(undefined), duration: numeric })
    .optional()
    .catch(undefined),
});

export type ProbeOutput = z.infer<typeof ProbeSchema>;

/** Runs ffprobe on a file; a file ffprobe cannot read becomes an "unsupported_file" error naming it. */
export async function probeMedia(ffprobePath: string, path: string, signal?: AbortSignal): Promise<ProbeFacts> {
  const json = await runFfprobe(ffprobePath, path, signal);
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw unreadable(path, "ffprobe's answer was not JSON");
  }
  const parsed = ProbeSchema.safeParse(raw);
  if (!parsed.success) throw unreadable(path, "ffprobe's answer had an unexpected shape");
  const facts = factsFromProbe(parsed.data, path);
  if (facts.kind !== "image" || facts.rotation !== 0) return facts;
  // A phone photo is stored sideways with an EXIF orientation that ffmpeg applies when decoding:
  // the size the host is told must be the one it will see.
  return factsFromProbe(parsed.data, path, await probeFirstFrame(ffprobePath, path, signal));
}

async function probeFirstFrame(ffprobePath: string, path: string, signal?: AbortSignal): Promise<FirstFrame | undefined> {
  const args = ["-v", "error", "-print_format", "json", "-select_streams", "v:0", "-show_frames", "-read_intervals", "%+#1", "-show_entries", "frame=side_data_list"];
  try {
    const parsed = FramesSchema.safeParse(JSON.parse(await runFfprobe(ffprobePath, path, signal, args)));
    return parsed.success ? parsed.data.frames[0] : undefined;
  } catch (error) {
    if (error instanceof VideoMakerError && error.code === "cancelled") throw error;
    return undefined; // The stream facts stand; the decode check that follows names a damaged picture.
  }
}

/** Pure: ffprobe's parsed JSON (and, for a picture, its first frame) → facts. Exported for tests. */
export function factsFromProbe(probe: ProbeOutput, path: string, firstFrame?: FirstFrame): ProbeFacts {
  const videoStreams = probe.streams.filter((s) => s.codec_type === "video" && s.disposition?.attached_pic !== 1);
  const audio = probe.streams.find((s) => s.codec_type === "audio");
  const video = videoStreams[0];
  if (!video && !audio) throw unreadable(path, "it holds no video, picture or sound");

  const formatName = probe.format?.format_name ?? "";
  const durationS = probe.format?.duration ?? video?.duration ?? audio?.duration;
  const rotation = video ? rotationOf(video) || (firstFrame ? rotationOf(firstFrame) : 0) : 0;
  const turned = rotation === 90 || rotation === 270;
  const width = video?.width && video.width > 0 ? Math.round(video.width) : undefined;
  const height = video?.height && video.height > 0 ? Math.round(video.height) : undefined;

  let kind: MediaKind;
  if (!video) kind = "audio";
  else if (isStillImage(video, formatName, durationS)) kind = "image";
  else kind = "video";

  const facts: ProbeFacts = {
    kind,
    rotation,
    has_audio: audio !== undefined,
    has_video: video !== undefined,
  };
  if (kind !== "image" && durationS !== undefined && Number.isFinite(durationS) && durationS > 0) {
    facts.duration_ms = Math.round(durationS * 1000);
  }
  if (width !== undefined && height !== undefined) {
    facts.width = turned ? height : width;
    facts.height = turned ? width : height;
  }
  const fps = video ? frameRate(video.avg_frame_rate) ?? frameRate(video.r_frame_rate) : undefined;
  if (fps !== undefined && kind === "video") facts.fps = fps;
  return facts;
}

/** Single-picture demuxers: "image2", "png_pipe", "jpeg_pipe", "webp_pipe", … */
const IMAGE_FORMATS = /(^|,)(image2|image2pipe|[a-z0-9]+_pipe)(,|$)/;
const IMAGE_CODECS = new Set(["png", "mjpeg", "webp", "bmp", "tiff", "jpegls", "jpeg2000"]);

function isStillImage(video: z.infer<typeof StreamSchema>, formatName: string, durationS: number | undefined): boolean {
  if (formatName === "gif") {
    // An animated GIF plays like a clip; a single-frame one is a picture.
    return (video.nb_frames ?? 1) <= 1 && !(durationS !== undefined && durationS > 0.1);
  }
  if (IMAGE_FORMATS.test(formatName)) return true;
  return IMAGE_CODECS.has(video.codec_name ?? "") && (video.nb_frames ?? 1) <= 1 && !(durationS && durationS > 0.1);
}

/** The clockwise turn a player applies: from the display matrix (ffmpeg 5+) or the old `rotate` tag. */
function rotationOf(video: Pick<z.infer<typeof StreamSchema>, "side_data_list" | "tags">): number {
  const fromMatrix = video.side_data_list?.find((entry) => entry.rotation !== undefined)?.rotation;
  const fromTag = Number(video.tags?.["rotate"]);
  const degrees = fromMatrix !== undefined ? fromMatrix : Number.isFinite(fromTag) ? fromTag : 0;
  const normalized = ((Math.round(degrees / 90) * 90) % 360 + 360) % 360;
  return normalized;
}

function frameRate(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const [num, den] = text.split("/").map(Number);
  if (num === undefined || !Number.isFinite(num) || num <= 0) return undefined;
  const value = den === undefined ? num : den > 0 ? num / den : NaN;
  return Number.isFinite(value) && value > 0 && value < 1000 ? Math.round(value * 1000) / 1000 : undefined;
}

/**
 * Decodes the first picture with ffmpeg (`-xerror` turns a decode error into a failure).
 * ffprobe reads only headers, so a file with a valid header and damaged data passes it and
 * then stalls a render: this catches it when the file is added.
 */
export async function checkFirstFrame(ffmpegPath: string, path: string, signal?: AbortSignal): Promise<void> {
  const args = ["-hide_banner", "-nostdin", "-v", "error", "-xerror", ...literalInputArgs(path), "-i", path, "-map", "0:v:0", "-frames:v", "1", "-f", "null", "-"];
  await new Promise<void>((resolve, reject) => {
    execFile(ffmpegPath, args, { timeout: 60_000, windowsHide: true, ...(signal ? { signal } : {}) }, (error, _stdout, stderr) => {
      if (!error) return resolve();
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "EACCES") return reject(ffmpegMissingError(ffmpegPath));
      if (code === "ABORT_ERR") return reject(new VideoMakerError("cancelled", "Reading the media was cancelled."));
      const reason = firstLine(stderr) ?? "the picture could not be decoded";
      reject(unreadable(path, `its picture data is damaged (${reason.replace(/^\[[^\]]*\]\s*/, "").split(`${path}: `).join("")})`));
    });
  });
}

function firstLine(text: string): string | undefined {
  const line = text.split(/\r?\n/).map((l) => l.trim()).find(Boolean);
  return line === undefined ? undefined : line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

function unreadable(path: string, why: string): VideoMakerError {
  return new VideoMakerError(
    "unsupported_file",
    `"${basename(path)}" could not be read as media: ${why}. The file may be damaged, incomplete or in a format ffmpeg does not know; try re-exporting it from the app that made it.`,
  );
}

const STREAM_FACTS = ["-v", "error", "-print_format", "json", "-show_format", "-show_streams"];

function runFfprobe(ffprobePath: string, path: string, signal?: AbortSignal, what: readonly string[] = STREAM_FACTS): Promise<string> {
  const args = [...what, ...literalInputArgs(path), "--", path];
  return new Promise((resolve, reject) => {
    execFile(
      ffprobePath,
      args,
      { maxBuffer: 16 * 1024 * 1024, timeout: 60_000, windowsHide: true, ...(signal ? { signal } : {}) },
      (error, stdout, stderr) => {
        if (!error) {
          resolve(stdout);
          return;
        }
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "EACCES") reject(ffmpegMissingError(ffprobePath, "ffprobe", "FFPROBE_PATH"));
        else if (code === "ABORT_ERR") reject(new VideoMakerError("cancelled", "Reading the media was cancelled."));
        else {
          const reason = lastLine(stderr) ?? "ffprobe could not open it";
          // ffprobe starts its message with the path ("/x/clip.mp4: Invalid data…"); the name is said already.
          reject(unreadable(path, reason.split(`${path}: `).join("").split(path).join(basename(path))));
        }
      },
    );
  });
}

function lastLine(text: string): string | undefined {
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  const line = lines[lines.length - 1];
  return line === undefined ? undefined : line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
