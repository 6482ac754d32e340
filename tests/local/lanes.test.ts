import { execFile } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import type { Draft } from "../../src/core/draft.js";
import { type CompileOptions, type CompiledRender, compileRender } from "../../src/local/compile.js";
import { type FfmpegFeatures, probeFfmpeg, runFfmpeg } from "../../src/local/ffmpeg.js";
import { probeMedia } from "../../src/local/ffprobe.js";
import type { MediaFacts } from "../../src/local/media.js";
import { fakeMedia, probe, tempDir, videoStream } from "./fixtures.js";

const run = promisify(execFile);

// Clips cut from one file in the order of its footage share one input (a lane): one decoder,
// one fit, however many cuts. These tests hold the lanes to what one input per clip gave.

type Seg = Record<string, unknown>;
const clip = (id: string, src: string, st: number, d: number, inMs: number, extra: Seg = {}): Seg => ({ id, n: `${src}.mp4`, src, st, d, in: inMs, ...extra });
const draftOf = (video: Seg[]): Draft => ({ t: [{ tt: 0, sg: video }] }) as Draft;
const inputsOf = (out: CompiledRender): string[] => out.args.flatMap((arg, i) => (arg === "-i" ? [out.args[i + 1]!] : []));

/** `n` cuts of one file, each 1 s, every other second of its footage: a recording with its pauses cut. */
function pauseCut(n: number, src = "rec"): Draft {
  return draftOf(Array.from({ length: n }, (_, k) => clip(`clip-${k + 1}`, src, k * 1000, 1000, 500 + k * 2000)));
}

describe("lanes (pure)", () => {
  const rec = fakeMedia({ id: "rec", name: "rec.mp4", duration_ms: 400_000 });
  const options: CompileOptions = { outputPath: "/out/x.mp4", workDir: "/w" };

  it("a recording cut into 150 pieces is one input and one piece, with no split and a graph that does not grow per cut", () => {
    const few = compileRender(pauseCut(10), [rec], options);
    const many = compileRender(pauseCut(150), [rec], options);
    expect(inputsOf(many)).toEqual(["/media/rec.mp4"]);
    expect(many.filtergraph).not.toMatch(/(?<![a-z])a?split=/);
    expect(many.filtergraph).not.toContain("v=1:a=1"); // one piece: nothing to concatenate
    // The cuts live in expressions and cut points; only the sound's parts (two per cut) add filters.
    const filters = (out: CompiledRender): number => out.filtergraph.replace(/'[^']*'/g, "").split(/[;,]/).length;
    expect(filters(many) - filters(few)).toBeLessThanOrEqual(2 * 140 + 2);
    // Read from just before the first cut (0.5 s in), once.
    expect(many.args.slice(many.args.indexOf("-i") - 4, many.args.indexOf("-i") - 2)).toEqual(["-ss", "0.4"]);
    expect(many.durationMs).toBe(150_000);
  });

  it("cuts that go back in the footage, or overlap, get inputs of their own", () => {
    const draft = draftOf([clip("clip-1", "rec", 0, 1000, 5000), clip("clip-2", "rec", 1000, 1000, 7000), clip("clip-3", "rec", 2000, 1000, 1000), clip("clip-4", "rec", 3000, 1000, 7500)]);
    const out = compileRender(draft, [rec], options);
    // clip-1 → clip-2 → clip-4 would overlap clip-2 (7.5 s < 8 s): clip-1 + clip-2 share one, clip-3 + clip-4 another.
    expect(inputsOf(out)).toHaveLength(2);
  });

  it("a photo used again with the same fit and motion is decoded once", () => {
    const photo = fakeMedia({ id: "photo", name: "photo.jpg", kind: "image", width: 4000, height: 3000, has_audio: false });
    const still = (id: string, st: number, extra: Seg = {}): Seg => ({ id, n: "photo.jpg", src: "photo", st, d: 2000, in: 0, ...extra });
    const draft = draftOf([still("image-1", 0), clip("clip-1", "rec", 2000, 1000, 0), still("image-2", 3000, { tr: { type: "fade", d: 500 } }), still("image-3", 4500, { kb: "zoom_in" })]);
    const out = compileRender(draft, [rec, photo], options);
    // image-1 and image-2 share one input; image-3 (fitted larger for its zoom) has its own.
    expect(inputsOf(out).filter((path) => path === "/media/photo.jpg")).toHaveLength(2);
    expect(out.filtergraph).toMatch(/split=2\[ph\d+\]\[ph\d+\]/);
  });

  it("an ffmpeg without asegment gets an input per clip", () => {
    const features: FfmpegFeatures = {
      path: "ffmpeg",
      version: "4.3",
      available: new Set(["libx264", "aac", "scale", "fps", "tpad", "crop", "concat", "apad", "atrim", "anullsrc"]),
      transitions: new Set(),
    };
    expect(inputsOf(compileRender(pauseCut(5), [rec], { ...options, features }))).toHaveLength(5);
  });
});

