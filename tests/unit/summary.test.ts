import { describe, expect, it } from "vitest";
import { parseDraft } from "../../src/core/draft.js";
import { describeTracks, formatSeconds, summarizeTimeline } from "../../src/core/summary.js";

const SEED = parseDraft({
  t: [
    { tt: 0, sg: [{ n: "city timelapse", d: 10000 }] },
    { tt: 1, sg: [{ n: "Lo-fi", st: 0, d: 10000, v: 0.35 }] },
    { tt: 7, sg: [{ tx: "Urban Dreams", d: 3000 }] },
  ],
});

describe("summarizeTimeline", () => {
  it("writes the seed example exactly", () => {
    expect(summarizeTimeline(SEED)).toBe(
      'Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: "Urban Dreams" (0-3s)',
    );
  });

  const cases: Array<[string, unknown, string]> = [
    ["empty draft", {}, "Timeline (0 tracks): empty"],
    ["garbage draft", "not json", "Timeline (0 tracks): empty"],
    ["one track is singular", { t: [{ tt: 0, sg: [{ n: "a", d: 2500 }] }] }, "Timeline (1 track): 1. Video: a (0-2.5s)"],
    ["empty track", { t: [{ tt: 0, sg: [] }, { tt: 1 }] }, "Timeline (2 tracks): 1. Video: empty 2. BGM: empty"],
    [
      "sequential clips without starts follow each other",
      { t: [{ tt: 0, sg: [{ n: "intro", d: 4000 }, { n: "beach", d: 6000 }] }] },
      "Timeline (1 track): 1. Video: intro (0-4s), beach (4-10s)",
    ],
    [
      "names fall back to the track name for a lone segment",
      { t: [{ tt: 1, n: "Soundtrack", sg: [{ d: 5000 }] }] },
      "Timeline (1 track): 1. BGM: Soundtrack (0-5s)",
    ],
    [
      "then to numbered placeholders",
      { t: [{ tt: 0, sg: [{ d: 1000 }, { d: 1000 }] }, { tt: 1, sg: [{ d: 2000 }] }] },
      "Timeline (2 tracks): 1. Video: clip 1 (0-1s), clip 2 (1-2s) 2. BGM: audio 1 (0-2s)",
    ],
    [
      "volume as a percentage is kept, a gain is converted",
      { t: [{ tt: 1, sg: [{ n: "a", d: 1000, v: 80 }, { n: "b", st: 1000, d: 1000, volume: 0.5 }, { n: "c", st: 2000, d: 1000 }] }] },
      "Timeline (1 track): 1. BGM: a (0-1s, 80%), b (1-2s, 50%), c (2-3s)",
    ],
    [
      "title falls back to the name, then to untitled",
      { t: [{ tt: 7, sg: [{ n: "Caption", d: 1000 }, { st: 1000, d: 1000 }] }] },
      'Timeline (1 track): 1. Title: "Caption" (0-1s), untitled (1-2s)',
    ],
    [
      "unknown track types are Track",
      { t: [{ tt: 3, sg: [{ n: "sticker", st: 500, d: 1000 }] }] },
      "Timeline (1 track): 1. Track: sticker (0.5-1.5s)",
    ],
    [
      "more than four segments are counted",
      { t: [{ tt: 0, sg: Array.from({ length: 8 }, (_, i) => ({ n: `c${i}`, d: 7500 })) }] },
      "Timeline (1 track): 1. Video: 8 clips (0-60s)",
    ],
    [
      "busy text and audio tracks are counted with their own nouns",
      {
        t: [
          { tt: 7, sg: Array.from({ length: 5 }, (_, i) => ({ tx: `line ${i}`, st: i * 2000, d: 2000 })) },
          { tt: 1, sg: Array.from({ length: 6 }, (_, i) => ({ n: `s${i}`, d: 1000 })) },
        ],
      },
      "Timeline (2 tracks): 1. Title: 5 texts (0-10s) 2. BGM: 6 audio clips (0-6s)",
    ],
    [
      "exactly four segments are still listed",
      { t: [{ tt: 0, sg: Array.from({ length: 4 }, (_, i) => ({ n: `c${i}`, d: 1000 })) }] },
      "Timeline (1 track): 1. Video: c0 (0-1s), c1 (1-2s), c2 (2-3s), c3 (3-4s)",
    ],
    [
      "seconds print with at most one decimal",
      { t: [{ tt: 0, sg: [{ n: "x", st: 1234, d: 8766 }] }] },
      "Timeline (1 track): 1. Video: x (1.2-10s)",
    ],
    [
      "metadata and string numbers are read",
      { t: [{ tt: "7", sg: [{ m: { text: "Hi", start: 1000, duration: 2000 } }] }] },
      'Timeline (1 track): 1. Title: "Hi" (1-3s)',
    ],
    [
      "long texts are cut",
      { t: [{ tt: 7, sg: [{ tx: "A very long caption that goes on and on and on forever", d: 1000 }] }] },
      'Timeline (1 track): 1. Title: "A very long caption that goes on and on…" (0-1s)',
    ],
  ];

  it.each(cases)("%s", (_name, draft, expected) => {
    expect(summarizeTimeline(parseDraft(draft))).toBe(expected);
  });
});

describe("formatSeconds", () => {
  it.each([
    [0, "0"],
    [2500, "2.5"],
    [10000, "10"],
    [10049, "10"],
    [10050, "10.1"],
    [333, "0.3"],
    [-20, "0"],
  ])("%d ms → %s", (ms, text) => {
    expect(formatSeconds(ms)).toBe(text);
  });
});

describe("describeTracks", () => {
  it("mirrors the summary, one entry per track", () => {
    expect(describeTracks(SEED)).toEqual([
      { index: 1, type: "video", segments: 1, startSeconds: 0, endSeconds: 10, label: "Video: city timelapse (0-10s)" },
      { index: 2, type: "bgm", segments: 1, startSeconds: 0, endSeconds: 10, label: "BGM: Lo-fi (0-10s, 35%)" },
      { index: 3, type: "title", segments: 1, startSeconds: 0, endSeconds: 3, label: 'Title: "Urban Dreams" (0-3s)' },
    ]);
  });

  it("labels are exactly the summary's text after each number", () => {
    const draft = parseDraft({
      t: [
        { tt: 0, sg: [{ n: "a", st: 1500, d: 1000 }, { n: "b", d: 250 }] },
        { tt: 9, sg: [] },
        { tt: 7, sg: Array.from({ length: 6 }, () => ({ tx: "x", d: 100 })) },
      ],
    });
    const tracks = describeTracks(draft);
    expect(tracks.map((t) => [t.type, t.segments, t.startSeconds, t.endSeconds])).toEqual([
      ["video", 2, 1.5, 2.75],
      ["track", 0, 0, 0],
      ["title", 6, 0, 0.6],
    ]);
    const rebuilt = `Timeline (3 tracks): ${tracks.map((t) => `${t.index}. ${t.label}`).join(" ")}`;
    expect(rebuilt).toBe(summarizeTimeline(draft));
  });

  it("is empty for an empty draft", () => {
    expect(describeTracks(parseDraft(null))).toEqual([]);
  });
});
