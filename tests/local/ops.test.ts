import { describe, expect, it } from "vitest";
import type { Draft } from "../../src/core/draft.js";
import { summarizeTimeline } from "../../src/core/summary.js";
import { parseCharset } from "../../src/local/font-coverage.js";
import { GUIDE_EXAMPLES } from "../../src/local/ops-guide.js";
import { EDIT_OPS_GUIDE, EditOpSchema, type OpHelpers, applyOps, keepRanges } from "../../src/local/ops.js";
import { outlineTimeline } from "../../src/local/segment-ids.js";
import { readTimeline } from "../../src/local/timeline.js";
import { fakeMedia } from "./fixtures.js";

const MEDIA = [
  fakeMedia({ id: "media-1", name: "beach.mp4", duration_ms: 10_000 }),
  fakeMedia({ id: "media-2", name: "city.mov", duration_ms: 6_000, has_audio: false }),
  fakeMedia({ id: "media-3", name: "photo.jpg", kind: "image", has_audio: false, width: 4000, height: 3000 }),
  fakeMedia({ id: "media-4", name: "music.mp3", kind: "audio", duration_ms: 30_000, has_video: false }),
  fakeMedia({ id: "media-5", name: "talk.mp4", duration_ms: 20_000 }),
];

const EMPTY: Draft = { t: [] };

async function apply(ops: unknown[], draft: Draft = EMPTY, helpers: OpHelpers = {}) {
  const result = await applyOps(draft, ops, MEDIA, helpers);
  return { ...result, timeline: readTimeline(result.draft) };
}

