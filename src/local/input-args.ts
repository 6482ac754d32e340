import { extname } from "node:path";

/**
 * How a media file is named to ffmpeg and ffprobe so that its name means only that file.
 * Paths are absolute (so `-i.mp4` or `--help.mp4` cannot pass for an option) and still
 * pictures go through the image2 demuxer with patterns off: by default it reads `%d` in a
 * name as a frame number, so "a%d.png" would open a0.png (another file) or nothing at all.
 */

const STILL_PICTURES = new Set([".png", ".jpg", ".jpeg", ".webp"]);

export function literalInputArgs(path: string): string[] {
  return STILL_PICTURES.has(extname(path).toLowerCase()) ? ["-f", "image2", "-pattern_type", "none"] : [];
}
