import { beforeAll, describe, expect, it } from "vitest";
import type { Draft } from "../../src/core/draft.js";
import type { MediaFacts } from "../../src/local/media.js";
import { type OpHelpers, applyOps } from "../../src/local/ops.js";
import { detectSilence } from "../../src/local/silence.js";
import { type VideoSegment, readTimeline } from "../../src/local/timeline.js";
import { fakeMedia, makeInterview, tempDir } from "./fixtures.js";

/**
 * Cut points are kept: what remove_silence (and trim) cut never comes back through
 * fit_duration, and `set_transition all` leaves the jump cuts inside a cut clip alone.
 * Real pauses in a real clip, found by ffmpeg's silencedetect.
 */

let media: MediaFacts[];
const helpers: OpHelpers = { detectSilence: (source, from, to, options) => detectSilence("ffmpeg", source, from, to, options) };

beforeAll(async () => {
  media = await makeInterview(await tempDir("vm-cuts-"));
}, 60_000);

async function apply(ops: unknown[], draft: Draft = { t: [] }) {
  const result = await applyOps(draft, ops, media, helpers);
  return { ...result, timeline: readTimeline(result.draft) };
}

const sourceRanges = (video: VideoSegment[]): Array<[string, number, number]> =>
  video.filter((s) => s.mediaId === "media-1").map((s) => [s.id, s.sourceInMs, s.sourceInMs + s.durationMs]);
/** The pauses in talk.mp4 (1–2.5 s, 3.5–5.5 s), less the air kept around speech and some slack. */
const PAUSES = [[1200, 2300], [3700, 5300]] as const;
const playsAPause = ([, from, to]: [string, number, number]): boolean => PAUSES.some(([start, end]) => from < end && to > start);
const endOf = (video: VideoSegment[]): number => video.at(-1)!.startMs + video.at(-1)!.durationMs;

describe("remove_silence, then set_transition all, then fit_duration", () => {
  it("keeps the pauses cut: photos and uncut clips take the new length, the pieces keep their footage", async () => {
    const cut = await apply([
      { op: "add_clip", media: "talk.mp4" },
      { op: "add_image", media: "photo.png", duration: 2 },
      { op: "add_clip", media: "broll.mp4", out: 1 },
      { op: "remove_silence" },
      { op: "set_transition", all: true, type: "fade", duration: 0.3 },
    ]);
    // about 0–1.15, 2.4–3.65, 5.4–6.5: 0.15 s of air kept next to speech
    const pieces = sourceRanges(cut.timeline.video);
    expect(pieces.map(([id]) => id)).toEqual(["clip-1", "clip-3", "clip-4"]);
    expect(pieces.filter(playsAPause)).toEqual([]);

    const fitted = await apply([{ op: "fit_duration", seconds: 10 }], cut.draft);
    expect(sourceRanges(fitted.timeline.video).filter(playsAPause)).toEqual([]);
    expect(endOf(fitted.timeline.video)).toBe(10_000);
    expect(sourceRanges(fitted.timeline.video)).toEqual(pieces);
    // the photo and the b-roll (not trimmed, 4 s of footage) took all the time gained
    const [photo, broll] = fitted.timeline.video.filter((s) => s.mediaId !== "media-1");
    expect(photo!.durationMs + broll!.durationMs).toBe(2000 + 1000 + (10_000 - endOf(cut.timeline.video)));
    expect(broll!.durationMs).toBeLessThanOrEqual(4000);
  });

  it("gets as close as it can when only cut footage is left, and says how much is missing", async () => {
    const cut = await apply([{ op: "add_clip", media: "talk.mp4" }, { op: "remove_silence" }]);
    const pieces = sourceRanges(cut.timeline.video);
    const before = endOf(cut.timeline.video);
    const fitted = await apply([{ op: "fit_duration", seconds: 8 }], cut.draft);
    expect(sourceRanges(fitted.timeline.video).filter(playsAPause)).toEqual([]);
    expect(sourceRanges(fitted.timeline.video)).toEqual(pieces);
    expect(endOf(fitted.timeline.video)).toBe(before);
    expect(fitted.notes).toEqual([
      `Could not gain the last ${(8 - before / 1000).toFixed(1)}s of 8s: the rest of the footage of clip-1 and clip-2 is what remove_silence, trim or add_clip's in/out cut, and fit_duration keeps cut points. ` +
        "Add photos or clips to fill it, or set a clip's out-point with trim to play more of it.",
    ]);
  });

  it("keeps a trimmed clip's out-point and stretches the rest", async () => {
    const fitted = await apply([
      { op: "add_clip", media: "broll.mp4" },
      { op: "trim", segment: "clip-1", out: 2 },
      { op: "add_image", media: "photo.png", duration: 1 },
      { op: "fit_duration", seconds: 6 },
    ]);
    expect(fitted.timeline.video.map((s) => [s.id, s.sourceInMs, s.durationMs])).toEqual([
      ["clip-1", 0, 2000],
      ["image-1", 0, 4000],
    ]);
  });
});

