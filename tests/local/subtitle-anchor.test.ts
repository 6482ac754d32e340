import { describe, expect, it } from "vitest";
import { type FollowingSubtitle, cueParts, placedSubtitles } from "../../src/local/subtitle-anchor.js";
import type { VideoSegment } from "../../src/local/timeline.js";

/**
 * The pure mapping from a cue in a clip's recording (source time) to where it shows on the
 * timeline, through every edit that moves footage around: trim, remove_silence's pieces, move,
 * fit_duration (which changes how much footage a clip plays), transitions.
 */

const clip = (id: string, startMs: number, sourceInMs: number, durationMs: number, extra: Partial<VideoSegment> = {}): VideoSegment => ({
  id, mediaId: "media-1", startMs, sourceInMs, durationMs, ...extra,
});
const photo = (id: string, startMs: number, durationMs: number): VideoSegment => ({ id, mediaId: "media-9", startMs, sourceInMs: 0, durationMs });
const cue = (fromMs: number, toMs: number, followsClip = "clip-1"): FollowingSubtitle => ({
  id: "sub-1", startMs: 0, durationMs: 1, text: "hi", position: "bottom", sizePx: 42, colour: "white", box: true,
  followsClip, sourceMediaId: "media-1", sourceInMs: fromMs, sourceDurationMs: toMs - fromMs,
});

// The recording: speech 0–1 s, pause, 2.5–3.5 s, pause, 5.5–6.5 s. remove_silence keeps 0.15 s of air.
const PIECES = [
  clip("clip-1", 0, 0, 1150, { cutOut: true, pieceOf: "clip-1" }),
  clip("clip-4", 1150, 2350, 1300, { cutIn: true, cutOut: true, pieceOf: "clip-1" }),
  clip("clip-5", 2450, 5350, 1150, { cutIn: true, pieceOf: "clip-1" }),
];

const cases: Array<[string, VideoSegment[], FollowingSubtitle, Array<[number, number]>]> = [
  ["an untouched clip at the start: as in the file", [clip("clip-1", 0, 0, 6500)], cue(2600, 3400), [[2600, 800]]],
  ["a clip trimmed to start at 2 s, after a 3 s photo", [photo("image-1", 0, 3000), clip("clip-1", 3000, 2000, 4500)], cue(2600, 3400), [[3600, 800]]],
  ["a cue before the trimmed in-point: hidden", [clip("clip-1", 0, 2000, 4500)], cue(100, 900), []],
  ["a cue across the trimmed in-point: the visible part", [clip("clip-1", 0, 2000, 4500)], cue(1500, 2600), [[0, 600]]],
  ["remove_silence's second piece", PIECES, cue(2600, 3400), [[1400, 800]]],
  ["remove_silence's last piece", PIECES, cue(5600, 6400), [[2700, 800]]],
  ["a cue entirely in a cut pause: hidden", PIECES, cue(4000, 5000), []],
  ["a cue across a cut, both sides long enough: one line across the jump cut", PIECES, cue(500, 2800), [[500, 1100]]],
  ["a cue across a cut, 250 ms left on one side: that flash is dropped", PIECES, cue(800, 2600), [[800, 350]]],
  ["a cue shorter than 300 ms that is all on screen is kept", PIECES, cue(2600, 2800), [[1400, 200]]],
  [
    "a piece moved to the front: the cue goes with it",
    [clip("clip-4", 0, 2350, 1300, { pieceOf: "clip-1" }), clip("clip-1", 1300, 0, 1150), clip("clip-5", 2450, 5350, 1150, { pieceOf: "clip-1" })],
    cue(2600, 3400),
    [[250, 800]],
  ],
  [
    "a cue across a cut whose pieces were moved apart: two parts",
    [clip("clip-4", 0, 2350, 1300, { pieceOf: "clip-1" }), photo("image-1", 1300, 2000), clip("clip-1", 3300, 0, 1150)],
    cue(500, 2800),
    [[0, 450], [3800, 650]],
  ],
  [
    "fit_duration made an uncut clip play on to 6.5 s: a cue that was past its end shows",
    [clip("clip-1", 0, 0, 6500)],
    cue(5600, 6400),
    [[5600, 800]],
  ],
  [
    "fit_duration cut an uncut clip short to 4 s: the cue past its new end is hidden",
    [clip("clip-1", 0, 0, 4000)],
    cue(5600, 6400),
    [],
  ],
  [
    "a 300 ms fade into the second piece starts it 300 ms earlier: the cue moves with it",
    [clip("clip-1", 0, 0, 1150), clip("clip-4", 850, 2350, 1300, { pieceOf: "clip-1", transition: { type: "fade", durationMs: 300 } })],
    cue(2600, 3400),
    [[1100, 800]],
  ],
  ["another clip cut from the same file does not show the cue", [clip("clip-1", 0, 0, 1000), clip("clip-2", 1000, 2000, 2000)], cue(2600, 3400), []],
  ["a cue that follows clip-2 shows only on clip-2", [clip("clip-1", 0, 2000, 2000), clip("clip-2", 2000, 2000, 2000)], cue(2600, 3400, "clip-2"), [[2600, 800]]],
];

describe("where a cue of a clip's recording shows on the timeline", () => {
  it.each(cases)("%s", (_name, video, subtitle, expected) => {
    expect(cueParts(subtitle, video).map((p) => [p.startMs, p.durationMs])).toEqual(expected);
  });

  it("draws a cue split in two as two texts, and a fixed subtitle as it is", () => {
    const video = [clip("clip-4", 0, 2350, 1300, { pieceOf: "clip-1" }), photo("image-1", 1300, 2000), clip("clip-1", 3300, 0, 1150)];
    const fixed = { id: "sub-2", startMs: 100, durationMs: 500, text: "fixed", position: "bottom" as const, sizePx: 42, colour: "white", box: true };
    const drawn = placedSubtitles({ video, subtitles: [cue(500, 2800), fixed] });
    expect(drawn.map((s) => [s.id, s.startMs, s.durationMs])).toEqual([["sub-1", 0, 450], ["sub-1.2", 3800, 650], ["sub-2", 100, 500]]);
    expect(drawn[0]).not.toHaveProperty("followsClip");
  });
});
