import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import type { Draft } from "../../src/core/draft.js";
import { compileRender } from "../../src/local/compile.js";
import { LocalBackend } from "../../src/local/backend.js";
import { applyOps } from "../../src/local/ops.js";
import { outlineTimeline } from "../../src/local/segment-ids.js";
import { mediaUsedBy, readTimeline } from "../../src/local/timeline.js";
import { type MediaSet, type Region, fakeMedia, grayFrame, grayOfPng, makeMediaSet, probe, regionStats, tempDir, videoStream } from "./fixtures.js";

/** add_logo: a picture laid over the video, from the op to the pixels of a real render. */

const MEDIA = [
  fakeMedia({ id: "media-1", name: "beach.mp4", duration_ms: 10_000 }),
  fakeMedia({ id: "media-2", name: "logo.png", kind: "image", has_audio: false, width: 400, height: 200 }),
  fakeMedia({ id: "media-3", name: "music.mp3", kind: "audio", duration_ms: 30_000, has_video: false }),
];

async function apply(ops: unknown[], draft: Draft = { t: [] }) {
  const result = await applyOps(draft, ops, MEDIA);
  return { ...result, timeline: readTimeline(result.draft) };
}

async function problemOf(op: Record<string, unknown>): Promise<string> {
  try {
    await applyOps({ t: [] }, [{ op: "add_clip", media: "beach.mp4" }, op], MEDIA);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(op)} to be refused`);
}

describe("add_logo as an op", () => {
  it("refuses what it cannot draw, each with a clear message", async () => {
    const table: Array<[Record<string, unknown>, string]> = [
      [{ opacity: 1.5 }, 'op 2 (add_logo): "opacity" must be at most 1'],
      [{ opacity: -0.1 }, 'op 2 (add_logo): "opacity" must be at least 0'],
      [{ opacity: "half" }, 'op 2 (add_logo): "opacity" must be a number'],
      [{ position: "middle" }, 'op 2 (add_logo): "position" must be one of top_left, top_right, bottom_left, bottom_right, center'],
      [{ position: "lower_third" }, 'op 2 (add_logo): "position" must be one of top_left, top_right, bottom_left, bottom_right, center'],
      [{ size: 0 }, 'op 2 (add_logo): "size" must be at least 0.02'],
      [{ size: 2 }, 'op 2 (add_logo): "size" must be at most 1'],
      [{ duration: 0 }, 'op 2 (add_logo): "duration" must be at least 0.001'],
      [{ media: "beach.mp4" }, 'op 2 (add_logo): "beach.mp4" is a video; a logo must be a picture (PNG, JPG or WebP)'],
      [{ media: "music.mp3" }, 'op 2 (add_logo): "music.mp3" is sound only; a logo must be a picture (PNG, JPG or WebP)'],
      [{ media: "nowhere.png" }, 'op 2 (add_logo): no uploaded media is called "nowhere.png"'],
      [{ corner: "top_left" }, 'op 2 (add_logo): unknown field "corner"; add_logo takes media, position, size, opacity, at, duration'],
    ];
    for (const [fields, expected] of table) {
      const message = await problemOf({ op: "add_logo", media: "logo.png", ...fields });
      expect([fields, message]).toEqual([fields, expect.stringContaining(expected)]);
    }
  });

  it("covers the whole video by default and follows it; a duration fixes its length", async () => {
    const first = await apply([
      { op: "add_clip", media: "beach.mp4", out: 4 },
      { op: "add_logo", media: "logo.png" },
      { op: "add_logo", media: "media-2", position: "bottom_left", size: 0.1, opacity: 0.5, at: 1, duration: 2 },
    ]);
    expect(first.timeline.logos).toEqual([
      { id: "logo-1", name: "logo.png", mediaId: "media-2", startMs: 0, durationMs: 4000, position: "top_right", widthFraction: 0.15, opacity: 1, followsVideoEnd: true },
      { id: "logo-2", name: "logo.png", mediaId: "media-2", startMs: 1000, durationMs: 2000, position: "bottom_left", widthFraction: 0.1, opacity: 0.5, followsVideoEnd: false },
    ]);
    // stored as a video track with the overlay role, short keys like the rest of the draft
    expect(first.draft.t[1]).toMatchObject({ tt: 0, n: "Logo", role: "overlay" });
    expect(first.draft.t[1]!.sg[0]).toEqual({ id: "logo-1", n: "logo.png", src: "media-2", st: 0, d: 4000, pos: "top_right", w: 0.15, o: 1, fill: true });
    expect(outlineTimeline(first.timeline).slice(1)).toEqual([
      "logo-1 logo.png 0-4s (top_right, 15% wide, to the end)",
      "logo-2 logo.png 1-3s (bottom_left, 10% wide, opacity 50%)",
    ]);
    expect(mediaUsedBy(first.timeline)).toEqual(new Set(["media-1", "media-2"]));

    const second = await apply([{ op: "add_image", media: "logo.png", duration: 3 }], first.draft);
    expect(second.timeline.logos.map((l) => [l.id, l.startMs, l.durationMs])).toEqual([["logo-1", 0, 7000], ["logo-2", 1000, 2000]]);

    const third = await apply(
      [
        { op: "move", segment: "logo-1", at: 2 },
        { op: "trim", segment: "logo-2", duration: 1.5 },
        { op: "fit_duration", seconds: 14 },
      ],
      second.draft,
    );
    // fit_duration doubles the video: the moved logo still runs to the end, the fixed one scales with the clips
    expect(third.timeline.logos.map((l) => [l.id, l.startMs, l.durationMs, l.followsVideoEnd])).toEqual([["logo-2", 2000, 3000, false], ["logo-1", 4000, 10_000, true]]);

    const refused = await applyOps(third.draft, [{ op: "set_volume", segment: "logo-1", volume: 0.5 }, { op: "trim", segment: "logo-2", in: 1 }], MEDIA).catch((e: Error) => e.message);
    expect(refused).toBe(
      '2 problems in the edits, so nothing was changed:\n- op 1 (set_volume): logo-1 is a logo; it has no sound\n- op 2 (trim): logo-2 is a logo: change its length with "duration"',
    );
    const removed = await apply([{ op: "remove", segment: "logo-1" }, { op: "remove", segment: "logo-2" }], third.draft);
    expect(removed.draft.t).toHaveLength(1);
  });

  it("warns when a logo starts after the video ends", async () => {
    const { notes } = await apply([{ op: "add_clip", media: "beach.mp4", out: 2 }, { op: "add_logo", media: "logo.png", at: 5, duration: 1 }]);
    expect(notes).toContain('logo-1 starts at 5s, after the video ends (2s), so it will not be seen; move it with {"op":"move","segment":"logo-1","at":…}.');
  });
});

describe("add_logo in the filtergraph", () => {
  const draft = (logos: Array<Record<string, unknown>>): Draft => ({
    t: [
      { tt: 0, sg: [{ id: "clip-1", n: "beach.mp4", src: "media-1", st: 0, d: 4000, in: 0 }] },
      { tt: 0, role: "overlay", sg: logos.map((l, i) => ({ id: `logo-${i + 1}`, src: "media-2", st: 0, d: 4000, ...l })) },
    ],
  });
  const OPTIONS = { outputPath: "/out/.render.part", workDir: "/work" };

  it("one frame of the picture, scaled once, laid over in its corner while enabled", () => {
    const out = compileRender(
      draft([
        { pos: "top_right", w: 0.2, st: 1000, d: 2000 },
        { pos: "bottom_left", o: 0.5 },
        { pos: "center" },
        { pos: "top_left", st: 5000 }, // after the end: not drawn
        { pos: "bottom_right", o: 0 }, // invisible: not drawn
      ]),
      MEDIA,
      OPTIONS,
    );
    // the logo is an image2 input read literally, once per logo drawn
    expect(out.args.join(" ").match(/-f image2 -pattern_type none -i \/media\/logo\.png/g)).toHaveLength(3);
    expect(out.args).not.toContain("-loop");
    expect(out.filtergraph).toMatch(/\[1:v:0\]trim=end_frame=1,setpts=PTS-STARTPTS,scale=w=384:h=-2,format=rgba\[lg\d+\]/);
    expect(out.filtergraph).toMatch(/\[2:v:0\]trim=end_frame=1,setpts=PTS-STARTPTS,scale=w=288:h=-2,format=rgba,colorchannelmixer=aa=0\.5\[lg\d+\]/);
    // 1080p: margin 65 px; half-frame edges as for texts
    expect(out.filtergraph).toContain("overlay=x=W-w-65:y=65:eof_action=repeat:enable='between(t,0.983333,2.983333)'");
    expect(out.filtergraph).toContain("overlay=x=65:y=H-h-65:eof_action=repeat:enable='between(t,0,3.983333)'");
    expect(out.filtergraph).toContain("overlay=x=(W-w)/2:y=(H-h)/2:eof_action=repeat");
    expect(out.filtergraph.match(/overlay=/g)).toHaveLength(3);
    expect(out.needs).toEqual(expect.arrayContaining(["overlay", "scale"]));
  });

  it("names a logo whose media is gone", () => {
    expect(() => compileRender(draft([{ pos: "center" }]), MEDIA.slice(0, 1), OPTIONS)).toThrow(
      'logo-1 uses media "media-2", which is not registered in this project any more. Upload the file again or remove logo-1.',
    );
  });
});

describe("add_logo rendered", () => {
  let set: MediaSet;
  let logo: string;

  beforeAll(async () => {
    set = await makeMediaSet();
    // A white 160x80 block inside a transparent 20 px / 10 px border: a logo with an alpha channel.
    logo = join(set.dir, "logo.png");
    await promisify(execFile)("ffmpeg", [
      "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
      "-f", "lavfi", "-i", "color=c=white:s=160x80,format=rgba,pad=200:100:20:10:color=black@0",
      "-frames:v", "1", logo,
    ]);
  }, 60_000);

  it("draws the logo in its corner within its time range only, through a real export and preview", async () => {
    const home = await tempDir("vm-home-");
    const outDir = await tempDir("vm-out-");
    const backend = new LocalBackend(loadConfig({ VIDEO_MAKER_HOME: home, VIDEO_MAKER_BACKEND: "local", VIDEO_MAKER_OUTPUT_DIR: outDir }, home));
    await backend.upload({ paths: [set.silentClip, set.clip, logo] });
    await backend.applyEdits([
      { op: "set_format", aspect: "16:9", resolution: 180 },
      { op: "add_clip", media: "silent.mp4" },
      { op: "add_clip", media: "clip.mp4" },
      { op: "add_logo", media: "logo.png", size: 0.2, at: 1, duration: 2 },
      { op: "add_logo", media: "logo.png", position: "bottom_left", opacity: 0.5 },
    ]);
    const result = await backend.exportVideo({ outputDir: outDir, fileName: "logo" });

    const info = await probe(result.file);
    const video = videoStream(info);
    expect([video.codec_name, video.width, video.height, video.r_frame_rate]).toEqual(["h264", 320, 180, "30/1"]);
    expect(Number(info.format.duration)).toBeCloseTo(4, 1);

    // 320x180: margin 11 px; the top-right logo is 64x32 at (245, 11), its white core inside the transparent border
    const topRight: Region = { x: 256, y: 17, w: 42, h: 20 };
    const topLeft: Region = { x: 17, y: 17, w: 42, h: 20 };
    const white = (pixels: Buffer, region: Region): boolean => {
      const stats = regionStats(pixels, 320, region);
      return stats.mean > 245 && stats.stddev < 4;
    };
    // -ss picks the first frame at or after the time: 0.95 → 0.967 s, 1.01 → 1.033 s, 2.95 → 2.967 s, 3.01 → 3.033 s
    const shown: Array<[number, boolean]> = [[0.5, false], [0.95, false], [1.01, true], [2, true], [2.95, true], [3.01, false], [3.5, false]];
    for (const [at, expected] of shown) {
      const frame = await grayFrame(result.file, at);
      expect([at, white(frame, topRight)]).toEqual([at, expected]);
      expect([at, white(frame, topLeft)]).toEqual([at, false]);
    }

    // bottom-left, whole video, half opacity over SMPTE bars' dark bottom row: halfway to white
    const frame = await grayFrame(result.file, 0.5);
    const under = regionStats(frame, 320, { x: 17, y: 171, w: 35, h: 7 }).mean; // the same bar, just below the logo
    const blended = regionStats(frame, 320, { x: 17, y: 149, w: 35, h: 16 });
    expect(blended.stddev).toBeLessThan(4);
    expect(Math.abs(blended.mean - (under + 255) / 2)).toBeLessThan(15);

    // the preview draws it too (at the format's 320x180, as the export)
    const dir = await tempDir();
    const preview = await backend.previewFrame(1.5);
    expect([preview.width, preview.height]).toEqual([320, 180]);
    expect(white(await grayOfPng(preview.png, dir), topRight)).toBe(true);
    expect(white(await grayOfPng((await backend.previewFrame(3.5)).png, dir), topRight)).toBe(false);
  }, 120_000);
});
