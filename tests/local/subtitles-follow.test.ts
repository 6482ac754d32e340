import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Draft } from "../../src/core/draft.js";
import { compileRender } from "../../src/local/compile.js";
import { probeFfmpeg, runFfmpeg } from "../../src/local/ffmpeg.js";
import { locateFont } from "../../src/local/fonts.js";
import type { MediaFacts } from "../../src/local/media.js";
import { type OpHelpers, applyOps, outlineTimeline } from "../../src/local/ops.js";
import { detectSilence } from "../../src/local/silence.js";
import { type VideoSegment, readTimeline } from "../../src/local/timeline.js";
import { makeInterview, tempDir } from "./fixtures.js";

/**
 * Issue 15, item 4: subtitles of an interview stay on its speech through the edits that move
 * it around. talk.mp4 speaks 0–1 s, 2.5–3.5 s and 5.5–6.5 s (real pauses, found by ffmpeg's
 * silencedetect); the SRT's cues sit on that speech, one sits in a pause, one spans a pause.
 * After remove_silence, set_transition all and fit_duration, every cue the render draws must be
 * drawn while the picture plays the very part of talk.mp4 the cue belongs to: read from the
 * compiled filtergraph (the drawtext enable times) and the saved timeline, then rendered.
 */

const SRT = [
  [100, 900, "One"],
  [600, 2800, "Across the first pause"],
  [2600, 3400, "Two"],
  [4000, 5000, "Um (in the second pause)"],
  [5600, 6400, "Three"],
] as const;
const srtTime = (ms: number): string => `00:00:0${Math.floor(ms / 1000)},${String(ms % 1000).padStart(3, "0")}`;
const srtText = SRT.map(([from, to, text], i) => `${i + 1}\n${srtTime(from)} --> ${srtTime(to)}\n${text}\n`).join("\n");

let dir: string;
let media: MediaFacts[];
let srtPath: string;
const helpers: OpHelpers = {
  detectSilence: (source, from, to, options) => detectSilence("ffmpeg", source, from, to, options),
  readTextFile: async (path) => (path === srtPath ? srtText : Promise.reject(new Error("missing"))),
};

beforeAll(async () => {
  dir = await tempDir("vm-subsync-");
  media = await makeInterview(dir);
  srtPath = join(dir, "talk.srt");
}, 60_000);

async function apply(ops: unknown[], draft: Draft = { t: [] }) {
  const result = await applyOps(draft, ops, media, helpers);
  return { ...result, timeline: readTimeline(result.draft) };
}

/** Each subtitle the render draws, by id, with when (seconds) — read back from the drawtext filters. */
function drawnCues(draft: Draft, workDir: string): Map<string, Array<[number, number]>> {
  const out = compileRender(draft, media, { outputPath: join(workDir, "out.mp4"), workDir, fontFile: "/fonts/Bold.ttf" });
  const drawn = new Map<string, Array<[number, number]>>();
  for (const match of out.filtergraph.matchAll(/drawtext=[^;,]*?textfile=[^:]*?(sub-\d+(?:_\d+)?)-1\.txt[^;]*?enable='gte\(t\\?,([\d.]+)\)\*lt\(t\\?,([\d.]+)\)'/g)) {
    const id = match[1]!.replace(/_\d+$/, "");
    drawn.set(id, [...(drawn.get(id) ?? []), [Number(match[2]), Number(match[3])]]);
  }
  return drawn;
}

/** What the picture plays at a time (ms): each clip on screen (two during a transition) and the source time in it. */
function playing(video: readonly VideoSegment[], atMs: number): Array<{ mediaId: string; sourceMs: number }> {
  return video.filter((s) => s.startMs <= atMs && atMs < s.startMs + s.durationMs).map((s) => ({ mediaId: s.mediaId, sourceMs: s.sourceInMs + (atMs - s.startMs) }));
}

/** A half frame at 30 fps: drawtext times are snapped to frames. */
const SLACK_MS = 20;

