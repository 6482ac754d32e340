import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { estimatePeriod, findBeats, fitGrid, onsetStrength, pickPeaks } from "../../src/local/beat-grid.js";
import { autoEvery, cutBeats, planCuts, type Piece } from "../../src/local/beat-cuts.js";
import { detectBeats, parseLevelLine } from "../../src/local/beats.js";
import type { MediaFacts } from "../../src/local/media.js";
import { timelineBeats } from "../../src/local/ops/sync-to-music.js";
import type { AudioSegment } from "../../src/local/timeline.js";
import { fakeMedia, tempDir } from "./fixtures.js";

/**
 * Finding the beat: the pure steps with tables, then real music with known beats made by
 * ffmpeg (a kick every 500 ms over a sine bed; a drum pattern at 100 BPM as MP3), and sounds
 * with no beat (pink noise, speech from ffmpeg's flite voice, bursts at a wandering rate) that
 * must be refused.
 */

const run = promisify(execFile);
const ffmpeg = (args: string[]) => run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", ...args]);
/** One frame at 30 fps: a cut this close to a beat is on it. */
const FRAME = 1000 / 30;

/** A level envelope (dB per 5 ms frame) with a 20 dB hit at each of `hitsMs` over a -30 dB bed. */
function hits(hitsMs: readonly number[], lengthMs: number): number[] {
  const levels = Array.from({ length: lengthMs / 5 }, () => -30);
  for (const at of hitsMs) for (let k = 0; k < 10; k++) if (Math.round(at / 5) + k < levels.length) levels[Math.round(at / 5) + k] = -10 - 2 * k;
  return levels;
}
const grid = (firstMs: number, periodMs: number, lengthMs: number): number[] =>
  Array.from({ length: Math.floor((lengthMs - firstMs) / periodMs) + 1 }, (_, k) => firstMs + k * periodMs).filter((t) => t < lengthMs);

describe("the steps, on known envelopes", () => {
  it("onset strength is the rise in level, floored 50 dB under the loudest", () => {
    expect(onsetStrength([-20, -20, -10, -15, -10], 1)).toEqual([0, 0, 10, 0, 5]);
    // Digital silence is the floor, not minus infinity: the first sound is a 50 dB rise, not an infinite one.
    expect(onsetStrength([-Infinity, -Infinity, 0], 1)).toEqual([0, 0, 50]);
    expect(onsetStrength([], 1)).toEqual([]);
    // Over 2 frames: the level is the mean power of the frame and the one before.
    const smoothed = onsetStrength([-20, -20, -10, -10], 2);
    [0, 0, 7.4, 2.6].forEach((rise, i) => expect(smoothed[i]).toBeCloseTo(rise, 1));
  });

  it.each([
    { strength: [0, 1, 0, 3, 0, 0, 2, 0], radius: 1, threshold: 0.5, peaks: [1, 3, 6] },
    { strength: [0, 1, 0, 3, 0, 0, 2, 0], radius: 2, threshold: 0.5, peaks: [3, 6] },
    { strength: [0, 1, 0, 3, 0, 0, 2, 0], radius: 1, threshold: 2.5, peaks: [3] },
    // a plateau is one peak, at its start
    { strength: [0, 2, 2, 0], radius: 1, threshold: 1, peaks: [1] },
  ])("peaks of $strength (radius $radius, threshold $threshold)", ({ strength, radius, threshold, peaks }) => {
    expect(pickPeaks(strength, radius, threshold)).toEqual(peaks);
  });

  it.each([
    { bpm: 120, periodMs: 500 },
    { bpm: 100, periodMs: 600 },
    { bpm: 90, periodMs: 666.667 },
    { bpm: 128, periodMs: 468.75 },
  ])("the period of a hit every $periodMs ms is found ($bpm BPM)", ({ bpm, periodMs }) => {
    const strength = onsetStrength(hits(grid(100, periodMs, 20_000), 20_000), 4);
    const found = estimatePeriod(strength, 5)!;
    expect(Math.abs(60000 / (found.periodFrames * 5) - bpm)).toBeLessThan(2);
    expect(found.clarity).toBeGreaterThan(0.5);
  });

  it("the grid through onsets gives the exact period and phase, ignoring an off-beat hit", () => {
    const onsets = [...grid(230, 468.75, 20_000).map((atMs) => ({ atMs, strength: 10 })), { atMs: 900, strength: 3 }];
    const found = fitGrid(onsets, 470);
    expect(found.periodMs).toBeCloseTo(468.75, 1);
    expect(found.phaseMs).toBeCloseTo(230, 0);
  });

  it("a steady beat is found, a random one is not", () => {
    const steady = findBeats({ frameMs: 5, bands: [hits(grid(100, 500, 15_000), 15_000)] });
    expect(steady.ok && Math.abs(steady.beats.bpm - 120)).toBeLessThan(1);
    let seed = 7;
    const random = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const scattered: number[] = [];
    for (let t = 100; t < 15_000; t += 150 + random() * 700) scattered.push(t);
    expect(findBeats({ frameMs: 5, bands: [hits(scattered, 15_000)] })).toEqual({ ok: false, why: "no steady beat found" });
    expect(findBeats({ frameMs: 5, bands: [hits([], 15_000)] })).toMatchObject({ ok: false });
    expect(findBeats({ frameMs: 5, bands: [hits(grid(100, 500, 2_000), 2_000)] })).toEqual({ ok: false, why: "too short or too quiet to find a beat" });
  });

  it("reads ametadata's lines by band", () => {
    expect(parseLevelLine("[ametadata@full @ 0x55d3caa66580] lavfi.astats.Overall.RMS_level=-17.824595")).toEqual({ band: "full", db: -17.824595 });
    expect(parseLevelLine("[ametadata@high @ 0x1] lavfi.astats.Overall.RMS_level=-inf")).toEqual({ band: "high", db: -Infinity });
    expect(parseLevelLine("[ametadata@high @ 0x1] frame:3 pts:240 pts_time:0.015")).toBeUndefined();
    expect(parseLevelLine("lavfi.astats.Overall.RMS_level=-3")).toBeUndefined();
  });
});

