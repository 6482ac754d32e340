import { execFile } from "node:child_process";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import type { LoudnessSetting } from "../../src/core/loudness.js";
import { LocalBackend } from "../../src/local/backend.js";
import { meter, soundClip as clip } from "../support/loudness-meter.js";
import { tempDir } from "./fixtures.js";

/**
 * Exports are delivered at a loudness target, checked by ffmpeg's own meter (ebur128 with true
 * peak) on the finished MP4: a quiet and a loud project both land within ±1 LU of it with true
 * peaks at or under −1 dBTP; "off" leaves the mix as it is; one gain keeps ducking where it was.
 */

const run = promisify(execFile);

async function exportWith(files: { dir: string }, ops: unknown[], env: Record<string, string> = {}, loudness?: LoudnessSetting) {
  const home = await tempDir("vm-home-");
  const out = await tempDir("vm-out-");
  const config = loadConfig({ VIDEO_MAKER_HOME: home, VIDEO_MAKER_BACKEND: "local", VIDEO_MAKER_OUTPUT_DIR: out, ...env }, home);
  const backend = new LocalBackend(config);
  try {
    await backend.applyEdits([{ op: "set_format", resolution: 180, fps: 15 }, ...ops]);
    const result = await backend.exportVideo({ outputDir: out, fileName: "out", ...(loudness !== undefined ? { loudness } : {}) });
    return { result, out, home };
  } finally {
    await backend.close();
  }
}