describe("subtitles that follow a clip, through remove_silence, set_transition all and fit_duration", () => {
  it("are drawn only while their own speech plays; a cue whose speech was cut is hidden, and the edit says so", async () => {
    const built = await apply([
      { op: "add_clip", media: "talk.mp4" },
      { op: "add_image", media: "photo.png", duration: 2 },
      { op: "add_clip", media: "broll.mp4", out: 1 },
      { op: "add_subtitles", file: srtPath },
    ]);
    const edited = await apply(
      [
        { op: "remove_silence" },
        { op: "set_transition", all: true, type: "fade", duration: 0.3 },
        { op: "fit_duration", seconds: 10 },
      ],
      built.draft,
    );
    const video = edited.timeline.video;
    expect(video.at(-1)!.startMs + video.at(-1)!.durationMs).toBe(10_000);
    const work = join(dir, "graph");
    await mkdir(work, { recursive: true });
    const drawn = drawnCues(edited.draft, work);
    expect([...drawn.keys()].sort()).toEqual(["sub-1", "sub-2", "sub-3", "sub-5"]);
    for (const [id, ranges] of drawn) {
      const [from, to] = SRT[Number(id.split("-")[1]) - 1]!;
      for (const [startS, endS] of ranges) {
        for (const atMs of [startS * 1000 + SLACK_MS, ((startS + endS) / 2) * 1000, endS * 1000 - SLACK_MS]) {
          // talk.mp4 is on screen (alone, or fading out into the next clip) at a moment of this cue's speech.
          const talk = playing(video, atMs).filter((shown) => shown.mediaId === "media-1");
          expect(talk, `${id} at ${atMs} ms: ${JSON.stringify(playing(video, atMs))}`).toHaveLength(1);
          expect(talk[0]!.sourceMs, `${id} at ${atMs} ms plays talk.mp4 at ${talk[0]!.sourceMs} ms`).toBeGreaterThanOrEqual(from - SLACK_MS);
          expect(talk[0]!.sourceMs, `${id} at ${atMs} ms plays talk.mp4 at ${talk[0]!.sourceMs} ms`).toBeLessThanOrEqual(to + SLACK_MS);
        }
      }
    }
    // The cue across the pause shows on both sides of the jump cut, as one line: 0.6–1.15 s, then 2.35–2.8 s of talk.mp4.
    const across = drawn.get("sub-2")!;
    expect(across).toHaveLength(1);
    expect(across[0]![1] - across[0]![0]).toBeCloseTo(1, 1);

    // The edits said what happened; the state names the clip the subtitles follow and the hidden cue.
    expect(built.notes.join("\n")).toContain("they follow clip-1 (their times are times in talk.mp4)");
    expect(edited.notes.find((note) => note.startsWith("Fitted"))).toMatch(/; subtitles that follow a clip stay on its speech\.$/);
    expect(edited.notes).toContain("1 subtitle (sub-4) fell in a part of clip-1 that was cut, so it is hidden (it comes back if that footage is put back).");
    const outline = outlineTimeline(edited.timeline);
    expect(outline.find((line) => line.startsWith("sub-4"))).toBe('sub-4 "Um (in the second pause)" hidden (bottom, follows clip-1: 4-5s of its recording, which was cut)');
    expect(outline.find((line) => line.startsWith("sub-5"))).toMatch(/^sub-5 "Three" [\d.]+-[\d.]+s \(bottom, follows clip-1: 5.6-6.4s of its recording\)$/);
  }, 60_000);

  it("go with their clip when it is moved, and are removed with it (the edit says so)", async () => {
    const built = await apply([
      { op: "add_image", media: "photo.png", duration: 2 },
      { op: "add_clip", media: "talk.mp4" },
      { op: "add_subtitles", file: srtPath, follows: "clip-1" },
    ]);
    const moved = await apply([{ op: "move", segment: "clip-1", to: 1 }], built.draft);
    // talk.mp4 now plays from 0 s: each cue at its own time in the recording.
    expect(moved.timeline.subtitles.map((s) => s.startMs)).toEqual(SRT.map(([from]) => from));
    const removed = await apply([{ op: "remove", segment: "clip-1" }], moved.draft);
    expect(removed.timeline.subtitles).toEqual([]);
    expect(removed.notes).toContain("The 5 subtitles that followed clip-1 (sub-1, sub-2, sub-3, sub-4 and sub-5) were removed with it (undo brings them back).");
  });

  it("a draft from before subtitles could follow a clip reads and draws them at their fixed times, as it did", async () => {
    const old: Draft = {
      t: [
        { tt: 0, sg: [{ id: "clip-1", n: "talk.mp4", src: "media-1", st: 0, d: 1150, in: 0, co: true, of: "clip-1" }, { id: "clip-2", n: "talk.mp4", src: "media-1", st: 1150, d: 1300, in: 2350, ci: true, of: "clip-1" }] },
        { tt: 7, n: "Subtitles", role: "subtitles", sg: [{ id: "sub-1", st: 500, d: 1500, tx: "Hello", pos: "bottom", sz: 42, c: "white", box: true }] },
      ],
      d: 2450,
    };
    expect(readTimeline(old).subtitles).toEqual([{ id: "sub-1", startMs: 500, durationMs: 1500, text: "Hello", position: "bottom", sizePx: 42, colour: "white", box: true }]);
    const work = join(dir, "old");
    await mkdir(work, { recursive: true });
    expect([...drawnCues(old, work)]).toEqual([["sub-1", [[0.483333, 1.983333]]]]);
    // and an edit keeps them where they are
    const edited = await apply([{ op: "set_text", segment: "sub-1", text: "Hi" }], old);
    expect(edited.timeline.subtitles.map((s) => [s.startMs, s.durationMs, s.followsClip])).toEqual([[500, 1500, undefined]]);
  });

  it("renders: a cue split over two places draws in both", async () => {
    const built = await apply([
      { op: "add_clip", media: "talk.mp4" },
      { op: "add_subtitles", file: srtPath },
      { op: "remove_silence" },
      // The middle piece (2.35–3.65 s of talk.mp4) goes first; "Across the first pause" shows on it and on clip-1.
      { op: "move", segment: "clip-2", to: 1 },
    ]);
    expect(built.timeline.video.map((s) => s.id)).toEqual(["clip-2", "clip-1", "clip-3"]);
    const work = join(dir, "render");
    await mkdir(work, { recursive: true });
    const out = compileRender(built.draft, media, {
      outputPath: join(work, "out.mp4"), workDir: work, fontFile: await locateFont(), features: await probeFfmpeg("ffmpeg"), width: 160, height: 90,
    });
    expect(out.textFiles.map((f) => f.content)).toEqual(expect.arrayContaining(["Across the first pause", "Across the first pause"]));
    expect(out.textFiles.filter((f) => f.content === "Across the first pause").map((f) => f.path.split("/").at(-1))).toEqual(["sub-2-1.txt", "sub-2_2-1.txt"]);
    for (const file of out.textFiles) await writeFile(file.path, file.content);
    await runFfmpeg("ffmpeg", out.args, { durationMs: out.durationMs });
  }, 60_000);
});
