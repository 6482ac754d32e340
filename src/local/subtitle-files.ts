import { readFile, stat } from "node:fs/promises";
import { basename, extname, resolve } from "node:path";
import type { RejectedInput, UploadedMedia } from "../core/backend.js";
import { VideoMakerError, isVideoMakerError } from "../core/errors.js";
import { parseSubtitles } from "./subtitles.js";

/**
 * Subtitle files (.srt, .vtt) are not media to probe: add_subtitles reads them when it runs.
 * Upload checks them so a person who hands one over hears at once whether it can be used.
 */

const MAX_SUBTITLE_BYTES = 5 * 1024 * 1024;

export function isSubtitlePath(path: string): boolean {
  return [".srt", ".vtt"].includes(extname(path).toLowerCase());
}

export async function readSubtitleFile(path: string): Promise<string> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new VideoMakerError("not_a_file", `${path} is not a file.`);
    if (info.size > MAX_SUBTITLE_BYTES) throw new VideoMakerError("file_too_large", `${path} is too large for a subtitle file.`);
    return await readFile(path, "utf8");
  } catch (error) {
    if (isVideoMakerError(error)) throw error;
    throw new VideoMakerError("file_not_found", `The subtitle file ${path} cannot be read (missing or not permitted).`);
  }
}

/** Each file read and parsed: usable ones are listed as uploaded, the others with the reason. */
export async function checkSubtitleFiles(paths: readonly string[]): Promise<{ uploaded: UploadedMedia[]; rejected: RejectedInput[] }> {
  const uploaded: UploadedMedia[] = [];
  const rejected: RejectedInput[] = [];
  for (const input of paths) {
    try {
      const cues = parseSubtitles(await readSubtitleFile(resolve(input)));
      if (cues.length === 0) rejected.push({ input, reason: "No subtitles were found in this file." });
      else uploaded.push({ name: basename(input), type: "other", durationSeconds: Math.round(cues.at(-1)!.endMs) / 1000 });
    } catch (error) {
      rejected.push({ input, reason: isVideoMakerError(error) ? error.message : "The file could not be read." });
    }
  }
  return { uploaded, rejected };
}
