import { VideoMakerError, isVideoMakerError } from "../core/errors.js";
import type { MediaRecord } from "./media.js";

/**
 * ffmpeg's tail names a file by path when it cannot read it; say that in plain words first,
 * since the person can act on it (the file is damaged, or was replaced by another kind).
 */
export function explainRenderFailure(error: unknown, media: readonly MediaRecord[]): unknown {
  if (!isVideoMakerError(error) || error.code !== "local_render_failed") return error;
  const unreadable = media.filter((m) =>
    error.message.split("\n").some((line) => line.includes(m.path) && /Invalid data|moov atom not found|could not find codec|End of file|Error opening/i.test(line)),
  );
  if (unreadable.length === 0) return error;
  const names = unreadable.map((m) => `"${m.name}"`).join(", ");
  return new VideoMakerError(
    "local_render_failed",
    `${names} could not be read while rendering: the file may be damaged or incomplete. Replace it and upload it again (or remove the clips that use it). ${error.message}`,
  );
}
