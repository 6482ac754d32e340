import { describe, expect, it } from "vitest";
import { describeInspection, type InspectReport } from "../../src/core/inspect.js";
import { clockLabel, parseLoudnessSummary, parsePauses, parseSceneCuts, sheetMoments, speechBetween } from "../../src/inspect/parse.js";
import { sheetLayout } from "../../src/inspect/sheet.js";

describe("parseSceneCuts", () => {
  it.each([
    ["one cut", ["[scdet @ 0x1] lavfi.scd.score: 28.662, lavfi.scd.time: 2"], [{ atSeconds: 2, score: 28.662 }]],
    ["sorted, duplicates once", ["[scdet @ 0x1] lavfi.scd.score: 19.1, lavfi.scd.time: 7", "[scdet @ 0x1] lavfi.scd.score: 27.3, lavfi.scd.time: 4.5", "[scdet @ 0x1] lavfi.scd.score: 27.3, lavfi.scd.time: 4.5"], [{ atSeconds: 4.5, score: 27.3 }, { atSeconds: 7, score: 19.1 }]],
    ["the first frame is not a cut", ["[scdet @ 0x1] lavfi.scd.score: 50, lavfi.scd.time: 0"], []],
    ["other lines ignored", ["frame=  81 fps=0.0", "[silencedetect @ 0x2] silence_start: 3"], []],
  ])("%s", (_, lines, expected) => {
    expect(parseSceneCuts(lines)).toEqual(expected);
  });

  it("subtracts the file's start time", () => {
    expect(parseSceneCuts(["lavfi.scd.score: 30, lavfi.scd.time: 2.5"], 0.5)).toEqual([{ atSeconds: 2, score: 30 }]);
  });
});

describe("parsePauses and speechBetween", () => {
  it.each([
    ["two pauses", ["silence_start: 3.0186", "silence_end: 4.2028 | silence_duration: 1.18", "silence_start: 6.014", "silence_end: 7.5 | silence_duration: 1.48"], 9,
      [{ startSeconds: 3.019, endSeconds: 4.203 }, { startSeconds: 6.014, endSeconds: 7.5 }],
      [{ startSeconds: 0, endSeconds: 3.019 }, { startSeconds: 4.203, endSeconds: 6.014 }, { startSeconds: 7.5, endSeconds: 9 }]],
    ["a pause still open at the end", ["silence_start: 8"], 9, [{ startSeconds: 8, endSeconds: 9 }], [{ startSeconds: 0, endSeconds: 8 }]],
    ["silent from the start", ["silence_start: -0.01", "silence_end: 2"], 5, [{ startSeconds: 0, endSeconds: 2 }], [{ startSeconds: 2, endSeconds: 5 }]],
    ["no pauses", [], 4, [], [{ startSeconds: 0, endSeconds: 4 }]],
  ])("%s", (_, lines, end, pauses, speech) => {
    const found = parsePauses(lines, end);
    expect(found).toEqual(pauses);
    expect(speechBetween(found, end)).toEqual(speech);
  });
});

describe("parseLoudnessSummary", () => {
  const summary = (i: string, lra: string, peak: string): string[] => [
    "[Parsed_ebur128_5 @ 0x5] Summary:", "", "  Integrated loudness:", `    I:         ${i} LUFS`, "    Threshold: -32.4 LUFS", "",
    "  Loudness range:", `    LRA:         ${lra} LU`, "    Threshold: -43.9 LUFS", "", "  True peak:", `    Peak:      ${peak} dBFS`,
  ];
  it.each([
    ["a measured file", summary("-22.2", "2.6", "-12.8"), { integratedLufs: -22.2, truePeakDbtp: -12.8, rangeLu: 2.6 }],
    ["silence", summary("-70.0", "0.0", "-inf"), { integratedLufs: -70, truePeakDbtp: Number.NEGATIVE_INFINITY, rangeLu: 0 }],
    ["no summary", ["frame= 1"], undefined],
    ["a summary without the true peak (peak measuring off)", summary("-20", "1", "-3").slice(0, 9), undefined],
  ])("%s", (_, lines, expected) => {
    expect(parseLoudnessSummary(lines)).toEqual(expected);
  });
});