describe("set_transition all after remove_silence", () => {
  it("keeps the jump cuts inside the cut clip and says so; an explicit `after` still sets one", async () => {
    const { timeline, notes } = await apply([
      { op: "add_clip", media: "talk.mp4" },
      { op: "add_image", media: "photo.png", duration: 2 },
      { op: "remove_silence" },
      { op: "set_transition", all: true, type: "dissolve", duration: 0.3 },
    ]);
    expect(timeline.video.map((s) => [s.id, s.transition?.type])).toEqual([
      ["clip-1", undefined],
      ["clip-2", undefined],
      ["clip-3", undefined],
      ["image-1", "dissolve"],
    ]);
    expect(notes).toContain('Kept 2 jump cuts inside clip-1 (between the pieces remove_silence left of it); to blend one anyway, give "after" with the piece before it.');
    const explicit = await apply([{ op: "set_transition", after: "clip-1", type: "fade", duration: 0.3 }], (await apply([
      { op: "add_clip", media: "talk.mp4" },
      { op: "remove_silence" },
    ])).draft);
    expect(explicit.timeline.video.map((s) => s.transition?.type)).toEqual([undefined, "fade", undefined]);
  });
});

// --- the same rules without ffmpeg: pauses given, media described ------------------------------

describe("cut points, on described media", () => {
  const described = [
    fakeMedia({ id: "media-1", name: "talk.mp4", duration_ms: 20_000 }),
    fakeMedia({ id: "media-2", name: "beach.mp4", duration_ms: 10_000 }),
    fakeMedia({ id: "media-3", name: "photo.jpg", kind: "image", has_audio: false }),
  ];
  // talk.mp4 pauses at 5–8 s and 12–14 s: pieces 0–5.15, 7.85–12.15, 13.85–20
  const pauses: OpHelpers = {
    detectSilence: async (source) => (source.id === "media-1" ? [{ startMs: 5000, endMs: 8000 }, { startMs: 12_000, endMs: 14_000 }] : []),
  };
  const applyDescribed = async (ops: unknown[], draft: Draft = { t: [] }) => {
    const result = await applyOps(draft, ops, described, pauses);
    return { ...result, timeline: readTimeline(result.draft) };
  };
  const cutTalk = [{ op: "add_clip", media: "talk.mp4" }, { op: "add_clip", media: "beach.mp4" }, { op: "remove_silence" }];

  it("writes the cut points to the draft in short keys", async () => {
    const { draft } = await applyDescribed(cutTalk);
    expect(draft.t[0]!.sg.map((s) => [s.id, s["ci"], s["co"], s["of"]])).toEqual([
      ["clip-1", undefined, true, "clip-1"],
      ["clip-3", true, true, "clip-1"],
      ["clip-4", true, undefined, "clip-1"],
      ["clip-2", undefined, undefined, undefined],
    ]);
  });

  it("shortens every piece in proportion, cut or not", async () => {
    const { timeline } = await applyDescribed([...cutTalk, { op: "fit_duration", seconds: 12.8 }]);
    // 5150 + 4300 + 6150 + 10000 = 25.6 s, halved
    expect(timeline.video.map((s) => [s.id, s.sourceInMs, s.durationMs])).toEqual([
      ["clip-1", 0, 2575],
      ["clip-3", 7850, 2150],
      ["clip-4", 13_850, 3075],
      ["clip-2", 0, 5000],
    ]);
  });

  it("refuses a length even the cut footage could not give, naming the most it can be without it", async () => {
    const message = await applyDescribed([...cutTalk, { op: "fit_duration", seconds: 60 }]).then(
      () => "",
      (error: Error) => error.message,
    );
    // 25.6 s now, all of the footage but the pauses (4.7 s of talk.mp4), which are not counted
    expect(message).toContain("op 4 (fit_duration): the clips hold only 25.6s of footage (keeping out what remove_silence, trim and add_clip's in/out cut), short of 60s; add photos or clips, or ask for at most 25s");
  });

  it("`all` skips only the joins between pieces of one cut clip; `none` clears them all", async () => {
    const { timeline, notes, draft } = await applyDescribed([
      ...cutTalk,
      { op: "set_transition", after: "clip-3", type: "wipeleft" },
      { op: "set_transition", all: true, type: "fade" },
    ]);
    // the explicit wipe between clip-3 and clip-4 stays; the jump cut clip-1 → clip-3 stays a cut
    expect(timeline.video.map((s) => [s.id, s.transition?.type])).toEqual([
      ["clip-1", undefined],
      ["clip-3", undefined],
      ["clip-4", "wipeleft"],
      ["clip-2", "fade"],
    ]);
    expect(notes.filter((note) => note.startsWith("Kept"))).toEqual([
      'Kept 2 jump cuts inside clip-1 (between the pieces remove_silence left of it); to blend one anyway, give "after" with the piece before it.',
    ]);
    const none = await applyDescribed([{ op: "set_transition", all: true, type: "none" }], draft);
    expect(none.timeline.video.every((s) => s.transition === undefined)).toBe(true);
  });

  it("cutting a piece again keeps it a piece of the first clip", async () => {
    const { draft } = await applyDescribed([{ op: "add_clip", media: "talk.mp4" }, { op: "remove_silence" }]);
    const again = await applyOps(draft, [{ op: "remove_silence", segment: "clip-2" }], described, {
      detectSilence: async () => [{ startMs: 9000, endMs: 10_000 }],
    });
    expect(readTimeline(again.draft).video.map((s) => [s.id, s.pieceOf])).toEqual([
      ["clip-1", "clip-1"],
      ["clip-2", "clip-1"],
      ["clip-4", "clip-1"],
      ["clip-3", "clip-1"],
    ]);
  });
});
