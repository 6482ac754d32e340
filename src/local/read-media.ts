import { stat } from "node:fs/promises";
import type { OperationContext, RejectedInput } from "../core/backend.js";
import { isVideoMakerError } from "../core/errors.js";
import { inspectLocalMedia } from "../core/media-files.js";
import { checkFirstFrame, probeMedia } from "./ffprobe.js";
import { type NewMedia, hashFile } from "./workspace.js";

/**
 * Checks, probes and hashes files on this computer: what the registry will hold about each.
 * A file that cannot be used is rejected with the reason; nothing is registered here.
 */
export async function readMediaFiles(
  tools: { ffmpegPath: string; ffprobePath: string },
  paths: readonly string[],
  context: OperationContext = {},
): Promise<{ ready: NewMedia[]; rejected: RejectedInput[] }> {
  const rejected: RejectedInput[] = [];
  const ready: NewMedia[] = [];
  const seen = new Set<string>();
  for (const [index, input] of paths.entries()) {
    // Nothing is uploaded in local mode: any size ffmpeg can read and the disk holds is fine.
    const check = await inspectLocalMedia(input, Number.POSITIVE_INFINITY);
    if (!check.ok) {
      rejected.push({ input, reason: check.reason });
      continue;
    }
    const { file } = check;
    if (seen.has(file.path)) {
      rejected.push({ input, reason: "The same file is listed twice." });
      continue;
    }
    seen.add(file.path);
    context.onProgress?.({ stage: "upload", message: `reading ${index + 1}/${paths.length}: ${file.name}`, fraction: index / paths.length });
    try {
      const facts = await probeMedia(tools.ffprobePath, file.path, context.signal);
      if (facts.has_video) await checkFirstFrame(tools.ffmpegPath, file.path, context.signal);
      const info = await stat(file.path);
      const sha256 = await hashFile(file.path, context.signal);
      ready.push({ ...facts, path: file.path, name: file.name, size: info.size, mtime_ms: info.mtimeMs, sha256 });
    } catch (error) {
      if (isVideoMakerError(error) && error.code === "unsupported_file") rejected.push({ input, reason: error.message });
      else throw error;
    }
  }
  return { ready, rejected };
}
