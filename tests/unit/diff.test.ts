import { describe, expect, it } from "vitest";
import { diffDrafts } from "../../src/core/diff.js";
import { parseDraft } from "../../src/core/draft.js";

const video = (sg: unknown[], extra: object = {}) => ({ tt: 0, sg, ...extra });
const bgm = (sg: unknown[], extra: object = {}) => ({ tt: 1, sg, ...extra });
const title = (sg: unknown[], extra: object = {}) => ({ tt: 7, sg, ...extra });

const SEED = {
  t: [
    video([{ n: "city timelapse", d: 10000 }]),
    bgm([{ n: "Lo-fi", st: 0, d: 10000, v: 0.35 }]),
    title([{ tx: "Urban Dreams", d: 3000 }]),
  ],
};

const cases: Array<[string, unknown, unknown, string[]]> = [
  ["identical drafts", SEED, structuredClone(SEED), []],
  ["key order does not count", { t: [video([{ n: "a", d: 1000 }])] }, { t: [video([{ d: 1000, n: "a" }])] }, []],
  [
    "a title track is added",
    { t: SEED.t.slice(0, 2) },
    SEED,
    ['Added Title track 3: "Urban Dreams" (0-3s)'],
  ],
  ["the BGM track is removed", SEED, { t: [SEED.t[0], SEED.t[2]] }, ["Removed BGM track 2 (Lo-fi)"]],
  [
    "a clip is added",
    { t: [video([{ n: "intro", d: 5000 }, { n: "city", d: 5000 }])] },
    { t: [video([{ n: "intro", d: 5000 }, { n: "city", d: 5000 }, { n: "beach", d: 2000 }])] },
    ['Video track 1: 2 clips → 3 clips (added "beach")', "Length 10s → 12s"],
  ],
  [
    "a clip inserted in the middle does not make later clips look changed",
    { t: [video([{ n: "intro", d: 5000 }, { n: "city", d: 5000 }])] },
    { t: [video([{ n: "intro", d: 5000 }, { n: "beach", d: 2000 }, { n: "city", d: 5000 }])] },
    ['Video track 1: 2 clips → 3 clips (added "beach")', "Length 10s → 12s"],
  ],
  [
    "a clip is removed",
    { t: [video([{ n: "intro", d: 5000 }, { n: "city", d: 5000 }])] },
    { t: [video([{ n: "city", d: 5000 }])] },
    ['Video track 1: 2 clips → 1 clip (removed "intro")', "Length 10s → 5s"],
  ],
  [
    "title text changes",
    { t: [title([{ tx: "A", d: 3000 }])] },
    { t: [title([{ tx: "B", d: 3000 }])] },
    ['Title track 1: text "A" → "B"'],
  ],
  [
    "volume changes",
    { t: [video([{ n: "v", d: 10000 }]), bgm([{ n: "Lo-fi", d: 10000, v: 0.5 }])] },
    { t: [video([{ n: "v", d: 10000 }]), bgm([{ n: "Lo-fi", d: 10000, v: 0.35 }])] },
    ["BGM track 2: volume 50% → 35%"],
  ],
  [
    "a clip is trimmed",
    { t: [video([{ n: "intro", d: 5000 }, { n: "city", st: 5000, d: 5000 }])] },
    { t: [video([{ n: "intro", d: 4000 }, { n: "city", st: 5000, d: 5000 }])] },
    ['Video track 1: "intro" now 0-4s (was 0-5s)'],
  ],
  [
    "length from the draft's own d",
    { t: [video([{ n: "a", d: 10000 }])], d: 10000 },
    { t: [video([{ n: "a", d: 10000 }])], d: 12000 },
    ["Length 10s → 12s"],
  ],
  ["draft title changes", { t: [], m: { title: "Old" } }, { t: [], m: { title: "New" } }, ['Title: "Old" → "New"']],
  ["draft title is set", { t: [] }, { t: [], m: { title: "New" } }, ['Title: (none) → "New"']],
  [
    "unknown settings change once",
    { t: [], w: 1920, h: 1080, fps: 30 },
    { t: [], w: 1080, h: 1920, fps: 25 },
    ["Timeline settings changed"],
  ],
  [
    "unknown metadata beside the title counts as settings",
    { t: [], m: { title: "A", ratio: "16:9" } },
    { t: [], m: { title: "B", ratio: "9:16" } },
    ['Title: "A" → "B"', "Timeline settings changed"],
  ],
  [
    "segments pair by id even when reordered",
    { t: [video([{ id: "a", n: "one", st: 0, d: 2000 }, { id: "b", n: "two", st: 2000, d: 2000 }])] },
    { t: [video([{ id: "b", n: "two", st: 0, d: 2000 }, { id: "a", n: "one", st: 2000, d: 2000 }])] },
    ['Video track 1: "two" now 0-2s (was 2-4s)', 'Video track 1: "one" now 2-4s (was 0-2s)'],
  ],
  [
    "a new id is a new segment even at the same position",
    { t: [video([{ id: "a", n: "one", d: 2000 }])] },
    { t: [video([{ id: "c", n: "three", d: 2000 }])] },
    ['Video track 1: added "three"; removed "one"'],
  ],
  [
    "a renamed clip without ids pairs by position",
    { t: [video([{ n: "one", d: 2000 }])] },
    { t: [video([{ n: "uno", d: 2000 }])] },
    ['Video track 1: clip "one" → "uno"'],
  ],
  [
    "an unknown segment key is reported as a change",
    { t: [video([{ n: "one", d: 2000, filter: "none" }])] },
    { t: [video([{ n: "one", d: 2000, filter: "warm" }])] },
    ['Video track 1: "one" changed'],
  ],
  [
    "track order with a removal in the middle keeps the later track matched",
    SEED,
    { t: [SEED.t[0], title([{ tx: "Urban Nights", d: 3000 }])] },
    ["Removed BGM track 2 (Lo-fi)", 'Title track 2: text "Urban Dreams" → "Urban Nights"'],
  ],
  [
    "a track that changes type is a removal and an addition",
    { t: [bgm([{ n: "song", d: 1000 }])] },
    { t: [title([{ tx: "Hello", d: 1000 }])] },
    ["Removed BGM track 1 (song)", 'Added Title track 1: "Hello" (0-1s)'],
  ],
  [
    "removing a busy track counts its clips",
    { t: [video(Array.from({ length: 6 }, (_, i) => ({ n: `c${i}`, d: 1000 })))] },
    { t: [] },
    ["Removed Video track 1 (6 clips)", "Length 6s → 0s"],
  ],
  [
    "many added clips are listed briefly",
    { t: [video([])] },
    { t: [video(["a", "b", "c", "d", "e"].map((n) => ({ n, d: 1000 })))] },
    ['Video track 1: 0 clips → 5 clips (added "a", "b", "c" and 2 more)', "Length 0s → 5s"],
  ],
  [
    "a track rename",
    { t: [bgm([{ d: 1000 }, { d: 1000 }], { n: "Music" })] },
    { t: [bgm([{ d: 1000 }, { d: 1000 }], { n: "Score" })] },
    ['BGM track 1: renamed "Music" → "Score"'],
  ],
  [
    "several changes on one segment each get a line",
    { t: [bgm([{ n: "song", d: 10000, v: 1 }, { n: "other", st: 20000, d: 1000 }])] },
    { t: [bgm([{ n: "song", d: 8000, v: 0.2 }, { n: "other", st: 20000, d: 1000 }])] },
    ['BGM track 1: "song" volume 100% → 20%', 'BGM track 1: "song" now 0-8s (was 0-10s)'],
  ],
];

describe("diffDrafts", () => {
  it.each(cases)("%s", (_name, before, after, expected) => {
    expect(diffDrafts(parseDraft(before), parseDraft(after))).toEqual(expected);
  });

  it("is deterministic", () => {
    const before = parseDraft(SEED);
    const after = parseDraft({ t: [video([{ n: "x", d: 1000 }]), title([{ tx: "T", d: 1000 }])], m: { title: "M" }, w: 1 });
    expect(diffDrafts(before, after)).toEqual(diffDrafts(before, after));
  });
});
