import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ProgressEvent } from "../../src/core/backend.js";
import { VideoMakerError } from "../../src/core/errors.js";
import { temporaryPathFor } from "../../src/core/output.js";
import { downloadRender } from "../../src/nemo/download.js";
import { NemoHttp } from "../../src/nemo/http.js";
import { expectedRenderBytes } from "../fake-nemo/server.js";
import { type Harness, startHarness } from "./harness.js";

/**
 * A download whose connection breaks mid-body is resumed where it stopped (Range + If-Range)
 * instead of failing the export, which would render and charge again. First through the whole
 * export against the fake; then each odd answer a CDN can give, from a scripted loopback server.
 */

const SIZE = 200_000;

describe("resuming a broken download (fake NemoVideo)", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ render: { fileBytes: SIZE } });
  });
  afterEach(async () => {
    await h.close();
  });

  async function exportWithClip(progress: ProgressEvent[] = []) {
    const backend = h.backend();
    const state = await backend.getState();
    h.fake.sessions.get(state.sessionId)!.draft.t.push({ tt: 0, sg: [{ id: "v1", st: 0, d: 10_000, n: "clip" }] });
    return backend.exportVideo({ outputDir: h.outDir, fileName: "promo" }, { onProgress: (event) => progress.push(event) });
  }

  const downloads = () => h.fake.requests.filter((r) => r.route === "fileDownload" || r.route === "renderDownload");

  describe("what arrives is checked before it is published (issue 12)", () => {
    it("asks for the file uncompressed (Accept-Encoding: identity), so a CDN that gzips on request sends the MP4 itself", async () => {
      h.fake.options.render.contentEncoding = "gzip";
      const result = await exportWithClip();
      expect(await readFile(result.file)).toEqual(expectedRenderBytes(result.renderId, SIZE));
      expect(downloads()[0]!.headers["accept-encoding"]).toBe("identity");
    });

    it("a gzip-encoded answer (Content-Encoding: gzip) is a download failure in words: no gzip saved as the video, nothing left behind", async () => {
      h.fake.options.render.contentEncoding = "gzip";
      h.fake.options.render.forceContentEncoding = true;
      const error = (await exportWithClip().catch((e: unknown) => e)) as VideoMakerError;
      expect(error).toBeInstanceOf(VideoMakerError);
      expect(error.code).toBe("download_failed");
      expect(error.message).toMatch(/compressed \(Content-Encoding: gzip\)/);
      expect(await readdir(h.outDir).catch(() => [])).toEqual([]);
    });

    it("an answer that is not an MP4 (no ftyp box at the start) is a download failure: no file left behind", async () => {
      h.fake.options.render.notMp4 = true;
      const error = (await exportWithClip().catch((e: unknown) => e)) as VideoMakerError;
      expect(error).toBeInstanceOf(VideoMakerError);
      expect(error.code).toBe("download_failed");
      expect(error.message).toMatch(/not an MP4 video/);
      expect(await readdir(h.outDir).catch(() => [])).toEqual([]);
    });
  });

  it("asks for the rest after a cut, with If-Range, and publishes the whole file from the link the service gave", async () => {
    h.fake.options.render.truncateDownload = 1;
    const progress: ProgressEvent[] = [];
    const result = await exportWithClip(progress);

    expect(await readFile(result.file)).toEqual(expectedRenderBytes(result.renderId, SIZE));
    expect(await readdir(h.outDir)).toEqual(["promo.mp4"]);
    const [first, second, ...more] = downloads();
    expect(more).toEqual([]);
    expect(first).toMatchObject({ route: "fileDownload" });
    expect(first!.headers["range"]).toBeUndefined();
    expect(second).toMatchObject({ route: "fileDownload", headers: { range: `bytes=${SIZE / 2}-`, "if-range": `"${result.renderId}-${SIZE}"` } });
    // The progress picks up from the bytes kept, never back to zero.
    const fractions = progress.filter((e) => e.stage === "download").map((e) => e.fraction ?? 0);
    expect(fractions.at(-1)).toBe(1);
    expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1]!)).toBe(true);
  });

  it("resumes more than once while each try brings new bytes", async () => {
    h.fake.options.render.truncateDownload = 3; // 100 000, then 50 000 and 25 000 more, then the rest
    const result = await exportWithClip();
    expect(await readFile(result.file)).toEqual(expectedRenderBytes(result.renderId, SIZE));
    expect(downloads().map((r) => r.headers["range"])).toEqual([undefined, "bytes=100000-", "bytes=150000-", "bytes=175000-"]);
  });

  it("gives up after three resumes on each route, says so, and leaves no file", async () => {
    h.fake.options.render.truncateDownload = true;
    const error = (await exportWithClip().catch((e: unknown) => e)) as VideoMakerError;
    expect(error).toBeInstanceOf(VideoMakerError);
    expect(error.code).toBe("download_failed");
    expect(error.message).toBe(
      "The render finished but the video could not be downloaded (the connection broke after 187500 bytes of 200000, even after resuming 3 times). Try the export again.",
    );
    expect(downloads().map((r) => r.route)).toEqual([...Array(4).fill("fileDownload"), ...Array(4).fill("renderDownload")]);
    expect(await readdir(h.outDir).catch(() => [])).toEqual([]);
  });

  it("does not resume from a server that serves no ranges: the proxy route gets the whole file", async () => {
    Object.assign(h.fake.options.render, { truncateDownload: 1, ignoreRange: true });
    const result = await exportWithClip();
    expect(await readFile(result.file)).toEqual(expectedRenderBytes(result.renderId, SIZE));
    expect(downloads().map((r) => [r.route, r.headers["range"]])).toEqual([
      ["fileDownload", undefined],
      ["renderDownload", undefined],
    ]);
  });
});

