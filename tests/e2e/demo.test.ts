import { execFile } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

/** The README's first command: `video-maker demo` makes a watchable MP4 offline. */
describe("video-maker demo", () => {
  it("renders a 15–20 s 1080p promo with titles, transitions and music, and prints its path last", async () => {
    const root = await mkdtemp(join(tmpdir(), "vm-demo-"));
    const env = { PATH: process.env.PATH, HOME: root, VIDEO_MAKER_HOME: join(root, "home"), VIDEO_MAKER_OUTPUT_DIR: join(root, "out"), NEMO_API_BASE: "http://127.0.0.1:1" };
    const { stdout } = await run(process.execPath, [resolve("dist/cli.js"), "demo"], { env, timeout: 400_000 });
    const file = stdout.trim().split("\n").at(-1)!;
    expect(file).toBe(join(root, "out", "video-maker-demo.mp4"));
    expect((await stat(file)).size).toBeGreaterThan(500_000);

    const probe = JSON.parse(
      (await run("ffprobe", ["-v", "error", "-show_entries", "format=duration:stream=codec_type,codec_name,profile,width,height,pix_fmt", "-of", "json", file])).stdout,
    ) as { format: { duration: string }; streams: Array<Record<string, string | number>> };
    const video = probe.streams.find((s) => s.codec_type === "video")!;
    expect(video).toMatchObject({ codec_name: "h264", profile: "High", width: 1920, height: 1080, pix_fmt: "yuv420p" });
    expect(probe.streams.find((s) => s.codec_type === "audio")?.codec_name).toBe("aac");
    const duration = Number(probe.format.duration);
    expect(duration).toBeGreaterThanOrEqual(15);
    expect(duration).toBeLessThanOrEqual(20);

    // The opening title: bright text in the middle band of the first seconds.
    const { stdout: gray } = await run("ffmpeg", ["-v", "error", "-ss", "1", "-i", file, "-frames:v", "1", "-vf", "crop=iw/2:ih/6:iw/4:ih*5/12,scale=96:18,format=gray", "-f", "rawvideo", "-"], { encoding: "buffer" as never, maxBuffer: 1 << 20 });
    const pixels = [...(gray as unknown as Buffer)];
    expect(pixels.filter((p) => p > 235).length).toBeGreaterThan(20);

    // The music is there: the audio is not silent.
    const { stderr } = await run("ffmpeg", ["-v", "info", "-i", file, "-map", "0:a", "-af", "volumedetect", "-f", "null", "-"]);
    const mean = Number(/mean_volume: (-?[\d.]+) dB/.exec(stderr)?.[1]);
    expect(mean).toBeGreaterThan(-40);
    await rm(root, { recursive: true, force: true });
  }, 420_000);
});