describe("choosing the cuts", () => {
  const piece = (durationMs: number, extra: Partial<Piece> = {}): Piece => ({ durationMs, transitionMs: 0, minMs: 200, maxMs: Infinity, ...extra });
  const beats = grid(100, 500, 20_000);

  it.each([
    {
      name: "photos: every cut to its nearest beat, the end kept",
      pieces: [piece(1300), piece(1700), piece(2200), piece(4000)],
      durations: [1100, 2000, 2000, 4100],
    },
    {
      name: "a clip cut by trim only gets shorter: its cut goes to the beat before",
      pieces: [piece(1400, { maxMs: 1400 }), piece(2000)],
      durations: [1100, 2300],
    },
    {
      name: "a piece that can neither grow nor shrink: its cut stays",
      pieces: [piece(1000, { minMs: 1000, maxMs: 1000 }), piece(2000)],
      durations: [1000, 2000],
    },
    {
      name: "a kept jump cut moves with the cut before it, the piece keeping its length",
      pieces: [piece(1300), piece(800, { maxMs: 800 }), piece(900, { keepCut: true }), piece(2000)],
      durations: [1100, 800, 1200, 1900],
    },
    {
      name: "a transition: the cut is where the next piece starts to show",
      pieces: [piece(1500), piece(2000, { transitionMs: 500 }), piece(2000)],
      durations: [1600, 2000, 1900],
    },
  ])("$name", ({ pieces, durations }) => {
    expect(planCuts(pieces, beats, 500).durations).toEqual(durations);
  });

  it("reports each cut's move", () => {
    expect(planCuts([piece(1300), piece(1000, { maxMs: 1000 }), piece(500)], beats, 500).moves).toEqual([
      { index: 1, fromMs: 1300, toMs: 1100, onBeat: true },
      { index: 2, fromMs: 2300, toMs: 2100, onBeat: true },
    ]);
  });

  it.each([
    { durations: [1000, 1500, 2000], periodMs: 500, every: 1 },
    { durations: [4000, 4000, 5000], periodMs: 500, every: 2 },
    { durations: [8000, 9000, 3000], periodMs: 500, every: 4 },
  ])("auto: every $every beat(s) for pieces of $durations ms at $periodMs ms a beat", ({ durations, periodMs, every }) => {
    expect(autoEvery(durations, periodMs)).toBe(every);
  });

  it("every Nth beat, and beats placed under a (looping) music segment", () => {
    expect(cutBeats([0, 500, 1000, 1500, 2000], 2)).toEqual([0, 1000, 2000]);
    const music = { id: "audio-1", startMs: 1000, durationMs: 5000, sourceInMs: 2000, loop: true } as AudioSegment;
    const found = { bpm: 60, periodMs: 1000, onBeat: 1, beatsMs: [2100, 3100, 4100] };
    // The stretch from 2 s to 5 s of the source repeats every 3 s.
    expect(timelineBeats(found, music, 3000)).toEqual([1100, 2100, 3100, 4100, 5100]);
    expect(timelineBeats(found, { ...music, loop: false }, 3000)).toEqual([1100, 2100, 3100]);
  });
});

