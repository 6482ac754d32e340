import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Real media made at test time: ffmpeg for video and audio, a real PNG for images. */

export async function makeVideo(dir: string, name = "clip.mp4", seconds = 1): Promise<string> {
  const path = join(dir, name);
  await run("ffmpeg", [
    "-hide_banner", "-loglevel", "error", "-y",
    "-f", "lavfi", "-i", `testsrc=size=160x90:rate=10:duration=${seconds}`,
    "-f", "lavfi", "-i", `sine=frequency=440:duration=${seconds}`,
    "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", path,
  ]);
  return path;
}

export async function makeAudio(dir: string, name = "music.mp3", seconds = 1): Promise<string> {
  const path = join(dir, name);
  await run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", `sine=frequency=220:duration=${seconds}`, path]);
  return path;
}

/** A 1×1 PNG, byte for byte. */
const PNG_1X1 = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f00050001ff56c72f0d0000000049454e44ae426082",
  "hex",
);

export async function makePng(dir: string, name = "photo.png"): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, PNG_1X1);
  return path;
}