describe("sheetMoments", () => {
  const cut = (atSeconds: number, score = 20) => ({ atSeconds, score });
  it.each([
    ["a tile inside each scene", 9, [cut(2), cut(4.5), cut(7)], 12, [0.5, 2.5, 5, 7.5]],
    ["short scenes: a quarter in", 3, [cut(1), cut(1.4)], 12, [0.25, 1.1, 1.8]],
    ["too many scenes: the strongest cuts, in time order", 10, [cut(2, 10), cut(4, 90), cut(6, 50), cut(8, 5)], 3, [0.5, 4.5, 6.5]],
    ["one shot: evenly spaced", 4, [], 12, [0.5, 1.5, 2.5, 3.5]],
    ["one long shot: at most the tiles asked for", 1200, [], 4, [150, 450, 750, 1050]],
    ["nothing to show", 0, [], 12, [0]],
  ])("%s", (_, duration, cuts, max, expected) => {
    expect(sheetMoments(duration, cuts, max)).toEqual(expected);
  });
});

describe("labels and layout", () => {
  it.each([
    [0, "0:00.0"], [12.3456, "0:12.3"], [59.96, "1:00.0"], [3725.2, "1:02:05.2"],
  ])("clockLabel(%s) = %s", (seconds, label) => {
    expect(clockLabel(seconds)).toBe(label);
  });
  it.each([
    [1, { columns: 1, rows: 1 }], [4, { columns: 4, rows: 1 }], [5, { columns: 4, rows: 2 }], [12, { columns: 4, rows: 3 }], [24, { columns: 4, rows: 6 }],
  ])("sheetLayout(%s)", (count, layout) => {
    expect(sheetLayout(count)).toEqual(layout);
  });
});

describe("describeInspection", () => {
  const video: InspectReport = {
    subject: "talk.mp4", kind: "video", durationSeconds: 9, width: 1920, height: 1080, fps: 30, hasVideo: true, hasAudio: true,
    scenes: [{ atSeconds: 2, score: 28 }], pauses: [{ startSeconds: 3, endSeconds: 4.2 }], speech: [{ startSeconds: 0, endSeconds: 3 }, { startSeconds: 4.2, endSeconds: 9 }],
    loudness: { integratedLufs: -22.24, truePeakDbtp: Number.NEGATIVE_INFINITY, rangeLu: 2.6 },
    tiles: [{ atSeconds: 0.5, label: "0:00.5" }, { atSeconds: 2.5, label: "0:02.5" }],
  };
  it("names the pause cut only where the reader has one", () => {
    expect(describeInspection(video, { pauseCut: "remove_silence" })).toMatch(/what remove_silence would cut\): 3s–4.2s/);
    expect(describeInspection(video)).not.toMatch(/remove_silence/);
    expect(describeInspection(video)).toMatch(/silences of 0.5 s or more/);
  });
  it("says every measure in words, -inf as such", () => {
    const text = describeInspection(video);
    expect(text).toContain("talk.mp4 (video): 9s, 1920×1080, 30 fps, with sound.");
    expect(text).toContain("Scene cuts (1): 2s.");
    expect(text).toContain("Loudness: -22.2 LUFS integrated, true peak -inf dBTP, range 2.6 LU.");
    expect(text).toContain("Contact sheet (2 tiles, left to right, top to bottom): 0.5s, 2.5s.");
  });
  it("a storyboard names its segments", () => {
    const text = describeInspection({ ...video, kind: "timeline", subject: "the timeline", scenes: [], pauses: [], speech: [], tiles: [{ atSeconds: 1, label: "clip-1", segment: "clip-1" }] });
    expect(text).toContain("The timeline: 9s");
    expect(text).toContain("Storyboard (1 tiles, left to right, top to bottom): clip-1 at 1s.");
    expect(text).not.toMatch(/Scene cuts|Pauses/);
  });
  it("cuts long lists in the text", () => {
    const many = Array.from({ length: 45 }, (_, i) => ({ atSeconds: i + 1, score: 20 }));
    expect(describeInspection({ ...video, scenes: many })).toMatch(/… \(5 more\)/);
  });
});
