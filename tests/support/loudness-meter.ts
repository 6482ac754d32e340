import { execFile } from "node:child_process";
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
