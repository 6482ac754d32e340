import { describe, expect, it } from "vitest";
import type { Draft } from "../../src/core/draft.js";
import { compileRender } from "../../src/local/compile.js";
import { musicEntries, musicLevel } from "../../src/local/project/mlt-parts.js";
import { writeKdenlive } from "../../src/local/project/kdenlive.js";
import { writeMlt } from "../../src/local/project/mlt.js";
import { notCarriedInMlt } from "../../src/local/project/not-carried.js";
import { hexColour, planProject } from "../../src/local/project/plan-from-timeline.js";
import type { ProjectMusic, ProjectPlan } from "../../src/local/project/plan.js";
import { escapeAttribute, escapeText } from "../../src/local/project/xml.js";
import { fakeMedia } from "./fixtures.js";

/** The project plan and the MLT writers as pure functions: frames, names, escaping. */

type Seg = Record<string, unknown>;
const clip = (id: string, src: string, d: number, extra: Seg = {}): Seg => ({ id, n: `${src}`, src, st: 0, d, in: 0, ...extra });
const text = (id: string, tx: string, st: number, d: number, extra: Seg = {}): Seg => ({ id, st, d, tx, pos: "center", sz: 96, c: "white", box: false, ...extra });
const music = (id: string, src: string, extra: Seg = {}): Seg => ({ id, n: "music", src, st: 0, d: 1000, in: 0, v: 1, fi: 0, fo: 0, loop: false, duck: false, fill: true, ...extra });

function draftOf(parts: { video?: Seg[]; music?: Seg[]; texts?: Seg[]; subtitles?: Seg[]; meta?: Seg }): Draft {
  const t: Seg[] = [];
  if (parts.video?.length) t.push({ tt: 0, sg: parts.video });
  if (parts.music?.length) t.push({ tt: 1, sg: parts.music });
  if (parts.texts?.length) t.push({ tt: 7, sg: parts.texts });
  if (parts.subtitles?.length) t.push({ tt: 7, role: "subtitles", sg: parts.subtitles });
  return { t, m: { aspect: "16:9", width: 640, height: 360, fps: 30, ...parts.meta } } as unknown as Draft;
}

const MEDIA = [
  fakeMedia({ id: "media-1", name: "beach & sun.mp4", path: "/home/ann/My Videos/beach & sun <1>.mp4" }),
  fakeMedia({ id: "media-2", name: "photo.jpg", path: "/home/ann/photo.jpg", kind: "image", duration_ms: undefined, width: 400, height: 300, has_audio: false, fps: undefined }),
  fakeMedia({ id: "media-3", name: "song.mp3", path: "/home/ann/song.mp3", kind: "audio", duration_ms: 2000, width: undefined, height: undefined, has_video: false, fps: undefined }),
];

