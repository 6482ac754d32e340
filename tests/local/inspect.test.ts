import { execFile } from "node:child_process";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { inspectFile } from "../../src/inspect/inspect-file.js";
import { LocalBackend } from "../../src/local/backend.js";
import { failure } from "../support/failure.js";
import { makeAudio, makePng } from "../integration/media-fixtures.js";
import { tempDir } from "./fixtures.js";

const run = promisify(execFile);
const TOOLS = { ffmpegPath: "ffmpeg", ffprobePath: "ffprobe" };
const FRAME = 1 / 30;

/** Four shots cut at known frames (2.0, 4.5, 7.0 s at 30 fps) over a tone with pauses at 3–4.2 s and 6–7.5 s. */
const CUTS = [2, 4.5, 7];
const PAUSES = [[3, 4.2], [6, 7.5]] as const;

let dir: string;
let scenes: string;

async function ffmpeg(args: string[]): Promise<void> {
  await run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", ...args]);
}

async function loudnormMeasure(path: string): Promise<{ input_i: string; input_tp: string }> {
  const { stderr } = await run("ffmpeg", ["-hide_banner", "-nostdin", "-i", path, "-vn", "-af", "loudnorm=print_format=json", "-f", "null", "-"]);
  return JSON.parse(stderr.slice(stderr.lastIndexOf("{"), stderr.lastIndexOf("}") + 1));
}

