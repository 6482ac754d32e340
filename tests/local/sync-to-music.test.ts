import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import type { Draft } from "../../src/core/draft.js";
import { LocalBackend } from "../../src/local/backend.js";
import { detectBeats } from "../../src/local/beats.js";
import { probeMedia } from "../../src/local/ffprobe.js";
import type { MediaFacts } from "../../src/local/media.js";
import { type OpHelpers, applyOps } from "../../src/local/ops.js";
import { detectSilence } from "../../src/local/silence.js";
import { type VideoSegment, readTimeline } from "../../src/local/timeline.js";
import { tempDir } from "./fixtures.js";

/**
 * sync_to_music: the cuts between clips and photos land on the music's beats, found by ffmpeg
 * in real music with known beats (a kick every 500 ms from 0.1 s); clips keep their cut points.
 */

const run = promisify(execFile);
const ffmpeg = (args: string[]) => run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", ...args]);
const FRAME = 1000 / 30;
/** The true beats of beat.m4a. */
const BEAT_ONE_MS = 100;
const PERIOD_MS = 500;

let dir: string;
let media: MediaFacts[];
const helpers: OpHelpers = {
  detectBeats: (source, from, to) => detectBeats("ffmpeg", source, from, to),
  detectSilence: (source, from, to, options) => detectSilence("ffmpeg", source, from, to, options),
};
const NAMES = ["beat.m4a", "broll.mp4", "photo.png", "talk.mp4", "speech.m4a"] as const;

beforeAll(async () => {
  dir = await tempDir("vm-sync-");
  const at = (name: string): string => join(dir, name);
  const x264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"];
  const tone = (seconds: number) => ["-f", "lavfi", "-t", String(seconds), "-i", "sine=frequency=440:sample_rate=48000"];
  const hush = (seconds: number) => ["-f", "lavfi", "-t", String(seconds), "-i", "anullsrc=r=48000:cl=mono"];
  await Promise.all([
    ffmpeg(["-f", "lavfi", "-i", "aevalsrc=exprs='0.2*sin(2*PI*220*t)+gte(t,0.1)*0.8*sin(2*PI*60*t)*exp(-mod(t-0.1,0.5)*40)':s=44100:d=20", "-c:a", "aac", at("beat.m4a")]),
    ffmpeg(["-f", "lavfi", "-i", "testsrc=size=160x90:rate=30:duration=6", ...tone(6), ...x264, "-c:a", "aac", "-shortest", at("broll.mp4")]),
    ffmpeg(["-f", "lavfi", "-i", "testsrc=size=160x90", "-frames:v", "1", at("photo.png")]),
    // An interview: 1.3 s of speech, a 1.5 s pause, 1.2 s of speech (4 s).
    ffmpeg([
      "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=30:duration=4",
      ...tone(1.3), ...hush(1.5), ...tone(1.2),
      "-filter_complex", "[1:a][2:a][3:a]concat=n=3:v=0:a=1[a]", "-map", "0:v", "-map", "[a]",
      ...x264, "-c:a", "aac", at("talk.mp4"),
    ]),
    ffmpeg(["-f", "lavfi", "-i", "flite=text='Hello and welcome back. Today I will show you how we cut a short video from a long interview, and why the pauses matter.'", "-c:a", "aac", at("speech.m4a")]),
  ]);
  media = await Promise.all(NAMES.map(async (name, i) => ({ id: `media-${i + 1}`, name, path: at(name), ...(await probeMedia("ffprobe", at(name))) })));
}, 60_000);

async function apply(ops: unknown[], draft: Draft = { t: [] }) {
  const result = await applyOps(draft, ops, media, helpers);
  return { ...result, timeline: readTimeline(result.draft) };
}