describe("lanes in ffmpeg", () => {
  let dir: string;
  let facts: MediaFacts[];
  let features: FfmpegFeatures;

  // 12 s, 30 fps, 160x90: black, with a white frame and a 1 kHz beep (50 ms) at every whole second.
  beforeAll(async () => {
    dir = await tempDir("vm-lanes-");
    features = await probeFfmpeg("ffmpeg");
    const make = async (name: string): Promise<MediaFacts> => {
      const path = join(dir, `${name}.mp4`);
      await run("ffmpeg", [
        "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
        "-f", "lavfi", "-i", "color=c=black:s=160x90:r=30:d=12,drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='eq(mod(n,30),0)'",
        "-f", "lavfi", "-i", "aevalsrc='if(lt(mod(t,1),0.05),0.8*sin(2*PI*1000*t),0)':s=48000:d=12",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", path,
      ]);
      return { id: name, name, path, ...(await probeMedia("ffprobe", path)) };
    };
    const photo = join(dir, "photo.png");
    await run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "testsrc=size=400x300", "-frames:v", "1", photo]);
    facts = [...(await Promise.all([make("a"), make("b")])), { id: "photo", name: "photo.png", path: photo, ...(await probeMedia("ffprobe", photo)) }];
  }, 60_000);

  async function render(draft: Draft, name: string, extra: Partial<CompileOptions> = {}): Promise<{ path: string; out: CompiledRender }> {
    const work = join(dir, `${name}-work`);
    await mkdir(work, { recursive: true });
    const path = join(dir, `${name}.mp4`);
    const out = compileRender(draft, facts, { outputPath: path, workDir: work, features, width: 160, height: 90, ...extra });
    await runFfmpeg("ffmpeg", out.args, { durationMs: out.durationMs });
    return { path, out };
  }

  /** Seconds of each white frame, and of each beep's start, in a rendered file. */
  async function flashesAndBeeps(path: string): Promise<{ flashes: number[]; beeps: number[] }> {
    const { stdout } = await run("ffmpeg", ["-hide_banner", "-nostdin", "-i", path, "-an", "-vf", "signalstats,metadata=print:key=lavfi.signalstats.YAVG:file=-", "-f", "null", "-"], { maxBuffer: 64 * 1024 * 1024 });
    const flashes: number[] = [];
    let time = 0;
    for (const line of stdout.split("\n")) {
      const at = /pts_time:([\d.]+)/.exec(line);
      if (at) time = Number(at[1]);
      const luma = /YAVG=([\d.]+)/.exec(line);
      if (luma && Number(luma[1]) > 128) flashes.push(time);
    }
    const { stderr } = await run("ffmpeg", ["-hide_banner", "-nostdin", "-i", path, "-vn", "-af", "silencedetect=n=-30dB:d=0.02", "-f", "null", "-"], { maxBuffer: 64 * 1024 * 1024 });
    // A file ending in silence reports one more silence_end, at its end.
    const end = Number(/Duration: (\d+):(\d+):([\d.]+)/.exec(stderr)!.slice(1).reduce((s, v) => String(Number(s) * 60 + Number(v))));
    const beeps = [...stderr.matchAll(/silence_end: ([\d.]+)/g)].map((m) => Number(m[1])).filter((at) => at < end - 0.03);
    return { flashes, beeps };
  }

  it("keeps sound and picture together within 45 ms through every cut, across lanes, transitions and a cut back", async () => {
    // Eleven cuts, each around one whole second of the footage (in-points off the frame grid),
    // alternating between two files (two lanes), fades and a dissolve at some joins, and a last
    // cut that goes back in the footage (an input of its own).
    const video: Seg[] = [];
    let at = 0;
    for (let k = 0; k < 11; k++) {
      const inMs = 1000 * k + 750 + (k % 3) * 13;
      const d = 550 + (k % 4) * 37;
      const tr = k === 3 || k === 7 ? { tr: { type: "fade", d: 200 } } : k === 9 ? { tr: { type: "dissolve", d: 200 } } : {};
      video.push(clip(`clip-${k + 1}`, k % 2 ? "b" : "a", at, d, inMs, tr));
      at += d - ("tr" in tr ? 200 : 0);
    }
    video.push(clip("clip-12", "a", at, 600, 2750));
    const { path, out } = await render(draftOf(video), "sync");
    expect(inputsOf(out)).toHaveLength(3);
    const { flashes, beeps } = await flashesAndBeeps(path);
    expect(flashes).toHaveLength(12);
    expect(beeps).toHaveLength(12);
    flashes.forEach((flash, k) => expect(Math.abs(beeps[k]! - flash)).toBeLessThanOrEqual(0.045));
    const video0 = videoStream(await probe(path));
    expect(Number(video0.nb_frames)).toBe(Math.round((out.durationMs * 30) / 1000));
  }, 120_000);

  it("renders 150 cuts of one file from one input, every frame and sample in place", async () => {
    // Two frames every 80 ms of footage: 300 frames, 10 s of sound, one decoder.
    const draft = draftOf(Array.from({ length: 150 }, (_, k) => clip(`clip-${k + 1}`, "a", Math.round((k * 200) / 3), Math.round(((k + 1) * 200) / 3) - Math.round((k * 200) / 3), 100 + k * 80)));
    const { path, out } = await render(draft, "many");
    expect(inputsOf(out)).toHaveLength(1);
    const info = await probe(path);
    expect(Number(videoStream(info).nb_frames)).toBe(300);
    const audio = info.streams.find((s) => s.codec_type === "audio");
    expect(Math.abs(Number(audio?.duration) - 10)).toBeLessThan(0.03);
  }, 120_000);

  it("renders a shared photo and clips of one file between fades and wipes, every frame in place", async () => {
    // A photo twice (one input), a file cut three times (a wipe between two of its cuts splits
    // them into two inputs: a transition never blends two pieces of one lane).
    const still = (id: string, st: number, extra: Seg = {}): Seg => ({ id, n: "photo.png", src: "photo", st, d: 1000, in: 0, ...extra });
    const draft = draftOf([
      still("image-1", 0),
      clip("clip-1", "a", 800, 1000, 750, { tr: { type: "fade", d: 200 } }),
      clip("clip-2", "a", 1600, 1000, 2750, { tr: { type: "wipeleft", d: 200 } }),
      still("image-2", 2400, { tr: { type: "slideleft", d: 200 } }),
      clip("clip-3", "a", 3200, 1000, 5750, { tr: { type: "dissolve", d: 200 } }),
    ]);
    const { path, out } = await render(draft, "mixed");
    expect(out.durationMs).toBe(4200);
    expect(inputsOf(out).filter((p) => p.endsWith("photo.png"))).toHaveLength(1);
    const info = await probe(path);
    expect(Number(videoStream(info).nb_frames)).toBe(126);
    const audio = info.streams.find((s) => s.codec_type === "audio");
    expect(Math.abs(Number(audio?.duration) - 4.2)).toBeLessThan(0.03);
  }, 120_000);

  it("draws the same frames as an input per clip, cut for cut", async () => {
    // In-points on the frame grid: each cut opens on the same frame either way.
    const draft = draftOf(Array.from({ length: 8 }, (_, k) => clip(`clip-${k + 1}`, "a", k * 400, 400, Math.round((1000 * (3 * k + 2)) / 6))));
    const laned = await render(draft, "laned");
    const plain = await render(draft, "plain", { features: { ...features, available: new Set([...features.available].filter((f) => f !== "asegment")) } });
    expect(inputsOf(laned.out)).toHaveLength(1);
    expect(inputsOf(plain.out)).toHaveLength(8);
    const frames = async (path: string): Promise<string[]> =>
      (await run("ffmpeg", ["-hide_banner", "-nostdin", "-i", path, "-an", "-f", "framemd5", "-"], { maxBuffer: 16 * 1024 * 1024 })).stdout.split("\n").filter((l) => /^0,/.test(l)).map((l) => l.split(",").pop()!.trim());
    expect(await frames(laned.path)).toEqual(await frames(plain.path));
  }, 120_000);
});