describe("the beat of real music, found with ffmpeg", () => {
  let dir: string;
  const at = (name: string): string => join(dir, name);
  const media = (name: string): MediaFacts => fakeMedia({ id: "media-1", name, path: at(name), kind: "audio", has_video: false });

  beforeAll(async () => {
    dir = await tempDir("vm-beats-");
    const kick = (first: number, period: number) => `gte(t,${first})*0.8*sin(2*PI*60*t)*exp(-mod(t-${first},${period})*40)`;
    await Promise.all([
      // 120 BPM: a kick every 500 ms from 0.1 s over a 220 Hz bed, as AAC.
      ffmpeg(["-f", "lavfi", "-i", `aevalsrc=exprs='0.2*sin(2*PI*220*t)+${kick(0.1, 0.5)}':s=44100:d=12`, "-c:a", "aac", at("clicks.m4a")]),
      // 90 BPM, from 0.35 s.
      ffmpeg(["-f", "lavfi", "-i", `aevalsrc=exprs='0.2*sin(2*PI*330*t)+${kick(0.35, 2 / 3)}':s=44100:d=14`, "-c:a", "aac", at("ninety.m4a")]),
      // 100 BPM from 0.2 s: kick on 1 and 3, a snare (noise) on 2 and 4, hats on every eighth, over a bass note; MP3.
      ffmpeg([
        "-f", "lavfi", "-i",
        "aevalsrc=exprs='0.2*sin(2*PI*110*t)+gte(t,0.2)*(eq(mod(floor((t-0.2)/0.6),2),0)*0.9*sin(2*PI*55*t)*exp(-mod(t-0.2,0.6)*30)" +
          "+eq(mod(floor((t-0.2)/0.6),2),1)*0.5*(2*random(0)-1)*exp(-mod(t-0.2,0.6)*25)+0.15*(2*random(1)-1)*exp(-mod(t-0.2,0.3)*80))':s=44100:d=20",
        "-c:a", "libmp3lame", at("band.mp3"),
      ]),
      ffmpeg(["-f", "lavfi", "-i", "anoisesrc=d=12:c=pink:a=0.3", "-c:a", "aac", at("noise.m4a")]),
      // Syllable-like bursts at a rate that wanders (three sines gate them): nearly a rhythm, not a beat.
      ffmpeg([
        "-f", "lavfi", "-i",
        "aevalsrc=exprs='0.5*(2*random(0)-1)*gt(sin(2*PI*2.3*t)*sin(2*PI*3.7*t+1)+0.3*sin(2*PI*0.7*t),0.1)*(0.5+0.5*sin(2*PI*150*t))':s=16000:d=12",
        "-c:a", "aac", at("bursts.m4a"),
      ]),
      ffmpeg([
        "-f", "lavfi", "-i",
        "flite=text='Hello and welcome back to the channel. Today I will show you how we cut a short video from a long interview, and why the pauses matter more than you think. Let us get started with the first clip.'",
        "-c:a", "aac", at("speech.m4a"),
      ]),
    ]);
  }, 60_000);

  /** Every found beat within a frame of the true grid, and none of the true ones missing. */
  function expectOnGrid(beatsMs: number[], firstMs: number, periodMs: number, endMs: number): void {
    const truth = grid(firstMs, periodMs, endMs);
    expect(beatsMs.length).toBe(truth.length);
    beatsMs.forEach((b, k) => expect(Math.abs(b - truth[k]!)).toBeLessThan(FRAME));
  }

  it.each([
    { name: "clicks.m4a", bpm: 120, firstMs: 100, periodMs: 500, endMs: 12_000 },
    { name: "ninety.m4a", bpm: 90, firstMs: 350, periodMs: 2000 / 3, endMs: 14_000 },
    { name: "band.mp3", bpm: 100, firstMs: 200, periodMs: 600, endMs: 20_000 },
  ])("$name: $bpm BPM within 1 BPM, every beat within a frame", async ({ name, bpm, firstMs, periodMs, endMs }) => {
    const found = await detectBeats("ffmpeg", media(name), 0, endMs);
    if (!found.ok) throw new Error(found.why);
    expect(Math.abs(found.beats.bpm - bpm)).toBeLessThan(1);
    expectOnGrid(found.beats.beatsMs, firstMs, periodMs, endMs);
  });

  it("from a point inside the music, the beats come back in the music's own time", async () => {
    const found = await detectBeats("ffmpeg", media("clicks.m4a"), 3000, 12_000);
    if (!found.ok) throw new Error(found.why);
    expectOnGrid(found.beats.beatsMs, 3100, 500, 12_000);
  });

  it.each(["noise.m4a", "speech.m4a", "bursts.m4a"])("%s has no steady beat", async (name) => {
    expect(await detectBeats("ffmpeg", media(name), 0, 12_000)).toEqual({ ok: false, why: "no steady beat found" });
  });
});