// --- A scripted CDN: each request takes the next answer ---------------------------------------

type Answer = (req: IncomingMessage, res: ServerResponse) => void;

// Two versions of a file, each an MP4 by its first box (a download that is not one is refused).
const VERSION_A = expectedRenderBytes("version-a", 60_000);
const VERSION_B = expectedRenderBytes("version-b", 50_000);

let cdn: Server;
let cdnUrl: string;
let dir: string;
/** The folder of the last download. */
let out: string;
let script: Answer[] = [];
const seen: Array<Record<string, string | undefined>> = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vm-resume-"));
  cdn = createServer((req, res) => {
    seen.push({ range: req.headers.range, ifRange: req.headers["if-range"] as string | undefined });
    const answer = script.shift();
    if (answer) return answer(req, res);
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found");
  });
  await new Promise<void>((done) => cdn.listen(0, "127.0.0.1", done));
  cdnUrl = `http://127.0.0.1:${(cdn.address() as AddressInfo).port}/file.mp4`;
});
afterAll(async () => {
  cdn.closeAllConnections();
  await new Promise((done) => cdn.close(done));
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  script = [];
  seen.length = 0;
});

/** Announces all of `body` from `from`, sends `upTo` bytes of it, and hangs up. */
function cutAnswer(body: Buffer, upTo: number, headers: Record<string, string>, from = 0): Answer {
  return (_req, res) => {
    const status = from > 0 ? 206 : 200;
    const range = from > 0 ? { "content-range": `bytes ${from}-${body.length - 1}/${body.length}` } : {};
    res.writeHead(status, { "content-type": "video/mp4", "content-length": String(body.length - from), ...range, ...headers });
    res.write(body.subarray(from, upTo), () => res.socket?.destroy());
  };
}

function wholeAnswer(body: Buffer, headers: Record<string, string> = {}, from = 0, status = from > 0 ? 206 : 200): Answer {
  return (_req, res) => {
    const range = status === 206 ? { "content-range": `bytes ${from}-${body.length - 1}/${body.length}` } : {};
    res.writeHead(status, { "content-type": "video/mp4", "content-length": String(body.length - from), ...range, ...headers });
    res.end(body.subarray(from));
  };
}

/**
 * Downloads from the scripted CDN (the proxy route, on the same server, takes the next answer
 * too) into a fresh folder, where a killed process may have left `held` bytes of the render.
 */
async function fetchFromCdn(held?: Buffer): Promise<{ bytes: Buffer } | { error: VideoMakerError }> {
  const http = new NemoHttp({ config: { apiBase: new URL(cdnUrl), skill: "video-maker", skillVersion: "0.0.0", platform: "unknown" } });
  out = await mkdtemp(join(dir, "out-"));
  if (held) await writeFile(temporaryPathFor(join(out, "video.mp4"), "render_x"), held);
  try {
    const { path } = await downloadRender(http, "render_x", cdnUrl, join(out, "video.mp4"));
    return { bytes: await readFile(path) };
  } catch (error) {
    return { error: error as VideoMakerError };
  } finally {
    await http.close();
  }
}

