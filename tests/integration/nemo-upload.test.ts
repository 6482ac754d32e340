import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, symlink, truncate, writeFile, chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ProgressEvent } from "../../src/core/backend.js";
import { VideoMakerError } from "../../src/core/errors.js";
import { type Harness, requestsTo, startHarness } from "./harness.js";
import { makeAudio, makePng, makeVideo } from "./media-fixtures.js";

let media: string;
let clip: string;
let photo: string;
let song: string;
beforeAll(async () => {
  media = await mkdtemp(join(tmpdir(), "vm-media-"));
  [clip, photo, song] = await Promise.all([
    makeVideo(media, "city timelapse.mp4"),
    makePng(media, "产品 photo.png"),
    makeAudio(media, "lofi.mp3"),
  ]);
});
afterAll(async () => {
  await rm(media, { recursive: true, force: true });
});

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const sha256 = async (path: string) => createHash("sha256").update(await readFile(path)).digest("hex");

describe("upload", () => {
  it("streams several files in one multipart request (field `files`) with byte progress", async () => {
    const progress: ProgressEvent[] = [];
    const result = await h.backend().upload({ paths: [clip, photo, song] }, { onProgress: (e) => progress.push(e) });

    expect(result.rejected).toEqual([]);
    expect(result.uploaded.map((m) => [m.name, m.type])).toEqual([
      ["city timelapse.mp4", "video"],
      ["产品 photo.png", "image"],
      ["lofi.mp3", "audio"],
    ]);
    expect(requestsTo(h.fake, "upload")).toBe(1);
    const stored = h.fake.uploads.map((u) => [u.filename, u.sha256]);
    expect(stored).toEqual([
      ["city timelapse.mp4", await sha256(clip)],
      ["产品 photo.png", await sha256(photo)],
      ["lofi.mp3", await sha256(song)],
    ]);
    const fractions = progress.filter((e) => e.stage === "upload").map((e) => e.fraction ?? 0);
    expect(fractions.at(-1)).toBe(1);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(progress.at(-1)!.message).toMatch(/^uploading 3\/3 — 100%/);
    const request = h.fake.requests.find((r) => r.route === "upload")!;
    expect(request.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(Number(request.headers["content-length"])).toBeGreaterThan(0);
  });

  it("keeps every byte intact across many buffer-sized chunks and several large files", async () => {
    const head = await readFile(clip);
    const sizes = [3 * 1024 * 1024 + 17, 1024 * 1024, 2 * 1024 * 1024 - 5];
    const paths: string[] = [];
    for (const [index, size] of sizes.entries()) {
      const body = Buffer.alloc(size);
      head.copy(body);
      for (let i = head.length; i < size; i++) body[i] = (i * 31 + index * 7) & 0xff;
      const path = join(media, `big-${index}.mp4`);
      await writeFile(path, body);
      paths.push(path);
    }
    const result = await h.backend().upload({ paths });
    expect(result.uploaded).toHaveLength(3);
    expect(h.fake.uploads.map((u) => [u.bytes, u.sha256])).toEqual(
      await Promise.all(paths.map(async (path, i) => [sizes[i], await sha256(path)])),
    );
  });

  it("checks every file before sending anything, and sends only the good ones", async () => {
    const bad = join(media, "bad");
    await mkdir(bad, { recursive: true });
    const empty = join(bad, "empty.mp4");
    await writeFile(empty, "");
    const fakeVideo = join(bad, "notes.mp4");
    await writeFile(fakeVideo, "just some text, not a video at all");
    const wrongExt = join(bad, "photo.mp4");
    await writeFile(wrongExt, await readFile(photo));
    const doc = join(bad, "script.docx");
    await writeFile(doc, "PK\u0003\u0004");
    const huge = join(bad, "huge.mp4");
    await writeFile(huge, await readFile(clip));
    await truncate(huge, 500 * 1024 * 1024 + 1); // sparse: no real disk use
    const loop = join(bad, "loop.mp4");
    await symlink(loop, loop).catch(() => {});
    const locked = join(bad, "locked.mp4");
    await writeFile(locked, await readFile(clip));
    await chmod(locked, 0o000);

    const inputs = [join(bad, "missing.mp4"), bad, empty, fakeVideo, wrongExt, doc, huge, loop, clip];
    const result = await h.backend().upload({ paths: inputs, urls: ["ftp://example.com/a.mp4", "not a url", "https://user:pw@example.com/v.mp4"] });

    expect(result.uploaded.map((m) => m.name)).toEqual(["city timelapse.mp4"]);
    const reasons = Object.fromEntries(result.rejected.map((r) => [r.input, r.reason]));
    expect(reasons[join(bad, "missing.mp4")]).toMatch(/No file exists/);
    expect(reasons[bad]).toMatch(/folder/);
    expect(reasons[empty]).toMatch(/empty/);
    expect(reasons[fakeVideo]).toMatch(/not a recognisable media file/);
    expect(reasons[wrongExt]).toMatch(/looks like a PNG/);
    expect(reasons[doc]).toMatch(/not accepted.*mp4/);
    expect(reasons[huge]).toMatch(/over the 500 MB \(524,288,000 bytes\) limit/);
    expect(reasons[loop]).toMatch(/loops/);
    expect(reasons["ftp://example.com/a.mp4"]).toMatch(/Only http/);
    expect(reasons["not a url"]).toMatch(/not a valid link/);
    expect(reasons["https://user:pw@example.com/v.mp4"]).toMatch(/password/);
    expect(h.fake.uploads).toHaveLength(1);
    if (process.getuid?.() !== 0) {
      const lockedResult = await h.backend().upload({ paths: [locked] });
      expect(lockedResult.rejected[0]!.reason).toMatch(/permission/);
    }
  });

  it("sends nothing at all when every input is rejected", async () => {
    const result = await h.backend().upload({ paths: [join(media, "nope.mov")] });
    expect(result.uploaded).toEqual([]);
    expect(result.rejected).toHaveLength(1);
    expect(h.fake.requests).toHaveLength(0);
  });

  it("refuses an empty request", async () => {
    await expect(h.backend().upload({})).rejects.toMatchObject({ code: "invalid_input" });
  });

  it("uploads links as JSON", async () => {
    const result = await h.backend().upload({ urls: ["https://cdn.example.com/media/beach%20day.mp4"] });
    expect(result.uploaded).toEqual([expect.objectContaining({ name: expect.stringContaining("beach"), type: "video" })]);
    const request = h.fake.requests.find((r) => r.route === "upload")!;
    expect(request.body).toEqual({ urls: ["https://cdn.example.com/media/beach%20day.mp4"], source_type: "url" });
  });

  it("maps the service's 4001 and 4002 to their messages", async () => {
    h.fake.failNext("upload", { code: 4001, message: "Unsupported file type" });
    const e1 = (await h.backend().upload({ paths: [clip] }).catch((e: unknown) => e)) as VideoMakerError;
    expect(e1.code).toBe("unsupported_file");
    expect(e1.message).toMatch(/mp4.*mov/);
    h.fake.failNext("upload", { code: 4002, message: "File too large" });
    const e2 = (await h.backend().upload({ paths: [clip] }).catch((e: unknown) => e)) as VideoMakerError;
    expect(e2.code).toBe("file_too_large");
    expect(e2.message).toMatch(/Compress/);
  });

  describe("an upload the service never confirmed (issue 12)", () => {
    const envelope = (data: unknown) => JSON.stringify({ code: 0, message: "success", data });

    it("an answer with no file list ({ok: true}) puts every file and link in rejected: the service did not confirm it", async () => {
      h.fake.failNext("upload", { rawBody: envelope({ ok: true }) }, 2);
      const url = "https://cdn.example.com/media/beach.mp4";
      const result = await h.backend().upload({ paths: [clip, song], urls: [url] });
      expect(result.uploaded).toEqual([]);
      expect(result.rejected.map((r) => r.input)).toEqual([clip, song, url]);
      for (const r of result.rejected) expect(r.reason).toMatch(/did not confirm/);
    });

    it("an answer that lists only some of the files: each input ends in exactly one of the two lists", async () => {
      h.fake.failNext("upload", { rawBody: envelope({ files: [{ filename: "lofi.mp3", file_type: "audio", duration: 30 }] }) });
      const result = await h.backend().upload({ paths: [clip, song, photo] });
      expect(result.uploaded).toEqual([expect.objectContaining({ name: "lofi.mp3", type: "audio" })]);
      expect(result.rejected.map((r) => r.input)).toEqual([clip, photo]);
      for (const r of result.rejected) expect(r.reason).toMatch(/did not confirm/);
    });

    it("entries without names are matched to the inputs in order", async () => {
      h.fake.failNext("upload", { rawBody: envelope({ files: [{ file_type: "video" }] }) });
      const result = await h.backend().upload({ paths: [clip, song] });
      expect(result.uploaded).toEqual([expect.objectContaining({ name: "city timelapse.mp4", type: "video" })]);
      expect(result.rejected.map((r) => r.input)).toEqual([song]);
    });
  });

  it("replays the streamed body after a 429", async () => {
    h.fake.failNext("upload", { httpStatus: 429, headers: { "retry-after": "0" } });
    const result = await h.backend().upload({ paths: [clip] });
    expect(result.uploaded).toHaveLength(1);
    expect(h.fake.uploads[0]!.sha256).toBe(await sha256(clip));
  });
});
