import { execFile, spawn } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * Media whose every frame says where it comes from, and measures of a rendered file: what the
 * project tests compare between the engine's export and melt's rendering of the project.
 */

/**
 * A clip whose brightness climbs by `step` each frame (Y = 20 + step·n, flat picture, chroma
 * `u`/`v`), with a sine of `hz`: one frame's brightness tells which source frame it is, the
 * chroma which clip.
 */
export async function rampClip(dir: string, name: string, o: { frames: number; u: number; v: number; hz: number; step?: number }): Promise<string> {
  const path = join(dir, name);
  const seconds = (o.frames / 30).toFixed(4);
  await run("ffmpeg", [
    "-hide_banner", "-loglevel", "error", "-y",
    "-f", "lavfi", "-i", `color=c=gray:s=320x180:r=30:d=${seconds},format=yuv444p,geq=lum='20+${o.step ?? 2}*N':cb=${o.u}:cr=${o.v},format=yuv420p`,
    "-f", "lavfi", "-i", `sine=frequency=${o.hz}:sample_rate=48000:duration=${seconds}`,
    "-c:v", "libx264", "-qp", "0", "-g", "1", "-c:a", "pcm_s16le", "-shortest", path,
  ]);
  return path;
}

/** A flat PNG picture of one colour. */
export async function flatPicture(dir: string, name: string, colour: string, size = "320x180"): Promise<string> {
  const path = join(dir, name);
  await run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", `color=c=${colour}:s=${size}`, "-frames:v", "1", path]);
  return path;
}

/** A sine, for music. */
export async function tone(dir: string, name: string, hz: number, seconds: number): Promise<string> {
  const path = join(dir, name);
  await run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", `sine=frequency=${hz}:sample_rate=48000:duration=${seconds}`, "-c:a", "pcm_s16le", path]);
  return path;
}

export interface FrameMeans {
  y: number;
  u: number;
  v: number;
  /** The same over the top-right quarter (where the test's logo goes). */
  corner: { y: number; u: number; v: number };
}

/** Every frame's mean Y, U and V (the picture shrunk to 32×18, 4:4:4). */
export async function frameMeans(file: string): Promise<FrameMeans[]> {
  const raw = await capture("ffmpeg", ["-hide_banner", "-loglevel", "error", "-i", file, "-map", "0:v:0", "-vf", "scale=32:18:flags=area,format=yuv444p", "-f", "rawvideo", "-"]);
  const plane = 32 * 18;
  const frames: FrameMeans[] = [];
  for (let offset = 0; offset + 3 * plane <= raw.length; offset += 3 * plane) {
    const mean = (p: number, inCorner = false): number => {
      let [sum, count] = [0, 0];
      for (let i = 0; i < plane; i++) {
        if (inCorner && (i % 32 < 16 || Math.floor(i / 32) >= 9)) continue;
        sum += raw[offset + p * plane + i]!;
        count++;
      }
      return sum / count;
    };
    frames.push({ y: mean(0), u: mean(1), v: mean(2), corner: { y: mean(0, true), u: mean(1, true), v: mean(2, true) } });
  }
  return frames;
}

/** RMS level (dBFS) of the sound, mono, over [at, at + seconds). */
export async function rmsDb(file: string, at: number, seconds = 0.1): Promise<number> {
  const raw = await capture("ffmpeg", ["-hide_banner", "-loglevel", "error", "-ss", String(at), "-i", file, "-t", String(seconds), "-map", "0:a:0", "-ac", "1", "-ar", "48000", "-f", "f32le", "-"]);
  const samples = new Float32Array(raw.buffer, raw.byteOffset, Math.floor(raw.length / 4));
  let sum = 0;
  for (const s of samples) sum += s * s;
  return 10 * Math.log10(sum / Math.max(1, samples.length) + 1e-12);
}

function capture(command: string, args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    let errors = "";
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`${command} failed (${code}): ${errors.slice(0, 500)}`))));
  });
}

/** melt renders a project to a lossless file (FFV1 + PCM in Matroska), at the project's own profile. */
export async function meltRender(melt: string, project: string, out: string): Promise<void> {
  await run(melt, ["-quiet", project, "-consumer", `avformat:${out}`, "vcodec=ffv1", "acodec=pcm_s16le", "ar=48000", "channels=2", "real_time=-1", "threads=1"], { timeout: 120_000 });
}

/** A tone whose level climbs from a fifth to full over its length: where a loop starts again is heard. */
export async function risingTone(dir: string, name: string, hz: number, seconds: number): Promise<string> {
  const path = join(dir, name);
  await run("ffmpeg", [
    "-hide_banner", "-loglevel", "error", "-y",
    "-f", "lavfi", "-i", `sine=frequency=${hz}:sample_rate=48000:duration=${seconds},volume='0.2+0.8*t/${seconds}':eval=frame`,
    "-c:a", "pcm_s16le", path,
  ]);
  return path;
}
