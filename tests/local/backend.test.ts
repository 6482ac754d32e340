import { appendFile, copyFile, readFile, readdir, rename, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import type { Backend, ExportCheckpoint, ProgressEvent } from "../../src/core/backend.js";
import { LocalBackend } from "../../src/local/backend.js";
import { locateCjkFont } from "../../src/local/fonts.js";
import { failure } from "../support/failure.js";
import { type MediaSet, grayFrame, grayOfPng, makeMediaSet, meanAbsDiff, probe, regionStats, tempDir, videoStream } from "./fixtures.js";

let set: MediaSet;

beforeAll(async () => {
  set = await makeMediaSet();
}, 60_000);

async function freshBackend(): Promise<{ backend: LocalBackend; home: string; out: string }> {
  const home = await tempDir("vm-home-");
  const out = await tempDir("vm-out-");
  const config = loadConfig({ VIDEO_MAKER_HOME: home, VIDEO_MAKER_BACKEND: "local", VIDEO_MAKER_OUTPUT_DIR: out }, home);
  return { backend: new LocalBackend(config, { killGraceMs: 500 }), home, out };
}

/** A copy of a fixture, so a test may move or change it. */
async function copyOf(path: string, name: string): Promise<string> {
  const dir = await tempDir("vm-copy-");
  const target = join(dir, name);
  await copyFile(path, target);
  return target;
}

const FRAME_MS = 1000 / 30;

describe("media", () => {
  it("registers files with their facts and refuses links, corrupt and missing files", async () => {
    const { backend } = await freshBackend();
    const result = await backend.upload({
      paths: [set.clip, set.photo, set.music, set.portrait, set.corrupt, set.damagedPng, "/nowhere/clip.mp4", set.clip],
      urls: ["https://example.com/a.mp4"],
    });
    expect(result.uploaded).toEqual([
      { name: "clip.mp4", type: "video", durationSeconds: 2, width: 320, height: 180 },
      { name: "photo.png", type: "image", width: 400, height: 300 },
      { name: "music.m4a", type: "audio", durationSeconds: 3 },
      { name: "portrait.mp4", type: "video", durationSeconds: 1, width: 180, height: 320 },
    ]);
    expect(result.rejected).toEqual([
      { input: set.corrupt, reason: expect.stringMatching(/^"corrupt\.mp4" could not be read as media: .*damaged/) },
      // ffprobe reads its header happily; decoding the picture is what fails, and would stall a render
      { input: set.damagedPng, reason: expect.stringMatching(/^"damaged\.png" could not be read as media: its picture data is damaged \(.*inflate returned error -3\)/) },
      { input: "/nowhere/clip.mp4", reason: "No file exists at this path." },
      { input: set.clip, reason: "The same file is listed twice." },
      { input: "https://example.com/a.mp4", reason: "Local mode works with files on this computer: download the file first and pass its path." },
    ]);
    const records = await backend.listMedia();
    expect(records.map((r) => r.id)).toEqual(["media-1", "media-2", "media-3", "media-4"]);
    expect(records[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    // the same file again keeps its id
    await backend.upload({ paths: [set.clip] });
    expect((await backend.listMedia()).map((r) => r.id)).toEqual(["media-1", "media-2", "media-3", "media-4"]);
  });

  it("declares an editor and no agent (no words to read, no credits)", async () => {
    const { backend } = await freshBackend();
    expect(backend.editor).toBe(backend);
    expect((backend as Backend).agent).toBeUndefined();
  });
});

describe("editing and state", () => {
  it("applies edits, reports changes with ids, and keeps the project across instances", async () => {
    const { backend, home } = await freshBackend();
    await backend.upload({ paths: [set.clip, set.silentClip, set.music] });
    const result = await backend.applyEdits([
      { op: "add_clip", media: "clip.mp4" },
      { op: "add_clip", media: "silent", out: 1.5 },
      { op: "set_transition", all: true, type: "fade", duration: 0.5 },
      { op: "add_text", text: "Hello", duration: 2 },
      { op: "add_audio", media: "media-3", volume: 0.3 },
    ]);
    expect(result.timeline).toBe('Timeline (3 tracks): 1. Video: clip.mp4 (0-2s), silent.mp4 (1.5-3s) 2. BGM: music.m4a (0-3s, 30%) 3. Title: "Hello" (0-2s)');
    expect(result.changes).toEqual([
      "Added Video track 1: clip.mp4 (0-2s), silent.mp4 (1.5-3s)",
      "Added BGM track 2: music.m4a (0-3s, 30%)",
      'Added Title track 3: "Hello" (0-2s)',
      "Length 0s → 3s",
    ]);
    expect(result.outline[1]).toBe("clip-2 silent.mp4 1.5-3s (fade 0.5s in)");

    const again = new LocalBackend(loadConfig({ VIDEO_MAKER_HOME: home, VIDEO_MAKER_BACKEND: "local" }, home));
    const state = await again.getState();
    expect(state.timeline).toBe(result.timeline);
    expect(state.tracks[0]!.label).toBe("Video: clip.mp4 (0-2s), silent.mp4 (1.5-3s) — ids: clip-1, clip-2");
    expect(state.media[0]).toEqual({ id: "media-1", name: "clip.mp4", type: "video", durationSeconds: 2, width: 320, height: 180, url: `file://${set.clip}` });

    const change = await again.applyEdits([{ op: "trim", segment: "clip-1", out: 1 }]);
    expect(change.changes).toContain('Video track 1: "clip.mp4" now 0-1s (was 0-2s)');

    const refused = await failure(again.applyEdits([{ op: "remove", segment: "clip-1" }, { op: "remove", segment: "clip-1" }]));
    expect(refused.message).toBe('1 problem in the edits, so nothing was changed:\n- op 2 (remove): there is no segment "clip-1" (ids: clip-2, audio-1, text-1)');
    expect((await again.getState()).timeline).toBe(change.timeline);
  });

  it("registers a file an op names by absolute path, and refuses one it cannot use", async () => {
    const { backend } = await freshBackend();
    const result = await backend.applyEdits([{ op: "add_image", media: set.photo, duration: 2 }]);
    expect(result.outline).toEqual(["image-1 photo.png 0-2s"]);
    const error = await failure(backend.applyEdits([{ op: "add_clip", media: set.corrupt }]));
    expect(error.message).toMatch(/^1 problem in the edits, so nothing was changed:\n- op 1 \(add_clip\): \/.*\/corrupt\.mp4: "corrupt\.mp4" could not be read/);
  });

  it("cuts the pauses in a real clip", async () => {
    const { backend } = await freshBackend();
    await backend.upload({ paths: [set.speech] });
    const result = await backend.applyEdits([{ op: "add_clip", media: "speech.mp4" }, { op: "remove_silence" }]);
    expect(result.outline.map((line) => line.split(" ")[0])).toEqual(["clip-1", "clip-2"]);
    expect(result.changes.at(-1)).toMatch(/^clip-1: cut 1 pause \(1\.\ds\); it is now clip-1, clip-2\.$/);
  });

  it("starts an empty project on new_session", async () => {
    const { backend } = await freshBackend();
    await backend.applyEdits([{ op: "add_text", text: "Old" }]);
    const before = (await backend.getState()).sessionId;
    const { sessionId, created } = await backend.newSession("zh");
    expect(created).toBe(true);
    expect(sessionId).not.toBe(before);
    const state = await backend.getState();
    expect([state.sessionId, state.timeline, state.media]).toEqual([sessionId, "Timeline (0 tracks): empty", []]);
    await expect(backend.newSession("not a language")).rejects.toThrow(/not a language code/);
  });
});

describe("rendering", () => {
  it("exports a promo: H.264 High + AAC, exact length, text drawn, bars where contain leaves them", async () => {
    const { backend, out } = await freshBackend();
    await backend.upload({ paths: [set.clip, set.silentClip, set.portrait, set.photo, set.music] });
    await backend.applyEdits([
      { op: "set_format", aspect: "16:9", resolution: 180 },
      { op: "add_clip", media: "clip.mp4" },
      { op: "add_clip", media: "portrait.mp4", fit: "contain" },
      { op: "add_image", media: "photo.png", duration: 1.5, ken_burns: "zoom_in" },
      { op: "add_clip", media: "silent.mp4", out: 1 },
      { op: "set_transition", after: "clip-1", type: "fade", duration: 0.5 },
      { op: "set_transition", after: "image-1", type: "wipeleft", duration: 0.5 },
      { op: "add_text", text: "Summer: 50% off! \\o/", at: 0, duration: 1.5, position: "center", size: "huge", box: true },
      { op: "add_audio", media: "music.m4a", volume: 0.5, fade_in: 0.5, fade_out: 0.5, loop: true, duck: true },
    ]);
    const events: ProgressEvent[] = [];
    const checkpoints: ExportCheckpoint[] = [];
    const result = await backend.exportVideo(
      { outputDir: out, fileName: "promo" },
      { onProgress: (event) => events.push(event), onCheckpoint: (c) => void checkpoints.push(c) },
    );

    expect(result.file).toBe(join(out, "promo.mp4"));
    expect(result.bytes).toBe((await stat(result.file)).size);
    expect(checkpoints).toEqual([{ backend: "local", renderId: result.renderId, sessionId: expect.any(String), outputPath: result.file, startedAt: expect.any(String), loudness: -14 }]);
    expect(result.renderId).toMatch(/^local_/);
    const renderEvents = events.filter((e) => e.stage === "render" && e.fraction !== undefined);
    expect(renderEvents[0]!.message).toBe("render 0%");
    expect(renderEvents.some((e) => /^render \d+%$/.test(e.message) && e.fraction! > 0)).toBe(true);
    expect(renderEvents.map((e) => e.fraction)).toEqual([...renderEvents.map((e) => e.fraction!)].sort((a, b) => a - b));

    const info = await probe(result.file);
    const video = videoStream(info);
    expect([video.codec_name, video.profile, video.pix_fmt, video.width, video.height, video.r_frame_rate]).toEqual(["h264", "High", "yuv420p", 320, 180, "30/1"]);
    const audio = info.streams.find((s) => s.codec_type === "audio");
    expect([audio?.codec_name, audio?.sample_rate, audio?.channels]).toEqual(["aac", "48000", 2]);
    const expectedMs = 2000 + 1000 + 1500 + 1000 - 500 - 500;
    expect(Math.abs(Number(info.format.duration) * 1000 - expectedMs)).toBeLessThanOrEqual(FRAME_MS + 1);
    expect(Number(video.nb_frames)).toBe(135);
    expect(await readdir(out)).toEqual(["promo.mp4"]);

    // the title is drawn: the centre band differs from the same moment after the title is gone
    const withTitle = await grayFrame(result.file, 1.0);
    const band = { x: 20, y: 70, w: 280, h: 40 };
    expect(regionStats(withTitle, 320, band).stddev).toBeGreaterThan(30);

    // contain: the upright portrait clip (shown 1.5–2.5 s) has black bars left and right
    const portrait = await grayFrame(result.file, 2.2);
    expect(regionStats(portrait, 320, { x: 0, y: 0, w: 90, h: 180 }).max).toBeLessThan(30);
    expect(regionStats(portrait, 320, { x: 230, y: 0, w: 90, h: 180 }).max).toBeLessThan(30);
    expect(regionStats(portrait, 320, { x: 130, y: 20, w: 60, h: 140 }).stddev).toBeGreaterThan(20);

    // never overwrite: the same name again gets the next free one
    const second = await backend.exportVideo({ outputDir: out, fileName: "promo.mp4" });
    expect(second.file).toBe(join(out, "promo (2).mp4"));
  }, 60_000);

  it("renders true 1080p", async () => {
    const { backend, out } = await freshBackend();
    await backend.upload({ paths: [set.clip] });
    await backend.applyEdits([{ op: "add_clip", media: "clip.mp4", out: 1 }, { op: "add_text", text: "1080p", position: "bottom", box: true }]);
    const result = await backend.exportVideo({ outputDir: out });
    const info = await probe(result.file);
    const video = videoStream(info);
    expect([video.codec_name, video.profile, video.pix_fmt, video.width, video.height]).toEqual(["h264", "High", "yuv420p", 1920, 1080]);
    expect(Math.abs(Number(info.format.duration) * 1000 - 1000)).toBeLessThanOrEqual(FRAME_MS + 1);
    expect(result.file).toMatch(/video-maker-\d{8}-\d{6}\.mp4$/);
  }, 60_000);

  it("previews a frame as a small PNG, with the text on it", async () => {
    const { backend } = await freshBackend();
    await backend.upload({ paths: [set.silentClip, set.clip] });
    await backend.applyEdits([
      { op: "add_clip", media: "silent.mp4" },
      { op: "add_clip", media: "clip.mp4" },
      { op: "add_text", text: "LOOK HERE", at: 2, duration: 1, size: "huge", box: true },
    ]);
    const frame = await backend.previewFrame(2.5);
    expect(frame.png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect([frame.width, frame.height, frame.atSeconds]).toEqual([640, 360, 2.5]);
    const dir = await tempDir();
    const withText = await grayOfPng(frame.png, dir);
    const without = await grayOfPng((await backend.previewFrame(3.5)).png, dir);
    expect(withText.length).toBe(640 * 360);
    expect(meanAbsDiff(withText, without, 640, { x: 100, y: 140, w: 440, h: 80 })).toBeGreaterThan(20);
    // The last moment shows the last frame; a moment past the end is refused with the video's length.
    const end = await backend.previewFrame(4);
    expect(end.atSeconds).toBeCloseTo(4 - 1 / 30, 3);
    const past = await failure(backend.previewFrame(99));
    expect([past.code, past.message]).toEqual(["invalid_input", "The video is 4 s long: choose a moment from 0 to 4 seconds."]);
    await expect(backend.previewFrame(-1)).rejects.toThrow(/at_seconds/);
    // Bigger on request, to judge a title's legibility, but never past the export's own size.
    const big = await backend.previewFrame(2.5, { maxSide: 1280 });
    expect([big.width, big.height]).toEqual([1280, 720]);
    const capped = await backend.previewFrame(2.5, { maxSide: 3840 });
    expect([capped.width, capped.height]).toEqual([1920, 1080]);
  }, 60_000);

  it("shows a phone's sideways-stored portrait photo upright, and says it is portrait", async () => {
    const { backend } = await freshBackend();
    const added = await backend.upload({ paths: [set.sidewaysPhoto] });
    expect(added.uploaded).toEqual([{ name: "sideways.jpg", type: "image", width: 200, height: 400 }]);
    await backend.applyEdits([
      { op: "add_image", media: "sideways.jpg", duration: 2, fit: "contain" },
      { op: "add_image", media: "sideways.jpg", duration: 2 },
    ]);
    const dir = await tempDir();
    const contained = await grayOfPng((await backend.previewFrame(1)).png, dir);
    // Upright and contained in 640x360: a 180x360 picture in the middle, its white band on top, black beside it.
    expect(regionStats(contained, 640, { x: 0, y: 0, w: 220, h: 360 }).max).toBeLessThan(30);
    expect(regionStats(contained, 640, { x: 420, y: 0, w: 220, h: 360 }).max).toBeLessThan(30);
    expect(regionStats(contained, 640, { x: 250, y: 10, w: 140, h: 70 }).min).toBeGreaterThan(200);
    expect(regionStats(contained, 640, { x: 250, y: 120, w: 140, h: 220 }).max).toBeLessThan(160);
    // No fit given: a portrait picture in a landscape frame gets the blurred background, whole
    // (taken for landscape, it was cropped to its grey middle and the band was lost).
    const auto = await grayOfPng((await backend.previewFrame(3)).png, dir);
    expect(regionStats(auto, 640, { x: 250, y: 10, w: 140, h: 70 }).min).toBeGreaterThan(200);
    expect(regionStats(auto, 640, { x: 0, y: 0, w: 200, h: 360 }).max).toBeGreaterThan(60);
  }, 60_000);

  it("names a moved source, and a changed one, at render time; upload again fixes it", async () => {
    const { backend, out } = await freshBackend();
    const moving = await copyOf(set.clip, "moving.mp4");
    const changing = await copyOf(set.silentClip, "changing.mp4");
    await backend.upload({ paths: [moving, changing] });
    await backend.applyEdits([{ op: "add_clip", media: "moving.mp4" }, { op: "add_clip", media: "changing.mp4" }, { op: "set_format", resolution: 180 }]);

    await rename(moving, `${moving}.away`);
    const gone = await failure(backend.exportVideo({ outputDir: out }));
    expect(gone.code).toBe("file_not_found");
    expect(gone.message).toContain(`${moving} is no longer there (moved, renamed or deleted)`);
    await rename(`${moving}.away`, moving);

    await appendFile(changing, Buffer.alloc(10));
    const changed = await failure(backend.previewFrame(0));
    expect(changed.code).toBe("file_mismatch");
    expect(changed.message).toContain(`${changing} changed on disk since it was added`);

    await backend.upload({ paths: [changing] });
    const result = await backend.exportVideo({ outputDir: out });
    expect((await stat(result.file)).size).toBeGreaterThan(0);
  }, 60_000);

  it("cancel kills ffmpeg and leaves no file", async () => {
    const { backend, out } = await freshBackend();
    await backend.upload({ paths: [set.photo] });
    await backend.applyEdits([{ op: "add_image", media: "photo.png", duration: 600, ken_burns: "zoom_in" }, { op: "set_format", resolution: 720 }]);
    const controller = new AbortController();
    const running = backend.exportVideo(
      { outputDir: out, fileName: "long" },
      { signal: controller.signal, onProgress: (e) => { if ((e.fraction ?? 0) > 0) controller.abort(); } },
    );
    setTimeout(() => controller.abort(), 3000);
    const error = await failure(running);
    expect(error.code).toBe("cancelled");
    expect(await readdir(out)).toEqual([]);
  }, 30_000);

  it("a failing render reports the tail of ffmpeg's messages and leaves no file", async () => {
    const { backend, out } = await freshBackend();
    const broken = await copyOf(set.clip, "broken.mp4");
    await backend.upload({ paths: [broken] });
    await backend.applyEdits([{ op: "add_clip", media: "broken.mp4" }, { op: "set_format", resolution: 180 }]);
    // Same size and time, different content: it passes the check, then ffmpeg cannot read it.
    const info = await stat(broken);
    const garbage = Buffer.alloc(info.size, 0x42);
    Buffer.from("\x00\x00\x00\x18ftypisom", "latin1").copy(garbage);
    await writeFile(broken, garbage);
    await utimes(broken, info.atime, info.mtime);
    const error = await failure(backend.exportVideo({ outputDir: out, fileName: "broken" }));
    expect(error.code).toBe("local_render_failed");
    expect(error.message).toMatch(/^"broken\.mp4" could not be read while rendering: the file may be damaged or incomplete\. .*ffmpeg stopped during the render \(exit code \d+\)\. Its last messages:\n.+/s);
    expect(error.message).toContain("Invalid data found when processing input");
    expect(error.message.split("\n").length).toBeLessThanOrEqual(16);
    expect(await readdir(out)).toEqual([]);
  }, 30_000);

  it("subtitles follow the speech through a pause cut: the edit names the hidden cue, the state the clip, undo brings all back", async () => {
    const { backend } = await freshBackend();
    const subtitles = join(await tempDir("vm-subs-"), "speech.srt");
    // speech.mp4: a tone, 1.5 s of silence from 1 s, the tone again (3.5 s).
    await writeFile(subtitles, "1\n00:00:00,100 --> 00:00:00,900\nHi\n\n2\n00:00:01,500 --> 00:00:02,200\nHmm\n\n3\n00:00:02,700 --> 00:00:03,300\nBye\n");
    await backend.upload({ paths: [set.speech] });
    await backend.applyEdits([{ op: "add_clip", media: "speech.mp4" }, { op: "add_subtitles", file: subtitles }]);
    const cut = await backend.applyEdits([{ op: "remove_silence" }]);
    expect(cut.changes).toContain("1 subtitle (sub-2) fell in a part of clip-1 that was cut, so it is hidden (it comes back if that footage is put back).");
    // The summary shows the timeline as it will be seen: "Hmm" is not on it.
    expect(cut.timeline).toContain('Title: "Hi" (0.1-0.9s), "Bye" (1.5-2.1s)');
    expect(cut.outline).toContain('sub-2 "Hmm" hidden (bottom, follows clip-1: 1.5-2.2s of its recording, which was cut)');
    const subtitleTrack = (await backend.getState()).tracks.find((track) => track.label.includes("sub-1"))!;
    expect(subtitleTrack.label).toContain(" — following clip-1 (1 of 3 hidden: their speech was cut) — ids: sub-1, sub-2, sub-3");
    // The cut piece shows "Bye" about 1.2 s earlier than the file says: on its words.
    const bye = (await backend.getState()).draft.t[1]!.sg[2]!;
    expect(Number(bye["st"])).toBeLessThan(2000);
    await backend.undo();
    const back = (await backend.getState()).tracks.find((track) => track.label.includes("sub-1"))!;
    expect(back.label).toContain(" — following clip-1 — ids: sub-1, sub-2, sub-3");
  }, 30_000);

  it("draws Chinese titles and subtitles with a CJK font, or refuses them at the edit and says which font to install", async () => {
    const { backend } = await freshBackend();
    const subtitles = join(await tempDir("vm-subs-"), "zh.srt");
    await writeFile(subtitles, "1\n00:00:00,000 --> 00:00:00,900\n你好，世界\n");
    await backend.upload({ paths: [set.silentClip] });
    await backend.applyEdits([{ op: "add_clip", media: "silent.mp4", out: 1 }, { op: "set_format", resolution: 180 }]);
    const edits = [{ op: "add_text", text: "夏季促销" }, { op: "add_subtitles", file: subtitles }];
    if (await locateCjkFont()) {
      await backend.applyEdits(edits);
      expect((await backend.previewFrame(0.5)).png.length).toBeGreaterThan(0);
    } else {
      const error = await failure(backend.applyEdits(edits));
      expect(error.code).toBe("invalid_input");
      expect(error.message).toContain("op 1 (add_text): text-1 has Chinese, Japanese or Korean characters (夏季促销), and no font for them was found on this computer. Install one: Debian/Ubuntu `sudo apt-get install -y fonts-noto-cjk`");
      expect(error.message).toContain("op 2 (add_subtitles): sub-1 has Chinese, Japanese or Korean characters (你好世界), and no font for them");
    }
  });

  it("previews a moment without Chinese on screen whatever the fonts; only a moment showing it needs the CJK font", async () => {
    const { backend, out } = await freshBackend();
    await backend.upload({ paths: [set.silentClip] });
    await backend.applyEdits([
      { op: "add_clip", media: "silent.mp4", out: 1.5 },
      { op: "add_text", text: "Hello", duration: 0.5 },
      { op: "add_text", text: "placeholder", at: 1, duration: 0.5 },
      { op: "set_format", resolution: 180 },
    ]);
    // A project from before the check (or a CJK font removed since): Chinese from 1 s.
    const { sessionId, draft } = await backend.getState();
    const chinese = JSON.parse(JSON.stringify(draft).replace('"placeholder"', '"夏季促销"'));
    expect(await backend.workspace.replaceDraft(sessionId, draft, chinese)).toBe(true);
    expect((await backend.previewFrame(0.2)).png.length).toBeGreaterThan(0);
    if (await locateCjkFont()) {
      expect((await backend.previewFrame(1.2)).png.length).toBeGreaterThan(0);
    } else {
      const error = await failure(backend.previewFrame(1.2));
      expect(error.code).toBe("config");
      expect(error.message).toContain("text-2 has Chinese, Japanese or Korean characters (夏季促销), and no font for them was found on this computer. Install one:");
      expect((await failure(backend.exportVideo({ outputDir: out }))).code).toBe("config");
    }
  }, 30_000);

  it("names emoji that will draw as boxes in subtitles as it does in titles", async () => {
    const { backend } = await freshBackend();
    const subtitles = join(await tempDir("vm-subs-"), "party.srt");
    await writeFile(subtitles, "1\n00:00:00,000 --> 00:00:00,900\nParty 🎉\n");
    const result = await backend.applyEdits([{ op: "add_text", text: "Party 🎉" }, { op: "add_subtitles", file: subtitles }]);
    expect(result.changes).toContain('text-1: 🎉 will show as an empty box in the local render (no font on this computer has it); remove it with {"op":"set_text","segment":"text-1","text":…} unless that is fine.');
    expect(result.changes).toContain('sub-1: 🎉 will show as an empty box in the local render (no font on this computer has it); remove it with {"op":"set_text","segment":"sub-1","text":…} unless that is fine.');
  });

  it("refuses to export an empty timeline", async () => {
    const { backend, out } = await freshBackend();
    const error = await failure(backend.exportVideo({ outputDir: out }));
    expect(error.code).toBe("not_ready");
  });

  it("resumes an export by rendering the session's draft again", async () => {
    const { backend, out } = await freshBackend();
    await backend.upload({ paths: [set.silentClip] });
    await backend.applyEdits([{ op: "add_clip", media: "silent.mp4", out: 0.5 }, { op: "set_format", resolution: 180 }]);
    const { sessionId } = await backend.getState();
    // The loudness target the export was started with is kept in the checkpoint and delivered again.
    const checkpoint: ExportCheckpoint = { backend: "local", renderId: "local_1", sessionId, outputPath: join(out, "resumed.mp4"), startedAt: new Date().toISOString(), loudness: -20 };
    const result = await backend.resumeExport(checkpoint);
    expect(result).toEqual({
      renderId: "local_1",
      file: join(out, "resumed.mp4"),
      bytes: (await readFile(join(out, "resumed.mp4"))).length,
      loudness: expect.objectContaining({ target: -20, outcome: "silent", gain: 0 }),
    });
  }, 30_000);
});