async function problemsOf(ops: unknown[], draft: Draft = EMPTY, helpers: OpHelpers = {}): Promise<string> {
  try {
    await applyOps(draft, ops, MEDIA, helpers);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected the ops to be refused");
}

describe("adding", () => {
  it("puts clips one after another with ids, in/out in seconds", async () => {
    const { timeline, draft } = await apply([
      { op: "add_clip", media: "beach.mp4", in: 2, out: 6 },
      { op: "add_clip", media: "city" },
      { op: "add_clip", media: "media-1" },
    ]);
    expect(timeline.video.map((s) => [s.id, s.startMs, s.durationMs, s.sourceInMs])).toEqual([
      ["clip-1", 0, 4000, 2000],
      ["clip-2", 4000, 6000, 0],
      ["clip-3", 10_000, 10_000, 0],
    ]);
    expect(summarizeTimeline(draft)).toBe("Timeline (1 track): 1. Video: beach.mp4 (0-4s), city.mov (4-10s), beach.mp4 (10-20s)");
    expect(draft.d).toBe(20_000);
  });

  it("snaps `at` to the nearest cut and says so", async () => {
    const { timeline, notes } = await apply([
      { op: "add_clip", media: "beach.mp4", out: 4 },
      { op: "add_clip", media: "city.mov" },
      { op: "add_image", media: "photo.jpg", at: 5 },
    ]);
    expect(timeline.video.map((s) => s.id)).toEqual(["clip-1", "image-1", "clip-2"]);
    expect(notes).toContain("image-1 was placed at 4s, the cut nearest to 5s (clips play one after another).");
  });

  it("warns that emoji in a title will show as boxes, and only for texts that hold one", async () => {
    // A font with DejaVu's kind of coverage (no emoji), as fontconfig would describe it; tests/local/fonts.test.ts has the rest.
    const fonts: OpHelpers = { textFonts: async () => [{ file: "/fonts/Bold.ttf", charset: parseCharset("20-7e a0-2e9 2010-2027 2122 2190-21ff 2600-27bf") }] };
    const table: Array<[string, string[]]> = [
      ["Summer Sale", []],
      ["Big sale 🎉🎉 now 🔥", ['text-1: 🎉 🔥 will show as empty boxes in the local render (no font on this computer has them); remove them with {"op":"set_text","segment":"text-1","text":…} unless that is fine.']],
      ["Made in 🇫🇷", ['text-1: 🇫 🇷 will show as empty boxes in the local render (no font on this computer has them); remove them with {"op":"set_text","segment":"text-1","text":…} unless that is fine.']],
      ["Party 🥳", ['text-1: 🥳 will show as an empty box in the local render (no font on this computer has it); remove it with {"op":"set_text","segment":"text-1","text":…} unless that is fine.']],
      // Symbols the font draws as plain glyphs (❤️ too: a monochrome heart, its emoji selector draws nothing).
      ["I ❤️ it: © 2026 Acme™ — 50% off, ★ 4.9 ☀", []],
    ];
    for (const [text, expected] of table) {
      const { notes } = await apply([{ op: "add_text", text }], EMPTY, fonts);
      expect([text, notes]).toEqual([text, expected]);
    }
    const { notes } = await apply(
      [
        { op: "add_text", text: "Launch 🚀" },
        { op: "set_text", segment: "text-1", text: "Launch" },
        { op: "set_text", segment: "text-1", position: "top" },
      ],
      EMPTY,
      fonts,
    );
    expect(notes).toEqual([expect.stringMatching(/^text-1: 🚀 will show as an empty box/)]);
  });

  it("adds photos with a duration and Ken Burns", async () => {
    const { timeline } = await apply([{ op: "add_image", media: "photo.jpg", duration: 4.5, ken_burns: "zoom_in", fit: "contain" }]);
    expect(timeline.video[0]).toMatchObject({ id: "image-1", durationMs: 4500, kenBurns: "zoom_in", fit: "contain", mediaId: "media-3" });
  });

  it("adds text with style; colours by name or hex", async () => {
    const { timeline } = await apply([
      { op: "add_text", text: "Hello", at: 1, duration: 2, position: "top", size: "small", colour: "Yellow", box: true },
      { op: "add_text", text: "World", color: "#FFCC00", size: 120 },
    ]);
    // kept in time order
    expect(timeline.titles).toEqual([
      { id: "text-2", startMs: 0, durationMs: 3000, text: "World", position: "center", sizePx: 120, colour: "#ffcc00", box: false },
      { id: "text-1", startMs: 1000, durationMs: 2000, text: "Hello", position: "top", sizePx: 42, colour: "yellow", box: true },
    ]);
  });

  it("lets music follow the video to its end, through later edits", async () => {
    const first = await apply([
      { op: "add_clip", media: "beach.mp4" },
      { op: "add_audio", media: "music.mp3", volume: 0.35, fade_in: 1, fade_out: 2, duck: true },
    ]);
    expect(first.timeline.music[0]).toMatchObject({
      id: "audio-1",
      startMs: 0,
      durationMs: 10_000,
      volume: 0.35,
      fadeInMs: 1000,
      fadeOutMs: 2000,
      followsVideoEnd: true,
      duckUnderClips: true,
      loop: false,
    });
    const second = await apply([{ op: "add_clip", media: "talk.mp4" }], first.draft);
    expect(second.timeline.music[0]!.durationMs).toBe(30_000);
    expect(summarizeTimeline(second.draft)).toContain("2. BGM: music.mp3 (0-30s, 35%)");
    // without loop the music stops where the file does
    const third = await apply([{ op: "add_clip", media: "talk.mp4" }], second.draft);
    expect(third.timeline.music[0]!.durationMs).toBe(30_000);
    const looped = await apply([{ op: "add_audio", media: "music.mp3", loop: true }], third.draft);
    expect(looped.timeline.music[1]!.durationMs).toBe(50_000);
  });
});

describe("changing", () => {
  const base = [
    { op: "add_clip", media: "beach.mp4", out: 4 },
    { op: "add_clip", media: "city.mov", out: 4 },
    { op: "add_image", media: "photo.jpg", duration: 4 },
  ];

  it("sets transitions for all, after an id or after clip N, and removes them", async () => {
    const all = await apply([...base, { op: "set_transition", all: true, type: "dissolve", duration: 1 }]);
    expect(all.timeline.video.map((s) => s.transition?.type)).toEqual([undefined, "dissolve", "dissolve"]);
    expect(all.timeline.video.map((s) => s.startMs)).toEqual([0, 3000, 6000]);
    const one = await apply([...base, { op: "set_transition", after: "clip-2", type: "wipeleft" }]);
    expect(one.timeline.video[2]!.transition).toEqual({ type: "wipeleft", durationMs: 500 });
    const byNumber = await apply([...base, { op: "set_transition", after: 1, type: "slideright" }]);
    expect(byNumber.timeline.video[1]!.transition?.type).toBe("slideright");
    const none = await apply([{ op: "set_transition", all: true, type: "none" }], all.draft);
    expect(none.timeline.video.every((s) => s.transition === undefined)).toBe(true);
  });

  it("shortens a transition that does not fit its clips, and says so", async () => {
    const { timeline, notes } = await apply([
      { op: "add_clip", media: "beach.mp4", out: 1 },
      { op: "add_clip", media: "city.mov", out: 4 },
      { op: "set_transition", after: "clip-1", type: "fade", duration: 3 },
    ]);
    expect(timeline.video[1]!.transition).toEqual({ type: "fade", durationMs: 900 });
    expect(notes).toContain("The transition into clip-2 was shortened to 0.9 s to fit the clips around it.");
  });

  it("trims: moving the in-point keeps the out-point; photos and texts take a duration", async () => {
    const { timeline } = await apply([
      ...base,
      { op: "add_text", text: "Hi" },
      { op: "trim", segment: "clip-1", in: 1 },
      { op: "trim", segment: "clip-2", in: 0.5, out: 2.5 },
      { op: "trim", segment: "image-1", duration: 2 },
      { op: "trim", segment: "text-1", duration: 1.5 },
    ]);
    expect(timeline.video.map((s) => [s.id, s.sourceInMs, s.durationMs])).toEqual([
      ["clip-1", 1000, 3000],
      ["clip-2", 500, 2000],
      ["image-1", 0, 2000],
    ]);
    expect(timeline.titles[0]!.durationMs).toBe(1500);
    // the points a trim or add_clip set are cut points, which fit_duration keeps; a photo has none
    expect(timeline.video.map((s) => [s.cutIn, s.cutOut])).toEqual([[true, true], [true, true], [undefined, undefined]]);
  });

  it("removes and moves segments; ids stay", async () => {
    const { timeline } = await apply([
      ...base,
      { op: "add_text", text: "Hi" },
      { op: "move", segment: "image-1", to: 1 },
      { op: "move", segment: "text-1", at: 2.5 },
      { op: "remove", segment: "clip-2" },
    ]);
    expect(timeline.video.map((s) => [s.id, s.startMs])).toEqual([["image-1", 0], ["clip-1", 4000]]);
    expect(timeline.titles[0]!.startMs).toBe(2500);
  });

  it("sets the format: short side is the resolution", async () => {
    const portrait = await apply([{ op: "set_format", aspect: "9:16" }]);
    expect(portrait.draft.m).toEqual({ aspect: "9:16", width: 1080, height: 1920, fps: 30 });
    const feed = await apply([{ op: "set_format", aspect: "4:5", fps: 25 }]);
    expect(feed.draft.m).toMatchObject({ width: 1080, height: 1350, fps: 25 });
    const hd = await apply([{ op: "set_format", resolution: "720p" }], portrait.draft);
    expect(hd.draft.m).toMatchObject({ aspect: "9:16", width: 720, height: 1280 });
    const square = await apply([{ op: "set_format", aspect: "1:1", resolution: 180 }]);
    expect(square.draft.m).toMatchObject({ width: 180, height: 180 });
  });

  it("sets volumes and edits texts", async () => {
    const { timeline } = await apply([
      ...base,
      { op: "add_audio", media: "music.mp3" },
      { op: "add_text", text: "Old" },
      { op: "set_volume", segment: "all_clips", volume: 0 },
      { op: "set_volume", segment: "audio-1", volume: 0.2 },
      { op: "set_text", segment: "text-1", text: "New", position: "bottom", colour: "red", box: true },
    ]);
    expect(timeline.video.map((s) => s.volume)).toEqual([0, 0, 0]);
    expect(timeline.music[0]!.volume).toBe(0.2);
    expect(timeline.titles[0]).toMatchObject({ text: "New", position: "bottom", colour: "red", box: true });
  });
});

describe("fit_duration", () => {
  it("keeps the in and out points add_clip was given, as it keeps a trim's", async () => {
    const { timeline, notes } = await apply([
      { op: "add_clip", media: "city.mov", in: 1, out: 3 },
      { op: "add_clip", media: "beach.mp4" },
      { op: "add_image", media: "photo.jpg", duration: 2 },
      { op: "fit_duration", seconds: 20 },
    ]);
    expect(timeline.video.map((s) => [s.id, s.sourceInMs, s.durationMs, s.cutIn, s.cutOut])).toEqual([
      ["clip-1", 1000, 2000, true, true],
      ["clip-2", 0, 10_000, undefined, undefined],
      ["image-1", 0, 8000, undefined, undefined],
    ]);
    expect(notes.at(-1)).toMatch(/clip-1 still ends where it was cut\.$/);
  });

  it("stretches photos and clips in proportion, never past a clip's footage, and moves titles along", async () => {
    const { timeline, notes } = await apply([
      { op: "add_clip", media: "city.mov" },
      { op: "fit_duration", seconds: 3 },
      { op: "add_image", media: "photo.jpg", duration: 3 },
      { op: "add_image", media: "photo.jpg", duration: 3 },
      { op: "set_transition", all: true, type: "fade", duration: 0.5 },
      { op: "add_text", text: "End", at: 7, duration: 1 },
      { op: "fit_duration", seconds: 30 },
    ]);
    const end = timeline.video[timeline.video.length - 1]!;
    expect(end.startMs + end.durationMs).toBe(30_000);
    expect(timeline.video[0]!.durationMs).toBe(6000); // city.mov has 6 s
    expect(timeline.video[1]!.durationMs).toBe(timeline.video[2]!.durationMs);
    expect(timeline.titles[0]!.startMs).toBe(26_250);
    expect(notes.at(-1)).toMatch(/^Fitted the timeline from 8s to 30s: 3 of 3 clips and photos made longer in proportion \(clip-1 now uses all of its footage\); titles moved with them\.$/);
  });

  it("shortens everything in proportion", async () => {
    const { timeline } = await apply([
      { op: "add_clip", media: "beach.mp4" },
      { op: "add_clip", media: "talk.mp4" },
      { op: "fit_duration", seconds: 15 },
    ]);
    expect(timeline.video.map((s) => s.durationMs)).toEqual([5000, 10_000]);
  });

  it("refuses a length the footage cannot reach, naming the most it can be", async () => {
    const message = await problemsOf([
      { op: "add_clip", media: "beach.mp4" },
      { op: "add_clip", media: "city.mov" },
      { op: "fit_duration", seconds: 60 },
    ]);
    expect(message).toContain("op 3 (fit_duration): the clips hold only 16s of footage, short of 60s; add photos or clips, or ask for at most 16s");
  });
});

describe("remove_silence", () => {
  const silences: OpHelpers = {
    detectSilence: async (media, fromMs, toMs) => {
      expect(media.id).toBe("media-5");
      expect([fromMs, toMs]).toEqual([0, 20_000]);
      return [
        { startMs: 0, endMs: 1000 },
        { startMs: 5000, endMs: 8000 },
        { startMs: 12_000, endMs: 12_300 }, // too short once speech keeps its air
        { startMs: 18_000, endMs: 20_000 },
      ];
    },
  };

  it("cuts the pauses: the clip becomes several trimmed pieces, the first keeps its id", async () => {
    const { timeline, notes } = await apply(
      [
        { op: "add_clip", media: "beach.mp4", out: 2 },
        { op: "add_clip", media: "talk.mp4" },
        { op: "set_transition", after: "clip-1", type: "fade" },
        { op: "remove_silence", segment: "clip-2" },
      ],
      EMPTY,
      silences,
    );
    expect(timeline.video.map((s) => [s.id, s.sourceInMs, s.durationMs, s.transition?.type])).toEqual([
      ["clip-1", 0, 2000, undefined],
      // 0.15 s of air is kept next to speech on both sides of every cut
      ["clip-2", 850, 4300, "fade"],
      ["clip-3", 7850, 10_300, undefined],
    ]);
    // every end a pause was cut from is a cut point; both pieces come from clip-2
    expect(timeline.video.map((s) => [s.cutIn, s.cutOut, s.pieceOf])).toEqual([
      [undefined, true, undefined],
      [true, true, "clip-2"],
      [true, true, "clip-2"],
    ]);
    expect(notes).toContain("clip-2: cut 3 pauses (5.4s); it is now clip-2, clip-3.");
  });

  it("keeps ranges with air around speech", () => {
    expect(keepRanges(0, 10_000, [{ startMs: 2000, endMs: 4000 }])).toEqual([
      { startMs: 0, endMs: 2150 },
      { startMs: 3850, endMs: 10_000 },
    ]);
    expect(keepRanges(0, 10_000, [])).toEqual([{ startMs: 0, endMs: 10_000 }]);
    expect(keepRanges(0, 10_000, [{ startMs: 0, endMs: 10_000 }])).toEqual([]);
  });

  it("refuses clips without sound and silent clips", async () => {
    const silent: OpHelpers = { detectSilence: async (_m, from, to) => [{ startMs: from, endMs: to }] };
    const message = await problemsOf(
      [{ op: "add_clip", media: "city.mov" }, { op: "remove_silence", segment: "clip-1" }, { op: "add_clip", media: "talk.mp4" }, { op: "remove_silence", segment: "clip-2" }],
      EMPTY,
      silent,
    );
    expect(message).toContain("op 2 (remove_silence): clip-1 has no sound to find pauses in");
    expect(message).toContain("op 4 (remove_silence): clip-2 is silent from start to end; remove it instead");
  });
});

describe("add_subtitles", () => {
  const files: Record<string, string> = {
    "/subs/talk.srt": "1\n00:00:01,000 --> 00:00:02,500\n<i>Hello</i> there\n\n2\n00:00:03,000 --> 00:00:04,000\nSecond line\nand more\n",
    "/subs/talk.vtt": "WEBVTT\n\nNOTE a comment\n\n00:01.000 --> 00:02.000 line:0\nFirst\n\nintro\n00:00:02.500 --> 00:00:03.000\nSecond\n",
  };
  const helpers: OpHelpers = { readTextFile: async (path) => files[path] ?? Promise.reject(new Error("missing")) };

  it("turns cues into subtitle texts on their own track; a file for the finished video stays at its times", async () => {
    const { timeline, draft, notes } = await apply(
      [{ op: "add_clip", media: "talk.mp4" }, { op: "add_subtitles", file: "/subs/talk.srt", follows: "timeline" }],
      EMPTY,
      helpers,
    );
    expect(timeline.subtitles).toEqual([
      { id: "sub-1", startMs: 1000, durationMs: 1500, text: "Hello there", position: "bottom", sizePx: 42, colour: "white", box: true },
      { id: "sub-2", startMs: 3000, durationMs: 1000, text: "Second line\nand more", position: "bottom", sizePx: 42, colour: "white", box: true },
    ]);
    expect(draft.t[1]).toMatchObject({ tt: 7, n: "Subtitles" });
    expect(notes).toContain("Added 2 subtitles from /subs/talk.srt.");
  });

  it("with one recording on the track, the cues follow it by default: times are the recording's", async () => {
    const { timeline, draft, notes } = await apply(
      [
        { op: "add_image", media: "photo.jpg", duration: 3 },
        { op: "add_clip", media: "talk.mp4", in: 0.5 },
        { op: "add_subtitles", file: "/subs/talk.srt" },
      ],
      EMPTY,
      helpers,
    );
    // 1 s in the recording is 0.5 s into clip-1, which starts at 3 s.
    expect(timeline.subtitles.map((s) => [s.id, s.startMs, s.durationMs, s.followsClip, s.sourceInMs, s.sourceDurationMs])).toEqual([
      ["sub-1", 3500, 1500, "clip-1", 1000, 1500],
      ["sub-2", 5500, 1000, "clip-1", 3000, 1000],
    ]);
    expect(draft.t[1]!.sg[0]).toMatchObject({ id: "sub-1", st: 3500, d: 1500, fl: "clip-1", src: "media-5", in: 1000, sd: 1500 });
    expect(notes[notes.length - 1]).toBe(
      'Added 2 subtitles from /subs/talk.srt; they follow clip-1 (their times are times in talk.mp4) and stay on its speech through trims, cut pauses, moves and fit_duration. For a file made for the finished video, send it with "follows": "timeline".',
    );
  });

  it("a following subtitle's duration is a span of the recording; moved to a time, it stays there", async () => {
    const built = await apply([{ op: "add_clip", media: "talk.mp4", in: 0.5 }, { op: "add_subtitles", file: "/subs/talk.srt" }], EMPTY, helpers);
    const trimmed = await apply([{ op: "trim", segment: "sub-1", duration: 0.5 }, { op: "trim", segment: "clip-1", in: 0 }], built.draft, helpers);
    expect(trimmed.timeline.subtitles[0]).toMatchObject({ startMs: 1000, durationMs: 500, sourceInMs: 1000, sourceDurationMs: 500 });
    const moved = await apply([{ op: "move", segment: "sub-2", at: 7 }, { op: "trim", segment: "clip-1", in: 2 }], trimmed.draft, helpers);
    expect(moved.notes).toContain("sub-2 now stays at 7s in the video and no longer follows clip-1's speech.");
    expect(moved.timeline.subtitles[1]).toEqual({ id: "sub-2", startMs: 7000, durationMs: 1000, text: "Second line\nand more", position: "bottom", sizePx: 42, colour: "white", box: true });
    // the in-point at 2 s cut sub-1's speech (1–1.5 s)
    expect(moved.notes).toContain("1 subtitle (sub-1) fell in a part of clip-1 that was cut, so it is hidden (it comes back if that footage is put back).");
  });

  it("follows the clip asked for; with several recordings and none asked for, stays at fixed times and says how to follow one", async () => {
    const two = [{ op: "add_clip", media: "beach.mp4", in: 2 }, { op: "add_clip", media: "talk.mp4" }];
    const asked = await apply([...two, { op: "add_subtitles", file: "/subs/talk.srt", follows: "clip-2" }], EMPTY, helpers);
    expect(asked.timeline.subtitles.map((s) => [s.startMs, s.followsClip])).toEqual([[9000, "clip-2"], [11_000, "clip-2"]]);
    const fixed = await apply([...two, { op: "add_subtitles", file: "/subs/talk.srt" }], EMPTY, helpers);
    expect(fixed.timeline.subtitles.map((s) => [s.startMs, s.followsClip])).toEqual([[1000, undefined], [3000, undefined]]);
    expect(fixed.notes.at(-1)).toContain('send it with "follows": "clip-1" (or another clip)');
    expect(await problemsOf([{ op: "add_image", media: "photo.jpg", duration: 2 }, { op: "add_subtitles", file: "/subs/talk.srt", follows: "image-1" }], EMPTY, helpers)).toContain(
      'op 2 (add_subtitles): image-1 is a photo; subtitles follow a clip\'s recording (or give "follows": "timeline")',
    );
  });

  it("reads WebVTT, with an offset, replacing earlier subtitles", async () => {
    const first = await apply([{ op: "add_subtitles", file: "/subs/talk.srt" }], EMPTY, helpers);
    const { timeline } = await apply([{ op: "add_subtitles", file: "/subs/talk.vtt", offset: 0.5 }], first.draft, helpers);
    expect(timeline.subtitles.map((s) => [s.text, s.startMs, s.durationMs])).toEqual([["First", 1500, 1000], ["Second", 3000, 500]]);
  });
});

describe("all or nothing", () => {
  it("reports every problem at once, in op order, and changes nothing", async () => {
    const before: Draft = { t: [{ tt: 0, sg: [{ id: "clip-1", n: "beach.mp4", src: "media-1", st: 0, d: 4000, in: 0 }] }], d: 4000 };
    const frozen = JSON.stringify(before);
    const message = await problemsOf(
      [
        { op: "add_clip", media: "nowhere.mp4" },
        { op: "add_text", text: "ok" },
        { op: "trim", segment: "clip-9", in: 1 },
        { op: "explode" },
        { op: "add_clip", media: "beach.mp4", duraton: 2 },
        { op: "add_text", text: "x", colour: "sparkly" },
        { op: "set_transition", type: "fade" },
        { op: "add_clip", media: "photo.jpg" },
        { op: "add_clip", media: "beach.mp4", in: 12 },
        "not an op",
      ],
      before,
    );
    expect(message.split("\n")).toEqual([
      "9 problems in the edits, so nothing was changed:",
      '- op 1 (add_clip): no uploaded media is called "nowhere.mp4" (uploaded: media-1 beach.mp4, media-2 city.mov, media-3 photo.jpg, media-4 music.mp3, media-5 talk.mp4)',
      '- op 3 (trim): there is no segment "clip-9" (ids: clip-1, text-1)',
      "- op 4 (explode): unknown op \"explode\"; use one of add_clip, add_image, add_text, add_logo, add_audio, set_transition, trim, remove, move, set_format, fit_duration, sync_to_music, remove_silence, add_subtitles, set_volume, set_text",
      '- op 5 (add_clip): unknown field "duraton"; add_clip takes media, in, out, at, fit, volume',
      '- op 6 (add_text): unknown colour "sparkly"; use white, black, yellow, red, green, blue, orange, pink, purple, cyan, gold or "#RRGGBB"',
      '- op 7 (set_transition): give either "after" (a clip) or "all": true',
      '- op 8 (add_clip): "photo.jpg" is a photo; add it with add_image',
      '- op 9 (add_clip): "in" 12s is past the end of "beach.mp4" (10s long)',
      '- op 10: each op must be an object like {"op":"add_clip", …}',
    ]);
    expect(JSON.stringify(before)).toBe(frozen);
  });

  it("explains type and range mistakes", async () => {
    const message = await problemsOf([
      { op: "add_text", text: "", duration: -1 },
      { op: "add_audio", media: "music.mp3", volume: 3 },
      { op: "set_format", aspect: "21:9" },
      { op: "add_clip", media: 5 },
    ]);
    expect(message).toContain('op 1 (add_text): "text" must be at least 1 characters');
    expect(message).toContain('op 1 (add_text): "duration" must be at least 0.001');
    expect(message).toContain('op 2 (add_audio): "volume" must be at most 1');
    expect(message).toContain('op 3 (set_format): "aspect" must be one of 16:9, 9:16, 1:1, 4:5');
    expect(message).toContain('op 4 (add_clip): "media" must be a string');
  });

  it("refuses an empty list and names ambiguous media", async () => {
    await expect(applyOps(EMPTY, [], MEDIA)).rejects.toThrow(/No edits given/);
    const twins = [...MEDIA, fakeMedia({ id: "media-9", name: "beach.mp4", path: "/other/beach.mp4" })];
    await expect(applyOps(EMPTY, [{ op: "add_clip", media: "beach.mp4" }], twins)).rejects.toThrow(/"beach.mp4" is ambiguous: media-1 \(\/media\/beach.mp4\), media-9 \(\/other\/beach.mp4\); use the id/);
  });

  it("keeps keys of the draft it does not know", async () => {
    const { draft } = await apply([{ op: "add_text", text: "Hi" }], { t: [], custom: { a: 1 } } as Draft);
    expect((draft as Record<string, unknown>)["custom"]).toEqual({ a: 1 });
  });
});

describe("the guide", () => {
  it("its worked examples are valid ops that give 60 s and 30 s", async () => {
    const promo = [
      fakeMedia({ id: "media-1", name: "intro.mp4", duration_ms: 20_000 }),
      fakeMedia({ id: "media-2", name: "product.mov", duration_ms: 30_000 }),
      fakeMedia({ id: "media-3", name: "team.mp4", duration_ms: 40_000 }),
      fakeMedia({ id: "media-4", name: "outro.mp4", duration_ms: 15_000 }),
      fakeMedia({ id: "media-5", name: "music.mp3", kind: "audio", duration_ms: 90_000, has_video: false }),
      ...Array.from({ length: 6 }, (_, i) => fakeMedia({ id: `media-${6 + i}`, name: `photo${i + 1}.jpg`, kind: "image", has_audio: false })),
    ];
    for (const [ops, seconds] of [[GUIDE_EXAMPLES.PROMO_FROM_CLIPS, 60], [GUIDE_EXAMPLES.PROMO_FROM_PHOTOS, 30]] as const) {
      for (const op of ops) expect(EditOpSchema.safeParse(op).success).toBe(true);
      const { draft } = await applyOps(EMPTY, [...ops], promo);
      expect(draft.d).toBe(seconds * 1000);
    }
    expect(EDIT_OPS_GUIDE).toContain("60-second promo video with text overlays and transitions");
    expect(EDIT_OPS_GUIDE).toContain('"op":"fit_duration","seconds":30');
  });

  it("the outline names every segment by id", async () => {
    const { timeline } = await apply([
      { op: "add_clip", media: "beach.mp4", in: 1, out: 5, fit: "blur" },
      { op: "add_image", media: "photo.jpg", ken_burns: "pan_left" },
      { op: "set_transition", all: true, type: "fade" },
      { op: "add_audio", media: "music.mp3", volume: 0.3, duck: true },
      { op: "add_text", text: "Hello", position: "top" },
    ]);
    expect(outlineTimeline(timeline)).toEqual([
      "clip-1 beach.mp4 0-4s (from 1s, fit blur)",
      "image-1 photo.jpg 3.5-6.5s (ken burns pan_left, fade 0.5s in)",
      "audio-1 music.mp3 0-6.5s (volume 30%, ducked)",
      'text-1 "Hello" 0-3s (top)',
    ]);
  });
});
