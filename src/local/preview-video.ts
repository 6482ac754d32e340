import { createHash, randomBytes } from "node:crypto";
import { readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import type { PreviewVideo as CorePreviewVideo } from "../core/backend.js";
import { ensurePrivateDir } from "../core/store.js";
import { compileRender } from "./compile.js";
import type { Mp4Encoding } from "./compile-context.js";
import { runFfmpeg } from "./ffmpeg.js";
import { readFormat } from "./format.js";
import type { MediaRecord } from "./media.js";
import { type PreviewRequest, engineOptions, previewSize, runOptions } from "./preview.js";

/**
 * The preview rendition: the whole timeline as a small, fast MP4 (540p for 16:9, ultrafast
 * x264 at a high CRF, its bitrate capped) that a host's player receives through resources/read. It is compiled
 * from the same graph as the export, only smaller, so what plays is what will be exported.
 * One per session, kept beside a fingerprint of the draft and the media it was made from:
 * asking again for an unchanged timeline returns the same file at once.
 */

/** 960 px on the long side: 960×540 for 16:9, 540×960 for 9:16. */
export const PREVIEW_VIDEO_MAX_SIDE = 960;
/**
 * 850 kb/s of video at most: a 60 s preview stays under 8 MB with its sound (bench/README.md:
 * uncapped, CRF 30 alone made 11.4 MB of the promo), so a host passes it to the player whole.
 */
export const PREVIEW_ENCODING: Mp4Encoding = { preset: "ultrafast", crf: 30, audioBitrate: "96k", maxVideoKbps: 850 };

/** What a frame preview is given (the engine, the draft, the fonts), for the whole timeline. */
export interface PreviewVideoRequest extends Omit<PreviewRequest, "atSeconds" | "maxSide" | "media"> {
  /** Private folder the renditions live in (one file per session). */
  dir: string;
  sessionId: string;
  media: readonly MediaRecord[];
  onProgress?: (fraction: number) => void;
}

/** The backend's answer without the session, which the caller knows. */
export type PreviewVideo = Omit<CorePreviewVideo, "sessionId">;

export function previewVideoPath(dir: string, sessionId: string): string {
  return join(dir, `${sessionId}.mp4`);
}

/**
 * Removes the renditions of every session but `keepSessionId`: a preview is a cache of its
 * session, and a new session would otherwise leave the old one's (up to ~8 MB) behind for ever.
 * Renders in progress (work folders, `.part` files) are left to finish or fail on their own.
 */
export async function removeOtherPreviews(dir: string, keepSessionId: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const kept = basename(previewVideoPath(dir, keepSessionId));
  await Promise.all(
    names
      .filter((name) => (name.endsWith(".mp4") || name.endsWith(".mp4.json")) && !name.startsWith(kept))
      .map((name) => rm(join(dir, name), { force: true })),
  );
}

export async function renderPreviewVideo(request: PreviewVideoRequest): Promise<PreviewVideo> {
  const file = previewVideoPath(request.dir, request.sessionId);
  const sidecar = `${file}.json`;
  const fingerprint = fingerprintOf(request);
  const kept = await readKept(sidecar, file);
  if (kept && kept.fingerprint === fingerprint) return { ...kept.video, file, reused: true };

  await ensurePrivateDir(request.dir);
  const format = readFormat(request.draft);
  const size = previewSize(format.width, format.height, PREVIEW_VIDEO_MAX_SIDE);
  const workDir = join(request.dir, `work-${randomBytes(4).toString("hex")}`);
  const tempPath = `${file}.${randomBytes(4).toString("hex")}.part`;
  await ensurePrivateDir(workDir);
  try {
    const compiled = compileRender(request.draft, request.media, {
      outputPath: tempPath,
      workDir,
      ...size,
      encoding: PREVIEW_ENCODING,
      ...engineOptions(request),
    });
    for (const textFile of compiled.textFiles) await writeFile(textFile.path, textFile.content, { mode: 0o600 });
    await runFfmpeg(request.ffmpegPath, compiled.args, {
      activity: "preview",
      durationMs: compiled.durationMs,
      ...runOptions(request),
      ...(request.onProgress ? { onProgress: request.onProgress } : {}),
    });
    // Two previews at once each write their own part; the last rename wins whole.
    await rename(tempPath, file);
    const { size: bytes } = await stat(file);
    const video = { bytes, durationSeconds: compiled.durationMs / 1000, ...size };
    await writeFile(sidecar, JSON.stringify({ fingerprint, video }), { mode: 0o600 });
    return { ...video, file, reused: false };
  } finally {
    await rm(tempPath, { force: true });
    await rm(workDir, { recursive: true, force: true });
  }
}

/** The draft, and each used file's identity (path, size, time): an edited or replaced clip makes a new preview. */
function fingerprintOf(request: PreviewVideoRequest): string {
  const media = request.media.map((m) => [m.id, m.path, m.size, m.mtime_ms]);
  return createHash("sha256").update(JSON.stringify([request.draft, media, PREVIEW_ENCODING, PREVIEW_VIDEO_MAX_SIDE])).digest("hex");
}

type KeptVideo = Omit<PreviewVideo, "file" | "reused">;

async function readKept(sidecar: string, file: string): Promise<{ fingerprint: string; video: KeptVideo } | undefined> {
  try {
    const kept = JSON.parse(await readFile(sidecar, "utf8")) as { fingerprint?: unknown; video?: KeptVideo };
    const { size } = await stat(file);
    if (typeof kept.fingerprint !== "string" || !kept.video || kept.video.bytes !== size) return undefined;
    return { fingerprint: kept.fingerprint, video: kept.video };
  } catch {
    return undefined;
  }
}
