import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { probeMedia } from "../../src/local/ffprobe.js";
import type { MediaFacts } from "../../src/local/media.js";

const run = promisify(execFile);

/**
 * Real media made by ffmpeg at test time, small so the whole local suite stays quick, and
 * helpers to look inside what the engine rendered (ffprobe facts, raw gray pixels).
 */

export async function tempDir(prefix = "vm-local-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function ffmpeg(args: string[]): Promise<void> {
  await run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", ...args]);
}

/**
 * An interview with pauses, as silencedetect finds them: talk.mp4 (media-1) has 1 s of speech
 * (a tone), a 1.5 s pause, 1 s, a 2 s pause, 1 s (6.5 s); broll.mp4 (media-2) 4 s with sound and
 * no pauses; photo.png (media-3).
 */
export async function makeInterview(dir: string): Promise<MediaFacts[]> {
  const at = (name: string): string => join(dir, name);
  const tone = (seconds: number) => ["-f", "lavfi", "-t", String(seconds), "-i", "sine=frequency=440:sample_rate=48000"];
  const hush = (seconds: number) => ["-f", "lavfi", "-t", String(seconds), "-i", "anullsrc=r=48000:cl=mono"];
  const x264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"];
  await Promise.all([
    ffmpeg([
      "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=15:duration=6.5",
      ...tone(1), ...hush(1.5), ...tone(1), ...hush(2), ...tone(1),
      "-filter_complex", "[1:a][2:a][3:a][4:a][5:a]concat=n=5:v=0:a=1[a]", "-map", "0:v", "-map", "[a]",
      ...x264, "-c:a", "aac", at("talk.mp4"),
    ]),
    ffmpeg(["-f", "lavfi", "-i", "testsrc=size=160x90:rate=15:duration=4", ...tone(4), ...x264, "-c:a", "aac", "-shortest", at("broll.mp4")]),
    ffmpeg(["-f", "lavfi", "-i", "testsrc=size=160x90", "-frames:v", "1", at("photo.png")]),
  ]);
  return Promise.all(
    ["talk.mp4", "broll.mp4", "photo.png"].map(async (name, i) => ({ id: `media-${i + 1}`, name, path: at(name), ...(await probeMedia("ffprobe", at(name))) })),
  );
}

export interface MediaSet {
  dir: string;
  /** testsrc2 320x180 @30, 2 s, 440 Hz tone. */
  clip: string;
  /** smptebars 320x180 @25, 2 s, no audio stream. */
  silentClip: string;
  /** A landscape 320x180 picture stored with rotation metadata: a phone's portrait clip (180x320 as shown). */
  portrait: string;
  /** Variable frame rate: 30 fps for a second, then 12 fps. */
  vfr: string;
  /** A single frame. */
  oneFrame: string;
  /** testsrc 400x300 as PNG. */
  photo: string;
  /** A phone's portrait photo: a 400x200 JPEG (white band on its left edge) with EXIF orientation 6, shown 200x400 (band on top). */
  sidewaysPhoto: string;
  /** 220 Hz, 3 s. */
  music: string;
  /** 3.5 s: tone, 1.5 s of silence from 1 s, tone again. */
  speech: string;
  /** Starts like an MP4 but the rest is garbage. */
  corrupt: string;
  /** A PNG whose header is fine and whose pixel data is not (bad zlib checksum). */
  damagedPng: string;
}

export async function makeMediaSet(dir?: string): Promise<MediaSet> {
  const root = dir ?? (await tempDir());
  const at = (name: string): string => join(root, name);
  const x264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"];
  const landscape = at("landscape.mp4");
  await Promise.all([
    ffmpeg([
      "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30:duration=2",
      "-f", "lavfi", "-i", "sine=frequency=440:duration=2",
      ...x264, "-c:a", "aac", "-shortest", at("clip.mp4"),
    ]),
    ffmpeg(["-f", "lavfi", "-i", "smptebars=size=320x180:rate=25:duration=2", ...x264, at("silent.mp4")]),
    ffmpeg(["-f", "lavfi", "-i", "testsrc=size=320x180:rate=30:duration=1", ...x264, landscape]),
    // 1 s at 30 fps, then 1 s at 12 fps, kept as they are (millisecond timestamps)
    ffmpeg([
      "-f", "lavfi", "-i", "testsrc=size=320x180:rate=30:duration=1",
      "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=12:duration=1",
      "-filter_complex", "[0:v][1:v]concat=n=2:v=1:a=0,settb=1/1000[v]", "-map", "[v]",
      "-fps_mode", "vfr", "-enc_time_base", "1/1000", ...x264, at("vfr.mkv"),
    ]),
    ffmpeg(["-f", "lavfi", "-i", "testsrc=size=320x180:rate=30", "-frames:v", "1", ...x264, at("one-frame.mp4")]),
    ffmpeg(["-f", "lavfi", "-i", "testsrc=size=400x300", "-frames:v", "1", at("photo.png")]),
    ffmpeg(["-f", "lavfi", "-i", "color=gray:size=400x200,drawbox=x=0:y=0:w=100:h=200:color=white:t=fill", "-frames:v", "1", at("stored-landscape.jpg")]),
    ffmpeg(["-f", "lavfi", "-i", "sine=frequency=220:duration=3", "-c:a", "aac", at("music.m4a")]),
    ffmpeg([
      "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30:duration=3.5",
      "-f", "lavfi", "-i", "aevalsrc=exprs='if(between(t,1,2.5),0,0.5*sin(2*PI*440*t))':s=48000:d=3.5",
      ...x264, "-c:a", "aac", "-shortest", at("speech.mp4"),
    ]),
  ]);
  await writeFile(at("sideways.jpg"), withExifOrientation(await readFile(at("stored-landscape.jpg")), 6));
  // ffmpeg 5.1 turns a `rotate` tag into a display matrix when it remuxes.
  await ffmpeg(["-i", landscape, "-c", "copy", "-metadata:s:v:0", "rotate=90", at("portrait.mp4")]);
  const garbage = Buffer.alloc(4096, 0x5a);
  Buffer.from("\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2", "latin1").copy(garbage);
  await writeFile(at("corrupt.mp4"), garbage);
  await writeFile(
    at("damaged.png"),
    Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5d6b5bb0000000049454e44ae426082", "hex"),
  );
  return {
    dir: root,
    clip: at("clip.mp4"),
    silentClip: at("silent.mp4"),
    portrait: at("portrait.mp4"),
    vfr: at("vfr.mkv"),
    oneFrame: at("one-frame.mp4"),
    photo: at("photo.png"),
    sidewaysPhoto: at("sideways.jpg"),
    music: at("music.m4a"),
    speech: at("speech.mp4"),
    corrupt: at("corrupt.mp4"),
    damagedPng: at("damaged.png"),
  };
}