describe("resuming a broken download (each answer a CDN can give)", () => {
  const ranged = { "accept-ranges": "bytes" };

  it("a file that changed since the cut comes whole (If-Range answered 200), never spliced", async () => {
    script = [cutAnswer(VERSION_A, 20_000, { ...ranged, etag: '"v-a"' }), wholeAnswer(VERSION_B, { ...ranged, etag: '"v-b"' })];
    expect(await fetchFromCdn()).toEqual({ bytes: VERSION_B });
    expect(seen[1]).toEqual({ range: "bytes=20000-", ifRange: '"v-a"' });
  });

  it("uses Last-Modified as the validator when there is no strong ETag", async () => {
    const modified = "Sat, 21 Nov 2026 10:00:00 GMT";
    script = [cutAnswer(VERSION_A, 20_000, { ...ranged, etag: 'W/"weak"', "last-modified": modified }), wholeAnswer(VERSION_A, ranged, 20_000)];
    expect(await fetchFromCdn()).toEqual({ bytes: VERSION_A });
    expect(seen[1]).toEqual({ range: "bytes=20000-", ifRange: modified });
  });

  it("resumes without If-Range when the server gives no validator", async () => {
    script = [cutAnswer(VERSION_A, 30_000, ranged), wholeAnswer(VERSION_A, ranged, 30_000)];
    expect(await fetchFromCdn()).toEqual({ bytes: VERSION_A });
    expect(seen[1]).toEqual({ range: "bytes=30000-", ifRange: undefined });
  });

  it("takes a 416 naming the size it already holds as complete (the cut came after the last byte)", async () => {
    const announcedMore: Answer = (_req, res) => {
      res.writeHead(200, { "content-type": "video/mp4", "content-length": String(VERSION_A.length + 10), ...ranged });
      res.write(VERSION_A, () => res.socket?.destroy());
    };
    const unsatisfiable: Answer = (_req, res) => {
      res.writeHead(416, { "content-range": `bytes */${VERSION_A.length}` });
      res.end();
    };
    script = [announcedMore, unsatisfiable];
    expect(await fetchFromCdn()).toEqual({ bytes: VERSION_A });
  });

  it("refuses a 206 that starts somewhere else, and keeps nothing", async () => {
    script = [cutAnswer(VERSION_A, 20_000, ranged), wholeAnswer(VERSION_A, ranged, 10_000)];
    const outcome = await fetchFromCdn();
    expect(outcome).toMatchObject({ error: { code: "download_failed", message: expect.stringMatching(/resumed the download at the wrong place/) } });
    expect(await readdir(out)).toEqual([]);
  });

  it("restarts from the first byte when a server that offered ranges answers 200 to one", async () => {
    script = [cutAnswer(VERSION_A, 20_000, ranged), wholeAnswer(VERSION_A, ranged)];
    expect(await fetchFromCdn()).toEqual({ bytes: VERSION_A });
  });

  it("continues the part a killed process left, asking only for the rest", async () => {
    script = [wholeAnswer(VERSION_A, ranged, 25_000)];
    expect(await fetchFromCdn(VERSION_A.subarray(0, 25_000))).toEqual({ bytes: VERSION_A });
    expect(seen).toEqual([{ range: "bytes=25000-", ifRange: undefined }]);
    expect(await readdir(out)).toEqual(["video.mp4"]);
  });

  it("publishes a whole part a killed process left before publishing it (416 naming its size)", async () => {
    const unsatisfiable: Answer = (_req, res) => {
      res.writeHead(416, { "content-range": `bytes */${VERSION_A.length}` });
      res.end();
    };
    script = [unsatisfiable];
    expect(await fetchFromCdn(VERSION_A)).toEqual({ bytes: VERSION_A });
  });

  it("drops a left part the server cannot continue (416 naming another size) and gets the whole file", async () => {
    const unsatisfiable: Answer = (_req, res) => {
      res.writeHead(416, { "content-range": `bytes */${VERSION_B.length}` });
      res.end();
    };
    script = [unsatisfiable, wholeAnswer(VERSION_B, ranged)];
    expect(await fetchFromCdn(VERSION_A)).toEqual({ bytes: VERSION_B });
    expect(seen.map((request) => request.range)).toEqual(["bytes=60000-", undefined]);
  });

  it("stops resuming when a try brings nothing new", async () => {
    script = [cutAnswer(VERSION_A, 20_000, ranged), cutAnswer(VERSION_A, 20_000, ranged, 20_000)];
    const outcome = await fetchFromCdn();
    expect(outcome).toMatchObject({ error: { code: "download_failed", message: expect.stringMatching(/broke after 20000 bytes of 60000, even after resuming 1 time\b/) } });
    expect(seen).toHaveLength(3); // the cut, the empty resume, then the proxy route (404)
  });
});
