import { copyFile, mkdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { Draft } from "../../src/core/draft.js";
import { type CompileOptions, type CompiledRender, compileRender } from "../../src/local/compile.js";
import { type FfmpegFeatures, probeFfmpeg, runFfmpeg } from "../../src/local/ffmpeg.js";
import { GraphBuilder } from "../../src/local/filtergraph.js";
import { probeMedia } from "../../src/local/ffprobe.js";
import { locateFont } from "../../src/local/fonts.js";
import type { MediaFacts } from "../../src/local/media.js";
import { type MediaSet, fakeMedia, grayFrame, makeMediaSet, meanAbsDiff, probe, regionStats, tempDir, videoStream } from "./fixtures.js";

// --- building drafts by hand (the compiler must not depend on the ops) --------------------------

type Seg = Record<string, unknown>;
const clip = (id: string, src: string, d: number, extra: Seg = {}): Seg => ({ id, n: `${src}.mp4`, src, st: 0, d, in: 0, ...extra });
const text = (id: string, tx: string, st: number, d: number, extra: Seg = {}): Seg => ({ id, st, d, tx, pos: "center", sz: 96, c: "white", box: false, ...extra });
const music = (id: string, src: string, extra: Seg = {}): Seg => ({ id, n: "music", src, st: 0, d: 1000, in: 0, v: 1, fi: 0, fo: 0, loop: false, duck: false, fill: true, ...extra });

function draftOf(parts: { video?: Seg[]; music?: Seg[]; texts?: Seg[]; meta?: Seg }): Draft {
  const t = [];
  if (parts.video?.length) t.push({ tt: 0, sg: parts.video });
  if (parts.music?.length) t.push({ tt: 1, sg: parts.music });
  if (parts.texts?.length) t.push({ tt: 7, sg: parts.texts });
  return { t, ...(parts.meta ? { m: parts.meta } : {}) } as Draft;
}

const OPTIONS: CompileOptions = { outputPath: "/out/.render.part", workDir: "/work dir", fontFile: "/fonts/Bold.ttf" };

const media = {
  landscape: fakeMedia({ id: "land", name: "land.mp4" }),
  portrait: fakeMedia({ id: "phone", name: "phone.mov", width: 1080, height: 1920, rotation: 90 }),
  silent: fakeMedia({ id: "silent", name: "silent.mp4", has_audio: false }),
  vfr: fakeMedia({ id: "vfr", name: "vfr.mkv", fps: 29.718 }),
  slow: fakeMedia({ id: "slow", name: "slow.mp4", width: 1280, height: 720, fps: 25 }),
  fast: fakeMedia({ id: "fast", name: "fast.mp4", width: 2560, height: 1440, fps: 60 }),
  oneFrame: fakeMedia({ id: "one", name: "one.mp4", duration_ms: 33, has_audio: false }),
  photo: fakeMedia({ id: "photo", name: "photo.jpg", kind: "image", width: 4000, height: 3000, has_audio: false }),
  song: fakeMedia({ id: "song", name: "song.mp3", kind: "audio", duration_ms: 120_000, has_video: false }),
};
const ALL = Object.values(media);

interface Case {
  name: string;
  draft: Draft;
  options?: Partial<CompileOptions>;
  check: (out: CompiledRender) => void;
}

const inputsOf = (out: CompiledRender): string[] => out.args.flatMap((arg, i) => (arg === "-i" ? [out.args[i + 1]!] : []));
/** The output option (the last occurrence: inputs may carry the same flag). */
const argAfter = (out: CompiledRender, flag: string): string | undefined => out.args[out.args.lastIndexOf(flag) + 1];

const CASES: Case[] = [
  {
    name: "a portrait phone clip with rotation metadata: autorotate only, no second turn, blurred sides",
    draft: draftOf({ video: [clip("clip-1", "phone", 3000)] }),
    check: (out) => {
      expect(out.filtergraph).not.toMatch(/transpose|rotate|hflip|vflip/);
      expect(out.args).not.toContain("-noautorotate");
      expect(out.filtergraph).toContain("boxblur");
      expect(out.filtergraph).toContain("overlay=x=(W-w)/2:y=(H-h)/2");
      expect(out.filtergraph).toContain("scale=w=1920:h=1080:force_original_aspect_ratio=decrease:force_divisible_by=2");
    },
  },
  {
    name: "a clip without audio gets a silent track of its exact length",
    draft: draftOf({ video: [clip("clip-1", "silent", 2500)] }),
    check: (out) => {
      expect(out.filtergraph).toContain("anullsrc=r=48000:cl=stereo,atrim=duration=2.5");
      expect(out.filtergraph).not.toContain("[0:a:0]");
    },
  },
  {
    name: "variable frame rate is made constant before anything else",
    draft: draftOf({ video: [clip("clip-1", "vfr", 2000)] }),
    check: (out) => {
      expect(out.filtergraph).toMatch(/^\[0:v:0\]setpts=PTS-STARTPTS,fps=30,/);
      expect(argAfter(out, "-r")).toBe("30");
      expect(out.filtergraph).toContain("tpad=stop_mode=clone:stop=60,trim=end_frame=60");
    },
  },
  {
    name: "a clip slower than the output is fitted before fps repeats frames; one as fast or faster after",
    draft: draftOf({ video: [clip("clip-1", "slow", 2000), clip("clip-2", "fast", 2000), clip("clip-3", "vfr", 2000)] }),
    check: (out) => {
      expect(out.filtergraph).toMatch(/^\[0:v:0\]setpts=PTS-STARTPTS,scale=w=1920:h=1080:[^;]*\[f\d+\];\n\[f\d+\]fps=30,setsar=1,/);
      expect(out.filtergraph).toMatch(/\n\[1:v:0\]setpts=PTS-STARTPTS,fps=30,scale=/);
      expect(out.filtergraph).toMatch(/\n\[2:v:0\]setpts=PTS-STARTPTS,fps=30,scale=/);
    },
  },
  {
    name: "images only: one frame each, zoompan for Ken Burns, no looping input",
    draft: draftOf({ video: [clip("image-1", "photo", 3000, { kb: "zoom_in" }), clip("image-2", "photo", 2000)] }),
    check: (out) => {
      expect(out.args).not.toContain("-loop");
      // a 4:3 photo in 16:9 (fit auto → blur), fitted once at 1.5× the size for a smooth zoom
      expect(out.filtergraph).toMatch(/\[0:v:0\]trim=end_frame=1,setpts=PTS-STARTPTS,split=2/);
      expect(out.filtergraph).toContain("scale=w=2880:h=1620:force_original_aspect_ratio=decrease");
      expect(out.filtergraph).toContain("zoompan=z='1+0.2*on/89':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d=90:s=1920x1080:fps=30");
      expect(out.filtergraph).toMatch(/\[1:v:0\]trim=end_frame=1,setpts=PTS-STARTPTS,fps=30,/);
      expect(out.args).not.toContain("-ss");
      expect(out.durationMs).toBe(5000);
      expect(out.filtergraph.match(/anullsrc/g)).toHaveLength(2);
    },
  },
  {
    name: "a one-frame clip lasts one frame (tpad clones, trim cuts)",
    draft: draftOf({ video: [clip("clip-1", "one", 33)] }),
    check: (out) => {
      expect(out.filtergraph).toContain("tpad=stop_mode=clone:stop=1,trim=end_frame=1");
      expect(out.durationMs).toBeCloseTo(1000 / 30, 6);
      expect(argAfter(out, "-t")).toBe("0.033333");
    },
  },
  {
    name: "text with quotes, colons, backslashes, %{…} and emoji goes through a text file, never the graph",
    draft: draftOf({
      video: [clip("clip-1", "land", 4000)],
      texts: [text("text-1", `It's 5:00 \\o/ %{pts} 🎬 "go"`, 0, 2000)],
    }),
    check: (out) => {
      expect(out.textFiles).toEqual([{ path: "/work dir/text-1-1.txt", content: `It's 5:00 \\o/ %{pts} 🎬 "go"` }]);
      expect(out.filtergraph).toContain("expansion=none");
      expect(out.filtergraph).toContain("fontfile=/fonts/Bold.ttf");
      expect(out.filtergraph).toContain("textfile=/work dir/text-1-1.txt");
      expect(out.filtergraph).not.toContain("%{pts}");
      // half-frame edges: frame 0 up to and including the last frame before 2 s
      expect(out.filtergraph).toContain("enable='gte(t,0)*lt(t,1.983333)'");
    },
  },
  {
    name: "file paths with : ' , [ ] ; \\ are escaped for both filtergraph levels",
    draft: draftOf({ video: [clip("clip-1", "land", 1000)], texts: [text("text-1", "hi", 0, 1000)] }),
    options: { fontFile: "/f/a:b'c,d[e];f\\g.ttf" },
    check: (out) => {
      // option level: \: \' \\ ; graph level on top: every \ ' [ ] , ; escaped again
      expect(out.filtergraph).toContain(String.raw`fontfile=/f/a\\:b\\\'c\,d\[e\]\;f\\\\g.ttf:`);
    },
  },
  {
    name: "lines in Chinese, Japanese or Korean are drawn with the CJK font",
    draft: draftOf({ video: [clip("clip-1", "land", 1000)], texts: [text("text-1", "Sale", 0, 1000), text("text-2", "夏季促销", 0, 1000, { pos: "bottom" })] }),
    options: { cjkFontFile: "/fonts/cjk.ttc" },
    check: (out) => {
      const drawn = out.filtergraph.split("drawtext=").slice(1);
      expect(drawn[0]).toContain("fontfile=/fonts/Bold.ttf:textfile=/work dir/text-1-1.txt");
      expect(drawn[1]).toContain("fontfile=/fonts/cjk.ttc:textfile=/work dir/text-2-1.txt");
    },
  },
  {
    name: "long text is wrapped into centred lines",
    draft: draftOf({
      video: [clip("clip-1", "land", 1000)],
      texts: [text("text-1", "A fairly long sentence that cannot possibly fit on one single line of a video frame", 0, 1000, { pos: "bottom" })],
    }),
    check: (out) => {
      expect(out.textFiles.length).toBeGreaterThan(1);
      expect(out.textFiles.map((f) => f.content).join(" ")).toBe("A fairly long sentence that cannot possibly fit on one single line of a video frame");
      expect(out.filtergraph.match(/x=\(w-text_w\)\/2/g)!.length).toBe(out.textFiles.length);
    },
  },
  {
    name: "fifty clips of one file: an input per run through its footage (10, not 50), one concat",
    draft: draftOf({ video: Array.from({ length: 50 }, (_, i) => clip(`clip-${i + 1}`, "land", 1000, { in: i * 100 })) }),
    check: (out) => {
      // clip-1, clip-11, clip-21… follow each other in the footage: one input reads them all.
      expect(inputsOf(out)).toHaveLength(10);
      expect(out.filtergraph).toContain("concat=n=50:v=1:a=1");
      expect(out.filtergraph).not.toContain("xfade");
      expect(out.durationMs).toBe(50_000);
      expect(argAfter(out, "-t")).toBe("50");
    },
  },
  {
    name: "a transition blends only the frames two clips share; everything is one concat of exact pieces",
    draft: draftOf({
      video: [
        clip("clip-1", "land", 3000),
        clip("clip-2", "land", 4000, { tr: { type: "fade", d: 1000 } }),
        clip("clip-3", "land", 5000, { tr: { type: "wipeleft", d: 500 } }),
      ],
    }),
    check: (out) => {
      const g = out.filtergraph;
      // clip-1: body 0–60, tail 60–90 │ clip-2: head 0–30, body 30–105, tail 105–120 │ clip-3: head 0–15, body 15–150
      for (const range of ["start_frame=0:end_frame=60", "start_frame=60:end_frame=90", "start_frame=0:end_frame=30", "start_frame=30:end_frame=105", "start_frame=105:end_frame=120", "start_frame=0:end_frame=15", "start_frame=15:end_frame=150"]) {
        expect(g).toContain(`trim=${range},setpts=PTS-STARTPTS`);
      }
      // the sound is cut at the same frames, in samples (1600 per frame at 48 kHz, 30 fps)
      expect(g).toContain("atrim=start_sample=96000:end_sample=144000");
      // a fade is the head faded in through its alpha over the tail (xfade would round-trip through 4:4:4)
      expect(g).toContain("format=yuva420p,fade=t=in:st=0:d=1:alpha=1[");
      expect(g).toContain("overlay=format=yuv420,format=yuv420p[");
      expect(g).not.toContain("xfade=transition=fade");
      expect(out.needs).toEqual(expect.arrayContaining(["fade", "overlay", "xfade"]));
      expect(g).toContain("xfade=transition=wipeleft:duration=0.5:offset=0[");
      expect(g).toContain("afade=t=out:st=0:d=1[");
      expect(g).toContain("afade=t=in:st=0:d=0.5[");
      expect(g.match(/amix=inputs=2:normalize=0:duration=longest/g)).toHaveLength(2);
      expect(g).toContain("concat=n=5:v=1:a=1");
      expect(out.durationMs).toBe(10_500);
      // every segment leaves with the same time base, which xfade insists on
      expect(g.match(/settb=AVTB/g)).toHaveLength(3);
    },
  },
  {
    name: "cuts need no splitting; only clips next to a transition are cut into pieces",
    draft: draftOf({
      video: [
        clip("clip-1", "land", 2000),
        clip("clip-2", "land", 2000),
        clip("clip-3", "land", 2000, { tr: { type: "pixel_dissolve", d: 500 } }),
        clip("clip-4", "land", 2000),
      ],
    }),
    check: (out) => {
      expect(out.filtergraph.match(/(?<!a)split=2/g)).toHaveLength(2);
      expect(out.filtergraph.match(/asplit=2/g)).toHaveLength(2);
      // pixel_dissolve is xfade's grainy dissolve, by another name
      expect(out.filtergraph).toContain("xfade=transition=dissolve:duration=0.5:offset=0");
      expect(out.filtergraph).toContain("concat=n=5:v=1:a=1");
      expect(out.durationMs).toBe(7500);
    },
  },
  {
    name: "frame boundaries come from timeline times, so rounding never adds up",
    draft: draftOf({ video: Array.from({ length: 12 }, (_, i) => clip(`clip-${i + 1}`, "land", 5017, i > 0 ? { tr: { type: "fade", d: 517 } } : {})) }),
    check: (out) => {
      // 12 × 5.017 s − 11 × 0.517 s = 54.517 s → 1635.51 frames → 1636
      expect(Math.round((out.durationMs * 30) / 1000)).toBe(1636);
    },
  },
  {
    name: "music: trimmed, volume, fades, delay, loop, ducking, amix normalize=0",
    draft: draftOf({
      video: [clip("clip-1", "land", 10_000)],
      music: [music("audio-1", "song", { st: 1000, d: 9000, in: 5000, v: 0.3, fi: 1000, fo: 2000, loop: true, duck: true })],
    }),
    check: (out) => {
      const songInput = out.args.indexOf("/media/song.mp3");
      expect(out.args.slice(songInput - 7, songInput)).toEqual(["-stream_loop", "-1", "-ss", "5", "-t", "9", "-i"]);
      expect(out.filtergraph).toContain("volume=volume=0.3,afade=t=in:st=0:d=1,afade=t=out:st=7:d=2,adelay=delays=1000:all=1");
      expect(out.filtergraph).toContain("sidechaincompress=threshold=0.02:ratio=8");
      expect(out.filtergraph).toContain("asplit=2");
      expect(out.filtergraph).toMatch(/amix=inputs=2:normalize=0:duration=first,atrim=duration=10\[aout\d+\]$/);
      expect(out.needs).toEqual(expect.arrayContaining(["amix-normalize", "sidechaincompress", "afade", "adelay"]));
    },
  },
  {
    name: "contain letterboxes, cover crops",
    draft: draftOf({ video: [clip("clip-1", "land", 1000, { fit: "contain" }), clip("clip-2", "land", 1000, { fit: "cover" })] }),
    options: { width: 1080, height: 1080 },
    check: (out) => {
      expect(out.filtergraph).toContain("pad=w=1080:h=1080:x=(ow-iw)/2:y=(oh-ih)/2:color=black");
      expect(out.filtergraph).toContain("scale=w=1080:h=1080:force_original_aspect_ratio=increase,crop=w=1080:h=1080");
    },
  },
  {
    name: "the draft's format decides size and rate; 29.97 is the exact NTSC fraction",
    draft: draftOf({ video: [clip("clip-1", "land", 1001)], meta: { aspect: "9:16", width: 1080, height: 1920, fps: 29.97 } }),
    check: (out) => {
      expect([out.width, out.height]).toEqual([1080, 1920]);
      expect(argAfter(out, "-r")).toBe("30000/1001");
      expect(out.filtergraph).toContain("fps=30000/1001");
      expect(out.durationMs).toBeCloseTo(1001, 6);
    },
  },
  {
    name: "the output: H.264 High, yuv420p, AAC 192k, faststart, progress on stdout, exact length",
    draft: draftOf({ video: [clip("clip-1", "land", 2000)] }),
    check: (out) => {
      const tail = out.args.slice(out.args.indexOf("-c:v"));
      expect(tail).toEqual([
        "-c:v", "libx264", "-profile:v", "high", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p",
        "-r", "30", "-c:a", "aac", "-b:a", "192k", "-ar", "48000", "-ac", "2", "-t", "2",
        "-movflags", "+faststart", "-f", "mp4", "-progress", "pipe:1", "-nostats", "/out/.render.part",
      ]);
      expect(out.args.slice(0, 5)).toEqual(["-hide_banner", "-nostdin", "-y", "-loglevel", "error"]);
    },
  },
  {
    name: "a preview decodes only what is on screen and writes one PNG frame",
    draft: draftOf({ video: [clip("clip-1", "land", 2000), clip("clip-2", "silent", 2000), clip("clip-3", "photo", 2000)] }),
    options: { previewAtMs: 2500, width: 640, height: 360 },
    check: (out) => {
      expect(inputsOf(out)).toEqual(["/media/silent.mp4"]);
      expect(out.filtergraph.match(/color=c=black/g)).toHaveLength(2);
      expect(out.filtergraph).toMatch(/trim=start_frame=75:end_frame=76/);
      expect(out.args.slice(-8)).toEqual(["-an", "-frames:v", "1", "-c:v", "png", "-f", "image2", "/out/.render.part"]);
      expect(out.filtergraph).not.toMatch(/anullsrc|acrossfade|amix/);
      expect(out.shownAtMs).toBe(2500);
    },
  },
  {
    name: "text alone renders over black for its own length",
    draft: draftOf({ texts: [text("text-1", "Title card", 0, 2000)] }),
    check: (out) => {
      expect(out.filtergraph).toContain("color=c=black:s=1920x1080:r=30");
      expect(out.durationMs).toBe(2000);
      expect(inputsOf(out)).toEqual([]);
    },
  },
];

describe("compileRender (pure)", () => {
  for (const c of CASES) {
    it(c.name, () => c.check(compileRender(c.draft, ALL, { ...OPTIONS, ...c.options })));
  }

  it("refuses an empty timeline", () => {
    expect(() => compileRender({ t: [] }, ALL, OPTIONS)).toThrow(/empty/);
  });

  it("names a segment whose media is no longer registered", () => {
    expect(() => compileRender(draftOf({ video: [clip("clip-7", "gone", 1000)] }), ALL, OPTIONS)).toThrow(/clip-7 uses media "gone"/);
  });

  it("names every missing ffmpeg feature and how to install ffmpeg", () => {
    const poor: FfmpegFeatures = {
      path: "/opt/old/ffmpeg",
      version: "4.1",
      available: new Set(["libx264", "aac", "scale", "fps", "tpad", "crop", "concat", "apad", "atrim", "anullsrc"]),
      transitions: new Set(),
    };
    const draft = draftOf({ video: [clip("clip-1", "land", 2000), clip("clip-2", "land", 2000, { tr: { type: "wipeleft", d: 500 } })] });
    expect(() => compileRender(draft, ALL, { ...OPTIONS, features: poor })).toThrow(/^The ffmpeg at \/opt\/old\/ffmpeg \(version 4\.1\) lacks .*the xfade filter.*apt-get install -y ffmpeg.*brew install ffmpeg/s);
    expect(() => compileRender(draft, ALL, { ...OPTIONS, features: poor })).toThrow(/amix's normalize option/);
  });

  it("names a transition this ffmpeg does not know", () => {
    const features: FfmpegFeatures = { path: "ffmpeg", version: "4.4", available: new Set(["libx264", "aac", "scale", "fps", "tpad", "crop", "xfade", "afade", "amix", "amix-normalize", "concat", "apad", "atrim"]), transitions: new Set(["fade"]) };
    const draft = draftOf({ video: [clip("clip-1", "land", 2000), clip("clip-2", "land", 2000, { tr: { type: "zoomin", d: 500 } })] });
    expect(() => compileRender(draft, ALL, { ...OPTIONS, features })).toThrow(/does not know the transition zoomin/);
  });

  it.each(["fade", "dissolve"])("does not ask xfade for a %s, a cross-dissolve drawn without it", (type) => {
    const features: FfmpegFeatures = {
      path: "ffmpeg",
      version: "5.1",
      available: new Set(["libx264", "aac", "scale", "fps", "tpad", "crop", "fade", "overlay", "afade", "amix", "amix-normalize", "concat", "apad", "atrim"]),
      transitions: new Set(["wipeleft"]),
    };
    const draft = draftOf({ video: [clip("clip-1", "land", 2000), clip("clip-2", "land", 2000, { tr: { type, d: 500 } })] });
    const graph = compileRender(draft, ALL, { ...OPTIONS, features }).args.join(" ");
    expect(graph).toMatch(/fade=t=in:st=0:d=0\.5\d*:alpha=1/);
    expect(graph).not.toContain("xfade");
  });

  it("moves a very long graph into a script file", () => {
    const draft = draftOf({
      video: Array.from({ length: 150 }, (_, i) => clip(`clip-${i + 1}`, "phone", 500)),
      texts: Array.from({ length: 150 }, (_, i) => text(`text-${i + 1}`, `caption ${i}`, i * 500, 500)),
    });
    const out = compileRender(draft, ALL, OPTIONS);
    expect(out.args).toContain("-filter_complex_script");
    expect(out.textFiles.find((f) => f.path === "/work dir/filtergraph.txt")?.content).toBe(out.filtergraph);
  });
});

// --- the graph's wiring, through the real compiler ---------------------------------------------

/** Everything the compiler can draw at once: fits, Ken Burns, both kinds of transition, texts, subtitles, ducked and plain music. */
const RICH: Draft = {
  t: [
    {
      tt: 0,
      sg: [
        clip("clip-1", "phone", 2000),
        clip("clip-2", "land", 2000, { tr: { type: "fade", d: 500 }, v: 0.5 }),
        clip("image-1", "photo", 2000, { kb: "zoom_in", tr: { type: "dissolve", d: 500 } }),
        clip("image-2", "photo", 2000, { kb: "pan_left", fit: "contain" }),
        clip("clip-3", "silent", 2000, { tr: { type: "wipeleft", d: 400 } }),
        clip("clip-4", "slow", 2000, { fit: "blur" }),
        clip("clip-5", "one", 33),
      ],
    },
    { tt: 1, sg: [music("audio-1", "song", { d: 8000, duck: true, fi: 500, fo: 500 }), music("audio-2", "song", { st: 3000, d: 4000, v: 0.4, loop: true })] },
    { tt: 7, sg: [text("text-1", "Opening", 0, 1500), text("text-2", "Two\nlines", 3000, 2000, { box: true })] },
    { tt: 7, role: "subtitles", sg: [text("sub-1", "Hello there", 500, 1000, { pos: "bottom" }), text("sub-2", "Goodbye", 6000, 2000, { pos: "bottom" })] },
  ],
} as Draft;

/** Reads the graph text back into statements and the `-map` args into mapped labels, and checks them again. */
function recheck(out: CompiledRender): string {
  const graph = new GraphBuilder();
  const labels = (run: string): string[] => [...run.matchAll(/\[([^\]\\]+)\]/g)].map((m) => m[1]!);
  for (const statement of out.filtergraph.split(";\n")) {
    const [, inputs = "", body = "", outputs = ""] = /^((?:\[[^\]\\]+\])*)(.*?)((?:\[[^\]\\]+\])*)$/s.exec(statement)!;
    graph.add(labels(inputs), body, labels(outputs));
  }
  const mapped = out.args.flatMap((arg, i) => (arg === "-map" ? [out.args[i + 1]!.slice(1, -1)] : []));
  return graph.build(mapped);
}