/** A JPEG with an APP1 Exif segment holding only IFD0's Orientation tag, as a phone camera writes it. */
export function withExifOrientation(jpeg: Buffer, orientation: number): Buffer {
  if (jpeg.readUInt16BE(0) !== 0xffd8) throw new Error("not a JPEG");
  const tiff = Buffer.alloc(26);
  tiff.write("II*\0", 0, "latin1"); // little-endian TIFF header
  tiff.writeUInt32LE(8, 4); // IFD0 right after it
  tiff.writeUInt16LE(1, 8); // one entry:
  tiff.writeUInt16LE(0x0112, 10); // Orientation
  tiff.writeUInt16LE(3, 12); // SHORT
  tiff.writeUInt32LE(1, 14); // count 1
  tiff.writeUInt16LE(orientation, 18);
  tiff.writeUInt32LE(0, 22); // no next IFD
  const payload = Buffer.concat([Buffer.from("Exif\0\0", "latin1"), tiff]);
  const marker = Buffer.alloc(4);
  marker.writeUInt16BE(0xffe1, 0);
  marker.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), marker, payload, jpeg.subarray(2)]);
}

// --- looking at the output -------------------------------------------------------------------

export interface StreamInfo {
  codec_type: string;
  codec_name: string;
  profile?: string;
  pix_fmt?: string;
  width?: number;
  height?: number;
  r_frame_rate?: string;
  nb_frames?: string;
  duration?: string;
  sample_rate?: string;
  channels?: number;
}

export interface ProbeInfo {
  streams: StreamInfo[];
  format: { duration: string; format_name: string };
}

export async function probe(path: string): Promise<ProbeInfo> {
  const { stdout } = await run("ffprobe", ["-v", "error", "-print_format", "json", "-show_streams", "-show_format", path]);
  return JSON.parse(stdout) as ProbeInfo;
}

export function videoStream(info: ProbeInfo): StreamInfo {
  const stream = info.streams.find((s) => s.codec_type === "video");
  if (!stream) throw new Error("no video stream");
  return stream;
}

/** One frame as 8-bit gray pixels, `width`×`height` bytes. */
export async function grayFrame(path: string, atSeconds: number): Promise<Buffer> {
  const { stdout } = await run(
    "ffmpeg",
    ["-hide_banner", "-loglevel", "error", "-nostdin", "-ss", String(atSeconds), "-i", path, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", "-"],
    { encoding: "buffer", maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

/** The PNG's pixels as gray. */
export async function grayOfPng(png: Buffer, dir: string): Promise<Buffer> {
  const path = join(dir, `frame-${Date.now()}-${Math.random().toString(16).slice(2)}.png`);
  await writeFile(path, png);
  return grayFrame(path, 0);
}

export interface Region {
  x: number;
  y: number;
  w: number;
  h: number;
}

export function regionStats(pixels: Buffer, frameWidth: number, region: Region): { mean: number; max: number; min: number; stddev: number } {
  let sum = 0;
  let sumSq = 0;
  let max = 0;
  let min = 255;
  let count = 0;
  for (let y = region.y; y < region.y + region.h; y++) {
    for (let x = region.x; x < region.x + region.w; x++) {
      const value = pixels[y * frameWidth + x]!;
      sum += value;
      sumSq += value * value;
      max = Math.max(max, value);
      min = Math.min(min, value);
      count++;
    }
  }
  const mean = sum / count;
  return { mean, max, min, stddev: Math.sqrt(Math.max(0, sumSq / count - mean * mean)) };
}

/** Average difference between two frames inside a region, 0–255. */
export function meanAbsDiff(a: Buffer, b: Buffer, frameWidth: number, region: Region): number {
  let sum = 0;
  for (let y = region.y; y < region.y + region.h; y++) {
    for (let x = region.x; x < region.x + region.w; x++) sum += Math.abs(a[y * frameWidth + x]! - b[y * frameWidth + x]!);
  }
  return sum / (region.w * region.h);
}

/** Facts as the workspace would register them, for pure tests. */
export function fakeMedia(overrides: Partial<MediaFacts> & Pick<MediaFacts, "id" | "name">): MediaFacts {
  return {
    path: `/media/${overrides.name}`,
    kind: "video",
    duration_ms: 10_000,
    width: 1920,
    height: 1080,
    rotation: 0,
    fps: 30,
    has_audio: true,
    has_video: true,
    ...overrides,
  };
}