describe("planProject lays the timeline out in the render's frames", () => {
  const draft = draftOf({
    video: [
      clip("clip-1", "media-1", 2000, { in: 1500 }),
      clip("image-1", "media-2", 1000, { kb: "zoom_in", tr: { type: "dissolve", d: 500 } }),
      clip("clip-2", "media-1", 1500, { in: 250, v: 0.5, tr: { type: "wipeleft", d: 300 } }),
    ],
    music: [music("audio-1", "media-3", { v: 0.6, fi: 1000, fo: 500, loop: true, duck: true })],
    texts: [text("text-1", "Hi", 0, 500, { c: "gold" }), text("text-2", "Too late", 10_000, 500)],
    subtitles: [text("sub-1", "A cue", 1000, 500)],
    meta: { title: "Summer \"promo\"" },
  });
  const plan = planProject(draft, MEDIA);

  it.each([
    // id, startFrame, frames, sourceInFrame, transition frames
    ["clip-1", 0, 60, 45, undefined],
    ["image-1", 45, 30, 0, 15],
    ["clip-2", 66, 45, 8, 9],
  ] as const)("%s starts at frame %i and lasts %i, from source frame %i", (id, start, frames, sourceIn, transition) => {
    const planned = plan.clips.find((c) => c.id === id)!;
    expect(planned).toMatchObject({ startFrame: start, frames, sourceInFrame: sourceIn });
    expect(planned.transition?.frames).toBe(transition);
  });

  it("ends where the render ends, and keeps the clips' own facts", () => {
    const compiled = compileRender(draft, MEDIA, { outputPath: "/out/x.mp4", workDir: "/w", fontFile: "/f.ttf" });
    expect(plan.totalFrames).toBe(111);
    expect(compiled.timelineMs).toBeCloseTo((plan.totalFrames * 1000) / 30, 6);
    expect(plan).toMatchObject({ title: 'Summer "promo"', width: 640, height: 360, frameRate: { num: 30, den: 1 } });
    expect(plan.clips[1]).toMatchObject({ kind: "image", kenBurns: "zoom_in", transition: { type: "dissolve", frames: 15 } });
    expect(plan.clips[2]).toMatchObject({ volume: 0.5, fit: "cover" });
    expect(plan.sources.map((s) => [s.id, s.path, s.kind])).toEqual(MEDIA.map((m) => [m.id, m.path, m.kind]));
  });

  it("cuts music and texts at the end, keeps fades, loop and ducking, and says subtitles from titles", () => {
    expect(plan.music).toEqual([
      { id: "audio-1", sourceId: "media-3", startFrame: 0, frames: 111, sourceInMs: 0, volume: 0.6, fadeInFrames: 30, fadeOutFrames: 15, loop: true, ducked: true },
    ]);
    expect(plan.texts.map((t) => [t.id, t.kind, t.startFrame, t.frames, t.colour])).toEqual([
      ["text-1", "title", 0, 15, "#ffd700"],
      ["sub-1", "subtitle", 30, 15, "#ffffff"],
    ]);
  });

  it("an empty timeline is not ready, as for an export; a clip whose media is gone names it", () => {
    expect(() => planProject(draftOf({}), MEDIA)).toThrow(/The timeline is empty/);
    expect(() => planProject(draftOf({ video: [clip("clip-9", "media-7", 1000)] }), MEDIA)).toThrow(/clip-9 uses media "media-7", which is not registered/);
  });

  it("says in words what MLT could not carry", () => {
    expect(notCarriedInMlt(plan, "mlt")).toEqual([
      "the Ken Burns moves (image-1): the photos are still; add a zoom or pan in the editor",
      // a 4:3 photo in a 16:9 frame: the render's automatic fit is the blurred background
      "the blurred background behind image-1: shown whole with black bars instead",
      "the music's ducking under the clips' sound (audio-1): it plays at its own level throughout",
      "the wipeleft transition is written as a plain dissolve of the same length (change it in the editor)",
      "titles and subtitles are text filters on the timeline's output (Shotcut lists them under the Output's filters; the font and line breaks may differ a little)",
    ]);
  });

  it("both documents name every file by its absolute path, escaped, and carry titles as text", () => {
    for (const xml of [writeMlt(plan), writeKdenlive(plan)]) {
      expect(xml).toContain("<property name=\"resource\">/home/ann/My Videos/beach &amp; sun &lt;1&gt;.mp4</property>");
      expect(xml).toContain('title="Summer &quot;promo&quot;"');
      expect(xml).toContain('<property name="argument">Hi</property>');
      expect(xml).not.toMatch(/<1>|& /);
    }
  });
});

describe("music in MLT", () => {
  const piece: ProjectMusic = { id: "a", sourceId: "s", startFrame: 0, frames: 10, sourceInMs: 500, volume: 1, fadeInFrames: 3, fadeOutFrames: 2, loop: true, ducked: false };

  it("fades linearly in amplitude, keyed frame by frame in dB", () => {
    expect(musicLevel(piece)).toBe("0=-100;1=-9.542;2=-3.522;3=0;8=0;9=-6.021;10=-100");
    expect(musicLevel({ ...piece, fadeInFrames: 0, fadeOutFrames: 0, volume: 0.5 })).toBe("0=-6.021;9=-6.021");
  });

  it("loops from the in-point, then from the start, until the piece is full", () => {
    const plan = { frameRate: { num: 30, den: 1 } } as ProjectPlan;
    const source = { id: "s", name: "s", path: "/s.mp3", kind: "audio" as const, durationMs: 2000, hasAudio: true };
    const entries = musicEntries({ ...piece, frames: 120 }, "p", source, plan).map((e) => [e.attributes!["in"], e.attributes!["out"]]);
    expect(entries).toEqual([[15, 59], [0, 59], [0, 14]]);
    expect(musicEntries({ ...piece, frames: 100, loop: false }, "p", source, plan)).toHaveLength(1);
  });
});

describe("XML escaping", () => {
  it.each([
    ["Tom & Jerry", "Tom &amp; Jerry", "Tom &amp; Jerry"],
    ["<b>bold</b>", "&lt;b&gt;bold&lt;/b&gt;", "&lt;b&gt;bold&lt;/b&gt;"],
    ['say "hi" it\'s', 'say "hi" it\'s', "say &quot;hi&quot; it&apos;s"],
    ["café 東京 🎬", "café 東京 🎬", "café 東京 🎬"],
    ["two\nlines", "two\nlines", "two&#10;lines"],
    ["bell\u0007 nul\u0000 lone\ud800 ok", "bell nul lone ok", "bell nul lone ok"],
  ])("%j", (raw, text, attribute) => {
    expect(escapeText(raw)).toBe(text);
    expect(escapeAttribute(raw)).toBe(attribute);
  });

  it("colours: names as the render draws them, hex kept, the unknown white", () => {
    expect([hexColour("gold"), hexColour("#FFCC00"), hexColour("#11223344"), hexColour("chartreuse")]).toEqual(["#ffd700", "#ffcc00", "#112233", "#ffffff"]);
  });
});