describe("the compiled graph's labels are each produced once, consumed once, and the rest mapped", () => {
  it("for an export of a rich timeline", () => {
    const out = compileRender(RICH, ALL, OPTIONS);
    expect(out.needs).toEqual(expect.arrayContaining(["xfade", "fade", "zoompan", "crop", "boxblur", "drawtext", "sidechaincompress", "amix"]));
    expect(out.textFiles.map((f) => f.content)).toEqual(expect.arrayContaining(["Opening", "Hello there", "Goodbye"]));
    expect(inputsOf(out).filter((path) => path === "/media/song.mp3")).toHaveLength(2);
    expect(recheck(out)).toBe(out.filtergraph);
  });

  it("for previews of it, in a transition and between them", () => {
    for (const at of [0, 1800, 3000, 7000, 9000]) {
      const out = compileRender(RICH, ALL, { ...OPTIONS, previewAtMs: at, width: 640, height: 360 });
      expect(recheck(out)).toBe(out.filtergraph);
    }
  });

  it("a compiler that reuses a label fails here, before ffmpeg runs", () => {
    const reuse = vi.spyOn(GraphBuilder.prototype, "label").mockImplementation((prefix: string) => `${prefix}1`);
    try {
      expect(() => compileRender(RICH, ALL, OPTIONS)).toThrow(/the label \[[a-z]+1\] is (produced|consumed) twice/);
    } finally {
      reuse.mockRestore();
    }
  });
});

