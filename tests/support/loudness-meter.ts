import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** ffmpeg's own EBU R128 meter (ebur128 with true peak) on a file's sound, or a span of it: not the code under test. */
export async function meter(path: string, span?: { from: number; to: number }): Promise<{ lufs: number; dbtp: number }> {
  const { stderr } = await run("ffmpeg", [
    "-hide_banner", "-nostats",
    ...(span ? ["-ss", String(span.from), "-t", String(span.to - span.from)] : []),
    "-i", path, "-map", "0:a:0", "-af", "ebur128=peak=true:framelog=verbose", "-f", "null", "-",
  ]);
  const summary = stderr.slice(stderr.lastIndexOf("Summary:"));
  const lufs = Number(/I:\s*(-?[\d.]+) LUFS/.exec(summary)?.[1]);
  const peak = /Peak:\s*(-?[\d.]+|-inf) dBFS/.exec(summary)?.[1];
  return { lufs, dbtp: peak === "-inf" ? Number.NEGATIVE_INFINITY : Number(peak) };
}

/** A 320x180 clip whose sound is pink noise with a tone, at `gainDb` (0: about −21 LUFS). */
export async function soundClip(dir: string, name: string, gainDb: number, seconds = 4): Promise<string> {
  const path = join(dir, name);
  await run("ffmpeg", [
    "-hide_banner", "-loglevel", "error", "-y",
    "-f", "lavfi", "-i", `testsrc=size=320x180:rate=15:duration=${seconds}`,
    "-f", "lavfi", "-i", `anoisesrc=color=pink:amplitude=0.2:duration=${seconds}:seed=7`,
    "-f", "lavfi", "-i", `sine=frequency=330:duration=${seconds}`,
    "-filter_complex", `[1][2]amix=inputs=2:normalize=0,volume=${gainDb}dB,aformat=channel_layouts=stereo[a]`,
    "-map", "0:v", "-map", "[a]", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "192k", "-shortest", path,
  ]);
  return path;
}