describe("exports delivered at a loudness target", () => {
  it("brings a quiet (about −30 LUFS) and a loud (about −8 LUFS) project to −14 LUFS, true peak ≤ −1 dBTP, and says what it measured and delivered", async () => {
    const dir = await tempDir("vm-loud-");
    const quiet = await clip(dir, "quiet.mp4", -9);
    const loud = await clip(dir, "loud.mp4", 13);
    // The projects are what the test says they are.
    expect((await meter(quiet)).lufs).toBeGreaterThan(-32);
    expect((await meter(quiet)).lufs).toBeLessThan(-28);
    expect((await meter(loud)).lufs).toBeGreaterThan(-10);
    expect((await meter(loud)).lufs).toBeLessThan(-6);

    for (const source of [quiet, loud]) {
      const { result } = await exportWith({ dir }, [{ op: "add_clip", media: source }]);
      const measured = await meter(result.file);
      expect(Math.abs(measured.lufs - -14)).toBeLessThanOrEqual(1);
      expect(measured.dbtp).toBeLessThanOrEqual(-1);
      expect(result.loudness).toMatchObject({ target: -14, ceiling: -1, outcome: "normalised" });
      // What the answer says it delivered is what the meter reads on the file.
      expect(Math.abs(result.loudness!.delivered!.lufs - measured.lufs)).toBeLessThanOrEqual(0.1);
      expect(Math.abs(result.loudness!.measured!.lufs - (await meter(source)).lufs)).toBeLessThanOrEqual(1);
    }
  }, 120_000);

  it("honours a custom target per export, the configured one (VIDEO_MAKER_LOUDNESS), and off", async () => {
    const dir = await tempDir("vm-loud-");
    const quiet = await clip(dir, "quiet.mp4", -9);
    const ops = [{ op: "add_clip", media: quiet }];

    const custom = await exportWith({ dir }, ops, {}, -23);
    expect(Math.abs((await meter(custom.result.file)).lufs - -23)).toBeLessThanOrEqual(1);
    expect(custom.result.loudness).toMatchObject({ target: -23, outcome: "normalised" });

    const configured = await exportWith({ dir }, ops, { VIDEO_MAKER_LOUDNESS: "-18" });
    expect(Math.abs((await meter(configured.result.file)).lufs - -18)).toBeLessThanOrEqual(1);

    const off = await exportWith({ dir }, ops, { VIDEO_MAKER_LOUDNESS: "-18" }, "off");
    expect(off.result.loudness).toEqual({ target: "off", ceiling: -1, outcome: "off" });
    expect(Math.abs((await meter(off.result.file)).lufs - (await meter(quiet)).lufs)).toBeLessThanOrEqual(0.5);
    // Nothing of the two passes is left behind.
    expect(await readdir(off.out)).toEqual(["out.mp4"]);
    expect(await readdir(join(custom.home, "local", "renders")).catch(() => [])).toEqual([]);
  }, 120_000);

  it("applies one gain: music ducked under speech keeps its level difference to the music alone (±0.5 dB)", async () => {
    const dir = await tempDir("vm-loud-");
    // 3 s of "speech" (a clip with sound), then 3 s of a photo-like silent clip, under music ducked by the clips' sound.
    const speech = await clip(dir, "speech.mp4", -10, 3);
    const music = join(dir, "music.wav");
    await run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=880:duration=6", "-af", "volume=-12dB", music]);
    const silent = join(dir, "silent.mp4");
    await run("ffmpeg", [
      "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x180:rate=15:duration=3",
      "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", silent,
    ]);
    const ops = [
      { op: "add_clip", media: speech },
      { op: "add_clip", media: silent },
      { op: "add_audio", media: music, duck: true, fade_in: 0.5 },
    ];
    const spans = [{ from: 1, to: 2.5 }, { from: 4, to: 5.5 }];
    const levels = async (file: string) => Promise.all(spans.map(async (span) => (await meter(file, span)).lufs));

    const off = await exportWith({ dir }, ops, {}, "off");
    const normalised = await exportWith({ dir }, ops, {}, -14);
    const [offA, offB] = await levels(off.result.file);
    const [onA, onB] = await levels(normalised.result.file);
    expect(Math.abs(normalised.result.loudness!.gain!)).toBeGreaterThan(3);
    expect(Math.abs(onA! - onB! - (offA! - offB!))).toBeLessThanOrEqual(0.5);
    // And each span moved by the one gain.
    expect(Math.abs(onA! - offA! - normalised.result.loudness!.gain!)).toBeLessThanOrEqual(0.5);
  }, 120_000);

  it("holds the gain back when the peaks would need more than a light limiter, keeps them under the ceiling and says the file is quieter", async () => {
    const dir = await tempDir("vm-loud-");
    // A quiet tone with a loud click every second: reaching -14 LUFS would push the clicks ~8 dB over.
    const peaky = join(dir, "peaky.mp4");
    await run("ffmpeg", [
      "-hide_banner", "-loglevel", "error", "-y",
      "-f", "lavfi", "-i", "testsrc=size=320x180:rate=15:duration=4",
      "-f", "lavfi", "-i", "sine=frequency=440:duration=4",
      "-f", "lavfi", "-i", "aevalsrc='if(lt(mod(t,1),0.002),0.7*sin(2*PI*3000*t),0)':s=48000:d=4",
      "-filter_complex", "[1]volume=-15dB[tone];[tone][2]amix=inputs=2:normalize=0,aformat=channel_layouts=stereo[a]",
      "-map", "0:v", "-map", "[a]", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "pcm_s16le", "-f", "mov", peaky,
    ]);
    const { result } = await exportWith({ dir }, [{ op: "add_clip", media: peaky }]);
    const measured = await meter(result.file);
    expect(result.loudness).toMatchObject({ target: -14, outcome: "peak_limited" });
    expect(measured.dbtp).toBeLessThanOrEqual(-1);
    expect(measured.lufs).toBeLessThan(-15);
    expect(Math.abs(result.loudness!.delivered!.lufs - measured.lufs)).toBeLessThanOrEqual(0.1);
  }, 60_000);

  it("leaves a project with no sound alone and says so", async () => {
    const dir = await tempDir("vm-loud-");
    const silent = join(dir, "silent.mp4");
    await run("ffmpeg", [
      "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x180:rate=15:duration=2",
      "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", silent,
    ]);
    const { result } = await exportWith({ dir }, [{ op: "add_clip", media: silent }]);
    expect(result.loudness).toMatchObject({ target: -14, outcome: "silent", gain: 0 });
    expect((await meter(result.file)).dbtp).toBe(Number.NEGATIVE_INFINITY);
  }, 60_000);

  it.each([
    ["while the mix is measured", /^loudness: measuring/],
    ["while the gain is applied", /^loudness: gain/],
  ])("is cancelled %s: nothing is saved and nothing of the two passes is left", async (_, stage) => {
    const dir = await tempDir("vm-loud-");
    const source = await clip(dir, "quiet.mp4", -9, 8);
    const home = await tempDir("vm-home-");
    const out = await tempDir("vm-out-");
    const config = loadConfig({ VIDEO_MAKER_HOME: home, VIDEO_MAKER_BACKEND: "local", VIDEO_MAKER_OUTPUT_DIR: out }, home);
    const backend = new LocalBackend(config);
    try {
      await backend.applyEdits([{ op: "set_format", resolution: 180, fps: 15 }, { op: "add_clip", media: source }]);
      const controller = new AbortController();
      const seen: string[] = [];
      const exporting = backend.exportVideo(
        { outputDir: out, fileName: "cancelled" },
        {
          signal: controller.signal,
          onProgress: (event) => {
            seen.push(event.message);
            if (stage.test(event.message)) controller.abort();
          },
        },
      );
      await expect(exporting).rejects.toMatchObject({ code: "cancelled" });
      expect(seen.some((message) => stage.test(message))).toBe(true);
      expect(await readdir(out)).toEqual([]);
      expect(await readdir(join(home, "local", "renders"))).toEqual([]);
    } finally {
      await backend.close();
    }
  }, 60_000);
});