beforeAll(async () => {
  dir = await tempDir("vm-inspect-");
  scenes = join(dir, "scenes.mp4");
  const silent = PAUSES.map(([a, b]) => `between(t,${a},${b})`).join("+");
  await ffmpeg([
    "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30:duration=2",
    "-f", "lavfi", "-i", "smptebars=size=320x180:rate=30:duration=2.5",
    "-f", "lavfi", "-i", "mandelbrot=size=320x180:rate=30,trim=duration=2.5",
    "-f", "lavfi", "-i", "color=c=0x3366cc:size=320x180:rate=30:duration=2,drawbox=x=60:y=40:w=120:h=60:c=yellow:t=fill",
    "-f", "lavfi", "-i", `sine=frequency=300:sample_rate=48000:duration=9,volume='if(${silent},0,0.5)':eval=frame`,
    "-filter_complex", "[0:v][1:v][2:v][3:v]concat=n=4:v=1:a=0,format=yuv420p[v]",
    "-map", "[v]", "-map", "4:a", "-c:v", "libx264", "-preset", "veryfast", "-c:a", "aac", "-shortest", scenes,
  ]);
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("inspecting a file", () => {
  it("finds the scene cuts within one frame, the pauses within 0.1 s, the loudness, and makes one sheet with a tile per scene", async () => {
    const report = await inspectFile(TOOLS, scenes);
    expect(report).toMatchObject({ subject: "scenes.mp4", kind: "video", width: 320, height: 180, fps: 30, hasVideo: true, hasAudio: true });
    expect(report.durationSeconds).toBeCloseTo(9, 1);
    expect(report.scenes).toHaveLength(CUTS.length);
    report.scenes.forEach((scene, i) => expect(Math.abs(scene.atSeconds - CUTS[i]!)).toBeLessThanOrEqual(FRAME));
    expect(report.pauses).toHaveLength(PAUSES.length);
    report.pauses.forEach((pause, i) => {
      expect(Math.abs(pause.startSeconds - PAUSES[i]![0])).toBeLessThanOrEqual(0.1);
      expect(Math.abs(pause.endSeconds - PAUSES[i]![1])).toBeLessThanOrEqual(0.1);
    });
    expect(report.speech.map((s) => Math.round(s.startSeconds))).toEqual([0, 4, 8]);

    // Checked against another of ffmpeg's meters (loudnorm's first pass).
    const reference = await loudnormMeasure(scenes);
    expect(Math.abs(report.loudness!.integratedLufs - Number(reference.input_i))).toBeLessThanOrEqual(0.5);
    expect(Math.abs(report.loudness!.truePeakDbtp - Number(reference.input_tp))).toBeLessThanOrEqual(0.5);

    // One PNG, a tile per scene, as big as the layout says, and decodable.
    expect(report.tiles).toHaveLength(CUTS.length + 1);
    report.tiles.forEach((tile, i) => {
      const from = i === 0 ? 0 : CUTS[i - 1]!;
      expect(tile.atSeconds).toBeGreaterThan(from);
      expect(tile.atSeconds).toBeLessThan(CUTS[i] ?? 9);
    });
    const sheet = join(dir, "sheet.png");
    await writeFile(sheet, report.sheet!.png);
    expect(report.sheet!.png.subarray(1, 4).toString()).toBe("PNG");
    const { stdout } = await run("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name,width,height", "-of", "json", sheet]);
    expect(JSON.parse(stdout).streams).toEqual([{ codec_name: "png", width: report.sheet!.width, height: report.sheet!.height }]);
    expect(report.sheet!.columns * report.sheet!.rows).toBeGreaterThanOrEqual(report.tiles.length);
  }, 60_000);

  it("a sound file has loudness and pauses but no scenes and no sheet; a photo is one tile", async () => {
    const audio = await inspectFile(TOOLS, await makeAudio(dir, "tone.mp3", 2));
    expect(audio).toMatchObject({ kind: "audio", hasVideo: false, hasAudio: true, scenes: [], pauses: [], tiles: [] });
    expect(audio.sheet).toBeUndefined();
    expect(audio.loudness!.integratedLufs).toBeLessThan(0);
    const photo = await inspectFile(TOOLS, await makePng(dir, "logo.png"));
    expect(photo).toMatchObject({ kind: "image", hasAudio: false, tiles: [{ atSeconds: 0, label: "logo.png" }] });
    expect(photo.sheet!.png.subarray(1, 4).toString()).toBe("PNG");
  }, 60_000);

  it("refuses what is not media with the same words as adding it to a project", async () => {
    const text = join(dir, "notes.txt");
    await writeFile(text, "hello");
    const refused = await failure(inspectFile(TOOLS, text));
    expect(refused.code).toBe("invalid_input");
    expect(refused.message).toMatch(/Cannot look at .*notes\.txt: ".txt" files are not accepted/);
    const fake = join(dir, "fake.mp4");
    await writeFile(fake, "not a video at all");
    expect((await failure(inspectFile(TOOLS, fake))).message).toMatch(/fake\.mp4: The name says .mp4 but the content is not a recognisable media file/);
  });
});

describe("inspecting in the local project", () => {
  let backend: LocalBackend;
  beforeAll(async () => {
    backend = new LocalBackend(loadConfig({ VIDEO_MAKER_BACKEND: "local", VIDEO_MAKER_HOME: join(dir, "home"), VIDEO_MAKER_OUTPUT_DIR: join(dir, "out") }));
    await backend.upload({ paths: [scenes, await makePng(dir, "card.png")] });
    await backend.applyEdits([
      { op: "add_clip", media: "scenes.mp4", in: 0.5, out: 1.5 },
      { op: "add_image", media: "card.png", duration: 2 },
      { op: "add_clip", media: "scenes.mp4", in: 7.2, out: 8.8 },
    ]);
  }, 60_000);
  afterAll(() => backend.close());

  it("looks at a media item by name", async () => {
    const report = await backend.inspect({ media: "scenes" });
    expect(report.subject).toBe("scenes.mp4");
    expect(report.scenes).toHaveLength(3);
  }, 60_000);

  it("draws the timeline as a storyboard, a tile per segment labelled with its id at its timeline moment", async () => {
    const report = await backend.inspect({ timeline: true });
    expect(report.kind).toBe("timeline");
    expect(report.tiles.map((t) => t.segment)).toEqual(["clip-1", "image-1", "clip-2"]);
    expect(report.tiles.map((t) => t.atSeconds)).toEqual([0.5, 2, 3.8]);
    expect(report.sheet!.columns).toBe(3);
    // The third tile shows the last shot (blue with a yellow box), read from the source at 8 s.
    const png = join(dir, "board.png");
    await writeFile(png, report.sheet!.png);
    const { stdout } = await run("ffmpeg", ["-v", "error", "-i", png, "-vf", `crop=256:144:${4 + 2 * (256 + 4)}:4,scale=1:1`, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], { encoding: "buffer" });
    const [r, g, b] = [...(stdout as Buffer)];
    expect(b!).toBeGreaterThan(r!);
    expect(g!).toBeGreaterThan(60);
  }, 60_000);

  it("refuses a media name it does not have, naming what it has", async () => {
    const refused = await failure(backend.inspect({ media: "nope" }));
    expect(refused.message).toMatch(/no uploaded media is called "nope" \(uploaded: media-1 scenes\.mp4/);
  });
});
