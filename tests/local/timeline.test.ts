import { describe, expect, it } from "vitest";
import type { Draft } from "../../src/core/draft.js";
import { type LocalTimeline, readTimeline, writeTimeline } from "../../src/local/timeline.js";

/** The draft on disk keeps NemoVideo's short keys; the engine works with long names; nothing is lost between them. */

const RICH: Draft = {
  t: [
    {
      tt: 0,
      sg: [
        { id: "clip-1", n: "beach.mp4", src: "media-1", st: 0, d: 4000, in: 1500, fit: "blur", v: 0.5, ci: true, co: true, of: "clip-1", cam: "A" },
        { id: "image-1", n: "photo.jpg", src: "media-3", st: 3500, d: 3000, in: 0, fit: "contain", kb: "zoom_in", tr: { type: "fade", d: 500 } },
        { id: "clip-2", n: "talk.mp4", src: "media-5", st: 5500, d: 6000, in: 0, kb: "none", v: 0, tr: { type: "wipeleft", d: 1000 }, m: { rev: 2 } },
      ],
    },
    {
      tt: 1,
      sg: [
        { id: "audio-1", n: "music.mp3", src: "media-4", st: 0, d: 11_500, in: 2000, v: 0.35, fi: 1000, fo: 2000, loop: true, duck: true, fill: true },
        { id: "audio-2", n: "voice.mp3", src: "media-6", st: 3000, d: 2000, in: 0, v: 1, fi: 0, fo: 0, loop: false, duck: false, fill: false, lang: "en" },
      ],
    },
    {
      tt: 7,
      sg: [
        { id: "text-1", st: 0, d: 2000, tx: "Summer\nSale", pos: "lower_third", sz: 64, c: "#ffcc00", box: true, anim: { in: "pop" } },
        { id: "text-2", st: 9000, d: 2500, tx: "Shop now", pos: "center", sz: 96, c: "white", box: false },
      ],
    },
    {
      tt: 7,
      n: "Subtitles",
      role: "subtitles",
      sg: [
        { id: "sub-1", st: 500, d: 1500, tx: "Hello there", pos: "bottom", sz: 42, c: "white", box: true },
        { id: "sub-2", st: 3000, d: 1000, tx: "Bye", pos: "bottom", sz: 42, c: "yellow", box: true, speaker: 2 },
      ],
    },
    {
      tt: 0,
      n: "Logo",
      role: "overlay",
      sg: [
        { id: "logo-1", n: "logo.png", src: "media-7", st: 0, d: 11_500, pos: "top_right", w: 0.15, o: 0.8, fill: true },
        { id: "logo-2", n: "badge.png", src: "media-8", st: 1000, d: 2000, pos: "center", w: 0.3, o: 1, fill: false, blend: "screen" },
      ],
    },
    // a track type the local engine does not render, with keys of its own
    { tt: 3, n: "Effects", sg: [{ id: "fx-1", d: 500, kind: "glitch" }], lock: true },
  ],
  d: 11_500,
  m: { aspect: "16:9", width: 1920, height: 1080, fps: 30, title: "Promo", nemo: { rev: 7 } },
};

const LONG_NAMES = new Set([
  "id", "name", "mediaId", "startMs", "durationMs", "sourceInMs", "fit", "kenBurns", "volume", "transition",
  "fadeInMs", "fadeOutMs", "loop", "duckUnderClips", "followsVideoEnd", "text", "position", "sizePx", "colour", "box",
  "widthFraction", "opacity", "cutIn", "cutOut", "pieceOf", "unknownKeys",
]);

function segmentsOf(timeline: LocalTimeline): object[] {
  return [...timeline.video, ...timeline.music, ...timeline.titles, ...timeline.subtitles, ...timeline.logos];
}

describe("the timeline between disk and engine", () => {
  it("writes back exactly the draft it read: short keys, key order, unknown tracks and keys", () => {
    const written = writeTimeline(readTimeline(structuredClone(RICH)));
    expect(written).toStrictEqual(RICH);
    expect(JSON.stringify(written, null, 2)).toBe(JSON.stringify(RICH, null, 2));
  });

  it("gives the engine long names only, unknown keys set apart", () => {
    const timeline = readTimeline(RICH);
    for (const segment of segmentsOf(timeline)) {
      expect(Object.keys(segment).filter((key) => !LONG_NAMES.has(key))).toEqual([]);
    }
    expect(timeline.video[2]).toStrictEqual({
      id: "clip-2",
      name: "talk.mp4",
      mediaId: "media-5",
      startMs: 5500,
      durationMs: 6000,
      sourceInMs: 0,
      kenBurns: "none",
      volume: 0,
      transition: { type: "wipeleft", durationMs: 1000 },
      unknownKeys: { m: { rev: 2 } },
    });
    expect(timeline.video[0]).toMatchObject({ cutIn: true, cutOut: true, pieceOf: "clip-1", unknownKeys: { cam: "A" } });
    // a clip no cut has touched (and every draft from before cut points were kept) has none
    expect(Object.keys(timeline.video[1]!).filter((key) => key.startsWith("cut") || key === "pieceOf")).toEqual([]);
    expect(timeline.music[0]).toMatchObject({ volume: 0.35, fadeInMs: 1000, fadeOutMs: 2000, loop: true, duckUnderClips: true, followsVideoEnd: true });
    expect(timeline.titles[0]).toMatchObject({ text: "Summer\nSale", position: "lower_third", sizePx: 64, colour: "#ffcc00", box: true, unknownKeys: { anim: { in: "pop" } } });
    expect(timeline.subtitles.map((s) => s.id)).toEqual(["sub-1", "sub-2"]);
    expect(timeline.logos[1]).toMatchObject({ position: "center", widthFraction: 0.3, opacity: 1, followsVideoEnd: false, unknownKeys: { blend: "screen" } });
    expect(timeline.other).toEqual([RICH.t[5]]);
    expect(timeline.meta).toEqual(RICH.m);
  });

  it("fills a sparse segment's defaults and writes them in the draft's key order, unknown keys last", () => {
    const sparse: Draft = { t: [{ tt: 1, sg: [{ extra: 1, d: 2000, src: "media-4", id: "audio-1" }] }] };
    expect(writeTimeline(readTimeline(sparse)).t[0]!.sg).toStrictEqual([
      { id: "audio-1", src: "media-4", st: 0, d: 2000, in: 0, v: 1, fi: 0, fo: 0, loop: false, duck: false, fill: false, extra: 1 },
    ]);
  });
});
