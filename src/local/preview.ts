import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Trace } from "../core/debug.js";
import type { Draft } from "../core/draft.js";
import { VideoMakerError } from "../core/errors.js";
import { compileRender } from "./compile.js";
import { type FfmpegFeatures, runFfmpeg } from "./ffmpeg.js";
import type { Charset } from "./font-coverage.js";
import { readFormat } from "./format.js";
import type { MediaFacts } from "./media.js";
import { readTimeline, videoEndMs } from "./timeline.js";

/**
 * One frame of the timeline as a PNG, so a host can look before exporting. It is compiled
 * from the same graph as the export (at most 640 px on its long side), with everything not
 * on screen at that moment replaced by black so only one or two clips are decoded.
 */

export const PREVIEW_MAX_SIDE = 640;
/** A preview decodes one or two clips; anything near this long is stuck, not slow. */
const PREVIEW_TIMEOUT_MS = 120_000;

export interface PreviewRequest {
  ffmpegPath: string;
  draft: Draft;
  media: readonly MediaFacts[];
  atSeconds: number;
  /** The frame's long side in pixels (default 640), at most the export's own. */
  maxSide?: number;
  features?: FfmpegFeatures;
  fontFile?: string;
  cjkFontFile?: string;
  fontCoverage?: ReadonlyMap<string, Charset>;
  signal?: AbortSignal;
  trace?: Trace;
}

export interface PreviewFrame {
  png: Buffer;
  width: number;
  height: number;
  /** The time actually shown (clamped to the last frame, snapped to a frame). */
  atSeconds: number;
}

export function previewSize(width: number, height: number, maxSide = PREVIEW_MAX_SIDE): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  const even = (n: number): number => Math.max(2, Math.round((n * scale) / 2) * 2);
  return { width: even(width), height: even(height) };
}

export async function previewFrame(request: PreviewRequest): Promise<PreviewFrame> {
  if (!Number.isFinite(request.atSeconds) || request.atSeconds < 0) {
    throw new VideoMakerError("invalid_input", "at_seconds must be a time of 0 or more, in seconds.");
  }
  // A moment past the end is a mistake to report, not the last frame to show as if it were asked for.
  const endMs = videoEndMs(readTimeline(request.draft));
  const frameMs = 1000 / readFormat(request.draft).fps;
  if (endMs > 0 && request.atSeconds * 1000 > endMs + frameMs / 2) {
    const end = Math.round(endMs / 100) / 10;
    throw new VideoMakerError("invalid_input", `The video is ${end} s long: choose a moment from 0 to ${end} seconds.`);
  }
  const format = readFormat(request.draft);
  const size = previewSize(format.width, format.height, request.maxSide);
  const workDir = await mkdtemp(join(tmpdir(), "video-maker-preview-"));
  try {
    const outputPath = join(workDir, "frame.png");
    const compiled = compileRender(request.draft, request.media, {
      outputPath,
      workDir,
      ...size,
      previewAtMs: request.atSeconds * 1000,
      ...(request.features ? { features: request.features } : {}),
      ...(request.fontFile ? { fontFile: request.fontFile } : {}),
      ...(request.cjkFontFile ? { cjkFontFile: request.cjkFontFile } : {}),
      ...(request.fontCoverage ? { fontCoverage: request.fontCoverage } : {}),
    });
    for (const file of compiled.textFiles) await writeFile(file.path, file.content, { mode: 0o600 });
    await runFfmpeg(request.ffmpegPath, compiled.args, {
      activity: "preview",
      timeoutMs: PREVIEW_TIMEOUT_MS,
      ...(request.signal ? { signal: request.signal } : {}),
      ...(request.trace ? { trace: request.trace } : {}),
    });
    const png = await readFile(outputPath);
    return { png, ...size, atSeconds: Math.round(compiled.shownAtMs ?? 0) / 1000 };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