// --- real ffmpeg on tiny media -----------------------------------------------------------------

describe("compiled graphs run in ffmpeg", () => {
  let set: MediaSet;
  let facts: MediaFacts[];
  let features: FfmpegFeatures;
  let font: string;
  let dir: string;

  beforeAll(async () => {
    dir = await tempDir();
    set = await makeMediaSet(dir);
    features = await probeFfmpeg("ffmpeg");
    font = await locateFont();
    const entries: Array<[string, string]> = [
      ["clip", set.clip], ["silent", set.silentClip], ["portrait", set.portrait], ["vfr", set.vfr],
      ["one", set.oneFrame], ["photo", set.photo], ["music", set.music],
    ];
    facts = await Promise.all(entries.map(async ([id, path]) => ({ id, name: id, path, ...(await probeMedia("ffprobe", path)) })));
  }, 60_000);

  async function render(draft: Draft, name: string, options: Partial<CompileOptions> = {}): Promise<{ path: string; out: CompiledRender }> {
    const work = join(dir, `${name}-work`);
    await mkdir(work, { recursive: true });
    const path = join(dir, `out-${name}.mp4`);
    const out = compileRender(draft, facts, { outputPath: path, workDir: work, fontFile: font, features, width: 320, height: 180, ...options });
    for (const file of out.textFiles) await writeFile(file.path, file.content);
    await runFfmpeg("ffmpeg", out.args, { durationMs: out.durationMs });
    return { path, out };
  }

  it("renders odd inputs together: no audio, VFR, one frame, photos with Ken Burns, transitions", async () => {
    const draft = draftOf({
      video: [
        clip("clip-1", "clip", 1500),
        clip("clip-2", "silent", 1000, { tr: { type: "fade", d: 400 } }),
        clip("clip-3", "vfr", 1000, { in: 300 }),
        clip("clip-4", "one", 33),
        clip("image-1", "photo", 1000, { kb: "pan_right", tr: { type: "slideleft", d: 300 } }),
        clip("image-2", "photo", 700, { fit: "blur" }),
      ],
      music: [music("audio-1", "music", { d: 5000, v: 0.5, fi: 300, fo: 500, loop: true, duck: true })],
    });
    const { path, out } = await render(draft, "odd");
    const info = await probe(path);
    const video = videoStream(info);
    expect([video.codec_name, video.profile, video.pix_fmt, video.width, video.height]).toEqual(["h264", "High", "yuv420p", 320, 180]);
    const frames = Math.round((out.durationMs * 30) / 1000);
    expect(Number(video.nb_frames)).toBe(frames);
    expect(Math.abs(Number(info.format.duration) * 1000 - out.durationMs)).toBeLessThanOrEqual(1000 / 30 + 1);
    const audio = info.streams.find((s) => s.codec_type === "audio");
    expect(audio?.codec_name).toBe("aac");
  });

  it("shows a rotated phone clip upright once: pillarboxed in a landscape frame", async () => {
    const { path } = await render(draftOf({ video: [clip("clip-1", "portrait", 1000, { fit: "contain" })] }), "portrait");
    const pixels = await grayFrame(path, 0.5);
    // 180x320 shown upright fits 320x180 as 102x180 in the middle: black bars left and right.
    expect(regionStats(pixels, 320, { x: 0, y: 0, w: 100, h: 180 }).max).toBeLessThan(24);
    expect(regionStats(pixels, 320, { x: 220, y: 0, w: 100, h: 180 }).max).toBeLessThan(24);
    expect(regionStats(pixels, 320, { x: 120, y: 20, w: 80, h: 140 }).stddev).toBeGreaterThan(20);
  });

  it("draws text with quotes, colons, backslashes, %{…} and emoji from a font whose path needs escaping", async () => {
    const oddFontDir = join(dir, "fonts: it's, [odd]; here");
    await mkdir(oddFontDir, { recursive: true });
    const oddFont = join(oddFontDir, "bold's:font.ttf");
    await copyFile(font, oddFont);
    const draft = draftOf({
      video: [clip("clip-1", "silent", 1000, { fit: "cover" })],
      texts: [text("text-1", `It's 5:00 \\o/ %{pts} 🎬 "go"`, 0, 1000, { pos: "center", box: true, sz: 150 })],
    });
    const { path } = await render(draft, "text", { fontFile: oddFont });
    const withText = await grayFrame(path, 0.5);
    const { path: plainPath } = await render(draftOf({ video: [clip("clip-1", "silent", 1000, { fit: "cover" })] }), "plain");
    const without = await grayFrame(plainPath, 0.5);
    // The text band differs from the same frame without text; the corners do not.
    expect(meanAbsDiff(withText, without, 320, { x: 20, y: 75, w: 280, h: 30 })).toBeGreaterThan(25);
    expect(meanAbsDiff(withText, without, 320, { x: 0, y: 0, w: 320, h: 30 })).toBeLessThan(3);
  });

  /** A dark clip then a bright one (flat grey, 2 s each), joined by a 0.6 s transition: 1.4 s in all. */
  async function darkToBright(type: string): Promise<{ path: string; out: CompiledRender }> {
    const flat = async (name: string, colour: string): Promise<MediaFacts> => {
      const path = join(dir, `${name}.mp4`);
      await runFfmpeg("ffmpeg", ["-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-f", "lavfi", "-i", `color=c=${colour}:s=320x180:r=30:d=2`, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", path]);
      return { id: name, name, path, ...(await probeMedia("ffprobe", path)) };
    };
    const [dark, bright] = await Promise.all([flat(`dark-${type}`, "0x303030"), flat(`bright-${type}`, "0xd0d0d0")]);
    facts.push(dark, bright);
    const draft = draftOf({ video: [clip("clip-1", dark.id, 1000), clip("clip-2", bright.id, 1000, { tr: { type, d: 600 } })] });
    return render(draft, `blend-${type}`);
  }
  const whole = { x: 0, y: 0, w: 320, h: 180 };

  // Dark clip → bright clip over 18 frames: halfway through, the picture is halfway between.
  it.each([
    { type: "fade", tolerance: 4 },
    { type: "wipeleft", tolerance: 12 },
  ])("blends a $type transition from one picture to the next", async ({ type, tolerance }) => {
    // 30 + 30 − 18 frames; the transition is frames 12–29 (0.4–1.0 s).
    const { path, out } = await darkToBright(type);
    expect(out.durationMs).toBe(1400);
    // Frame 16 (first at or after 0.52 s) is 4/18 of the way, frame 21 (0.69 s) 9/18.
    const [before = NaN, quarter = NaN, middle = NaN, after = NaN] = await Promise.all([0.2, 0.52, 0.69, 1.2].map(async (t) => regionStats(await grayFrame(path, t), 320, whole).mean));
    expect(after - before).toBeGreaterThan(120);
    expect(Math.abs(quarter - (before + (after - before) * (4 / 18)))).toBeLessThanOrEqual(tolerance);
    expect(Math.abs(middle - (before + (after - before) * (9 / 18)))).toBeLessThanOrEqual(tolerance);
  });

  it("draws a dissolve as a cross-dissolve (an even blend), and the grainy pixel_dissolve only when asked, at a larger size", async () => {
    const [cross, pixel] = await Promise.all([darkToBright("dissolve"), darkToBright("pixel_dissolve")]);
    const middleOf = async (path: string) => regionStats(await grayFrame(path, 0.69), 320, whole);
    const [before, after] = await Promise.all([0.2, 1.2].map(async (t) => regionStats(await grayFrame(cross.path, t), 320, whole).mean));
    const [blend, grain] = await Promise.all([middleOf(cross.path), middleOf(pixel.path)]);
    // Halfway through, every pixel of the cross-dissolve is halfway between the two pictures.
    expect(Math.abs(blend.mean - (before! + (after! - before!) * (9 / 18)))).toBeLessThanOrEqual(4);
    expect(blend.stddev).toBeLessThan(3);
    // The pixel dissolve shows each pixel from one picture or the other: noise.
    expect(grain.stddev).toBeGreaterThan(30);
    const [crossSize, pixelSize] = await Promise.all([stat(cross.path), stat(pixel.path)]);
    expect(pixelSize.size).toBeGreaterThan(1.5 * crossSize.size);
  });

  it("renders fifty clips in one run", async () => {
    const draft = draftOf({ video: Array.from({ length: 50 }, (_, i) => clip(`clip-${i + 1}`, i % 2 ? "clip" : "silent", 100, { in: (i % 10) * 100 })) });
    const { path, out } = await render(draft, "fifty", { width: 160, height: 90 });
    expect(out.durationMs).toBe(5000);
    const video = videoStream(await probe(path));
    expect(Number(video.nb_frames)).toBe(150);
  }, 60_000);
});