async function problemsOf(ops: unknown[]): Promise<string> {
  try {
    await applyOps({ t: [] }, ops, media, helpers);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected the ops to be refused");
}

const cutsOf = (video: VideoSegment[]): number[] => video.slice(1).map((s) => s.startMs);
const endOf = (video: VideoSegment[]): number => video.at(-1)!.startMs + video.at(-1)!.durationMs;
/** How far a time is from the nearest true beat (every `every`th one). */
const offBeat = (ms: number, every = 1): number => {
  const step = PERIOD_MS * every;
  const k = Math.round((ms - BEAT_ONE_MS) / step);
  return Math.abs(ms - (BEAT_ONE_MS + k * step));
};

const PHOTOS_AND_CLIPS = [
  { op: "add_image", media: "photo.png", duration: 1.3 },
  { op: "add_clip", media: "broll.mp4" },
  { op: "trim", segment: "clip-1", in: 0.5, out: 2.2 },
  { op: "add_image", media: "photo.png", duration: 2.2 },
  { op: "add_clip", media: "broll.mp4", out: 3 },
  { op: "add_image", media: "photo.png", duration: 1.5 },
  { op: "add_audio", media: "beat.m4a" },
];

describe("sync_to_music", () => {
  it("puts every cut between clips and photos on a beat, keeps the end, says what moved and the tempo", async () => {
    const before = await apply(PHOTOS_AND_CLIPS);
    expect(cutsOf(before.timeline.video).filter((c) => offBeat(c) > FRAME)).not.toEqual([]);
    const { timeline, notes } = await apply([{ op: "sync_to_music", every: 1 }], before.draft);
    for (const cut of cutsOf(timeline.video)) expect(offBeat(cut)).toBeLessThanOrEqual(FRAME);
    expect(endOf(timeline.video)).toBe(endOf(before.timeline.video));
    expect(notes[0]).toMatch(/^Found 120\.\d BPM in beat\.m4a \(audio-1\); 4 of 4 cuts now on the beat \(every beat\): clip-1 now starts at 1\.10s \(−0\.20s\), image-2 now starts at 2\.60s \(−0\.40s\), /);
    // The trimmed clip (cut at 2.2 s of its footage) got shorter, never longer; its in-point stayed.
    const trimmed = timeline.video[1]!;
    expect(trimmed.sourceInMs).toBe(500);
    expect(trimmed.sourceInMs + trimmed.durationMs).toBeLessThanOrEqual(2200);
  });

  it("every: 2 puts the cuts on every other beat", async () => {
    const { timeline } = await apply([...PHOTOS_AND_CLIPS, { op: "sync_to_music", every: 2 }]);
    for (const cut of cutsOf(timeline.video)) expect(offBeat(cut, 2)).toBeLessThanOrEqual(FRAME);
  });

  it("with transitions, the cut is where the next clip starts to show", async () => {
    const { timeline } = await apply([...PHOTOS_AND_CLIPS, { op: "set_transition", all: true, type: "fade", duration: 0.4 }, { op: "sync_to_music", every: 1 }]);
    expect(timeline.video.slice(1).every((s) => s.transition?.durationMs === 400)).toBe(true);
    for (const cut of cutsOf(timeline.video)) expect(offBeat(cut)).toBeLessThanOrEqual(FRAME);
  });

  it("leaves the jump cuts remove_silence made alone, and syncs the cuts around them", async () => {
    const cut = await apply([{ op: "add_image", media: "photo.png", duration: 1.2 }, { op: "add_clip", media: "talk.mp4" }, { op: "remove_silence" }, { op: "add_image", media: "photo.png", duration: 2 }, { op: "add_audio", media: "beat.m4a" }]);
    const pieces = (v: VideoSegment[]) => v.filter((s) => s.mediaId === "media-4").map((s) => [s.sourceInMs, s.durationMs]);
    expect(pieces(cut.timeline.video)).toHaveLength(2);
    const { timeline, notes } = await apply([{ op: "sync_to_music", every: 1 }], cut.draft);
    const [first, second] = pieces(timeline.video);
    // The first piece ends where remove_silence cut it; the second may only get shorter.
    expect(first).toEqual(pieces(cut.timeline.video)[0]);
    expect(second![0]).toBe(pieces(cut.timeline.video)[1]![0]);
    expect(second![1]).toBeLessThanOrEqual(pieces(cut.timeline.video)[1]![1]!);
    expect(offBeat(timeline.video[1]!.startMs)).toBeLessThanOrEqual(FRAME);
    expect(offBeat(timeline.video[3]!.startMs)).toBeLessThanOrEqual(FRAME);
    expect(notes).toContain("The 1 jump cut inside clips that remove_silence cut stay where they are.");
  });

  it("clips: only the cuts into the clips named move", async () => {
    const before = await apply(PHOTOS_AND_CLIPS);
    const { timeline } = await apply([{ op: "sync_to_music", every: 1, clips: ["image-2"] }], before.draft);
    expect(offBeat(timeline.video[2]!.startMs)).toBeLessThanOrEqual(FRAME);
    expect(timeline.video[1]!.startMs).toBe(before.timeline.video[1]!.startMs);
  });

  it("refuses without music, with music that has no beat, and with too few clips", async () => {
    expect(await problemsOf([...PHOTOS_AND_CLIPS.slice(0, 4), { op: "sync_to_music" }])).toBe(
      '1 problem in the edits, so nothing was changed:\n- op 5 (sync_to_music): there is no music to follow: add it first with {"op":"add_audio","media":"music.mp3"}',
    );
    expect(await problemsOf([...PHOTOS_AND_CLIPS.slice(0, 4), { op: "add_audio", media: "speech.m4a" }, { op: "sync_to_music" }])).toBe(
      "1 problem in the edits, so nothing was changed:\n- op 6 (sync_to_music): no steady beat found in speech.m4a (audio-1); sync_to_music needs music with a clear beat — speech or ambient sound has none",
    );
    expect(await problemsOf([{ op: "add_image", media: "photo.png" }, { op: "add_audio", media: "beat.m4a" }, { op: "sync_to_music", music: "image-1" }])).toMatch(
      /op 3 \(sync_to_music\): sync_to_music needs at least two clips or photos/,
    );
    expect(await problemsOf([...PHOTOS_AND_CLIPS, { op: "sync_to_music", music: "image-1" }])).toMatch(/image-1 is not on the music track/);
    expect(await problemsOf([...PHOTOS_AND_CLIPS, { op: "sync_to_music", every: 0 }])).toMatch(/op 8 \(sync_to_music\): "every" must be at least 1/);
  });
});

describe("through the local backend", () => {
  it("uploads, adds clips, photos and music, syncs: every cut lands on a beat", async () => {
    const home = await tempDir("vm-home-");
    const config = loadConfig({ VIDEO_MAKER_HOME: home, VIDEO_MAKER_BACKEND: "local", VIDEO_MAKER_OUTPUT_DIR: await tempDir("vm-out-") }, home);
    const backend = new LocalBackend(config, { killGraceMs: 500 });
    await backend.upload({ paths: [join(dir, "beat.m4a"), join(dir, "broll.mp4"), join(dir, "photo.png")] });
    await backend.applyEdits(PHOTOS_AND_CLIPS);
    const result = await backend.applyEdits([{ op: "sync_to_music" }]);
    expect(result.changes.join("\n")).toMatch(/Found 120\.\d BPM in beat\.m4a/);
    const video = readTimeline(result.draft).video;
    for (const cut of cutsOf(video)) expect(offBeat(cut)).toBeLessThanOrEqual(FRAME);
    // What was saved is what came back.
    const state = await backend.getState();
    expect(state.draft).toEqual(result.draft);
  });
});
