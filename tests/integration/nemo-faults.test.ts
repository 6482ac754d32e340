import { createHash, randomBytes } from "node:crypto";
import { appendFile, mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { VideoMakerError } from "../../src/core/errors.js";
import type { NemoBackend } from "../../src/nemo/backend.js";
import { adkText, defaultSseScript, expectedRenderBytes, type RouteKey, type SseStep } from "../fake-nemo/server.js";
import { failure } from "../support/failure.js";
import { type Harness, requestsTo, startHarness } from "./harness.js";
import { makeVideo } from "./media-fixtures.js";

/**
 * The fault matrix of the cloud path (docs/fault-matrix.md): the rows that the other
 * nemo-*.test.ts files do not already cover, each through the real client against the fake.
 */

let media: string;
let clip: string;
/** A real MP4 head padded to 6 MB, so a fault can land while the body is still being sent. */
let bigClip: string;
beforeAll(async () => {
  media = await mkdtemp(join(tmpdir(), "vm-faults-"));
  clip = await makeVideo(media, "clip.mp4");
  bigClip = await makeVideo(media, "big clip.mp4");
  await appendFile(bigClip, randomBytes(6 * 1024 * 1024));
});
afterAll(async () => {
  await rm(media, { recursive: true, force: true });
});

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ render: { fileBytes: 200_000 } });
});
afterEach(async () => {
  await h.close();
});

const sha256 = async (path: string) => createHash("sha256").update(await readFile(path)).digest("hex");
const listOut = async () => (await readdir(h.outDir).catch(() => [])).sort();

/** What a person may read: words, not JSON, HTML, a stack or a token. */
function expectReadable(error: VideoMakerError) {
  expect(error).toBeInstanceOf(VideoMakerError);
  expect(error.message).not.toMatch(/[{}<>]|\bat .*:\d+|nmv_usr_|Bearer/);
}

async function withClip(backend: NemoBackend) {
  const state = await backend.getState();
  h.fake.sessions.get(state.sessionId)!.draft.t.push({ tt: 0, sg: [{ id: "v1", st: 0, d: 10_000, n: "city" }] });
  return state.sessionId;
}

describe("429 bursts", () => {
  it("waits once for Retry-After, then says to wait, and works again once the burst is over", async () => {
    h.fake.failNext("credits", { httpStatus: 429, headers: { "retry-after": "1" } }, 2);
    const backend = h.backend();
    const started = Date.now();
    const error = await failure(backend.getCredits());
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(error.code).toBe("rate_limited");
    expect(error.message).toMatch(/Wait/);
    expectReadable(error);
    expect(requestsTo(h.fake, "credits")).toBe(2);
    await expect(backend.getCredits()).resolves.toMatchObject({ available: 100 });
  });

  it("does not sit out a Retry-After longer than it may wait: it says how long, at once", async () => {
    h.fake.failNext("credits", { httpStatus: 429, headers: { "retry-after": "600" } });
    const started = Date.now();
    const error = await failure(h.backend().getCredits());
    expect(Date.now() - started).toBeLessThan(1900); // not even the longest wait (2 s in FAST)
    expect(error.code).toBe("rate_limited");
    expect(error.retryAfterSeconds).toBe(600);
    expect(error.message).toMatch(/10 minutes/);
    expect(requestsTo(h.fake, "credits")).toBe(1);
  });

  it("an edit refused with 429 is sent again once after the wait and charged once", async () => {
    h.fake.failNext("runSse", { httpStatus: 429, headers: { "retry-after": "0" } });
    const backend = h.backend();
    const result = await backend.edit("add a title");
    expect(result.replied).toBe(true);
    expect(requestsTo(h.fake, "runSse")).toBe(2);
    const [token] = [...h.fake.tokens.values()];
    expect(token!.credits).toBe(100 - h.fake.options.editCost);
  });
});

describe("token expiry", () => {
  it("mid-edit: the agent's reply is not lost when the state read after the stream finds the token expired", async () => {
    const token = h.fake.issueToken();
    const backend = h.backend({ NEMO_TOKEN: token });
    await backend.getState();
    const script = defaultSseScript("add a title");
    script.steps.splice(2, 0, { mutateDraft: () => h.fake.expireToken(token) });
    h.fake.enqueueSse(script);
    const error = await failure(backend.edit("add a title"));
    expect(error.code).toBe("token_rejected");
    expect(error.message).toMatch(/NEMO_TOKEN/);
    expect(error.message).toMatch(/already finished this edit/);
    expect(error.message).toContain("Urban Dreams");
    expect(error.message).not.toContain(token);
    expect(requestsTo(h.fake, "runSse")).toBe(1);
  });

  it("mid-edit with an anonymous token: renewed, the person learns the project went with the old token and what the agent said", async () => {
    const backend = h.backend();
    await backend.getState();
    const script = defaultSseScript("add a title");
    script.steps.splice(2, 0, { mutateDraft: () => [...h.fake.tokens.keys()].forEach((t) => h.fake.expireToken(t)) });
    h.fake.enqueueSse(script);
    const error = await failure(backend.edit("add a title"));
    expect(error.code).toBe("session_lost");
    expect(error.message).toMatch(/upload them again/);
    expect(error.message).toMatch(/already finished this edit/);
    expect(requestsTo(h.fake, "anonymousToken")).toBe(2);
    expect(requestsTo(h.fake, "runSse")).toBe(1);
    expectReadable(error);
  });

  it("mid-upload: a token checked when the request arrived lets the upload finish; the body is intact", async () => {
    const token = h.fake.issueToken();
    const backend = h.backend({ NEMO_TOKEN: token });
    await backend.getState();
    let expired = false;
    const result = await backend.upload({ paths: [bigClip] }, {
      onProgress: (e) => {
        if (!expired && (e.fraction ?? 0) > 0.5) {
          expired = true;
          h.fake.expireToken(token);
        }
      },
    });
    expect(expired).toBe(true);
    expect(result.uploaded).toHaveLength(1);
    expect(h.fake.uploads[0]!.sha256).toBe(await sha256(bigClip));
    // The next call meets the expired token and says what to do.
    const error = await failure(backend.getCredits());
    expect(error.code).toBe("token_rejected");
  });

  it("at the upload: an expired anonymous token is renewed and the body replayed from disk; the old project is gone and the person is told", async () => {
    const backend = h.backend();
    await backend.getState();
    for (const t of h.fake.tokens.keys()) h.fake.expireToken(t);
    const before = await sha256(bigClip);
    const error = await failure(backend.upload({ paths: [bigClip] }));
    expect(error.code).toBe("session_lost");
    expect(error.message).toMatch(/upload them again/);
    expect(requestsTo(h.fake, "upload")).toBe(2);
    expect(await sha256(bigClip)).toBe(before);
    await expect(backend.upload({ paths: [clip] })).resolves.toMatchObject({ uploaded: [{ name: "clip.mp4" }] });
  });
});

describe("session lost during an upload", () => {
  it("nothing is applied, a new session is started, the local file is untouched and the person is told to upload again", async () => {
    const backend = h.backend();
    const { sessionId } = await backend.getState();
    let lost = false;
    const error = await failure(
      backend.upload({ paths: [bigClip] }, {
        onProgress: (e) => {
          if (!lost && (e.fraction ?? 0) > 0.5) {
            lost = true;
            h.fake.loseSession(sessionId);
          }
        },
      }),
    );
    expect(lost).toBe(true);
    expect(error.code).toBe("session_lost");
    expect(error.message).toMatch(/new one was started.*upload them again/);
    expect(h.fake.uploads).toHaveLength(0);
    expect((await backend.getState()).sessionId).not.toBe(sessionId);
  });
});

describe("5xx", () => {
  const html502 = { httpStatus: 502, rawBody: "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>" };

  const reads: Array<[string, RouteKey, (b: NemoBackend) => Promise<unknown>]> = [
    ["credits", "credits", (b) => b.getCredits()],
    ["state", "state", (b) => b.getState()],
    ["render status", "renderStatus", async (b) => {
      await withClip(b);
      return b.exportVideo({ outputDir: h.outDir });
    }],
  ];
  for (const [name, route, call] of reads) {
    it(`a read (${name}) is retried after each 5xx with growing backoff`, async () => {
      const backend = h.backend({}, { retry: { transientDelaysMs: [100, 200] } });
      if (route !== "state") await backend.getState();
      h.fake.failNext(route, html502, 2);
      const before = requestsTo(h.fake, route);
      await call(backend);
      const attempts = h.fake.requests.filter((r) => r.route === route).slice(before, before + 3).map((r) => r.at);
      expect(attempts).toHaveLength(3);
      expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(95);
      expect(attempts[2]! - attempts[1]!).toBeGreaterThanOrEqual(195);
    });
  }

  const writes: Array<[string, RouteKey, (b: NemoBackend) => Promise<unknown>]> = [
    ["upload", "upload", (b) => b.upload({ paths: [clip] })],
    ["link upload", "upload", (b) => b.upload({ urls: ["https://cdn.example.com/a.mp4"] })],
    ["edit (run_sse)", "runSse", (b) => b.edit("add captions")],
    ["render start", "renderStart", async (b) => {
      await withClip(b);
      return b.exportVideo({ outputDir: h.outDir });
    }],
    ["new session", "createSession", (b) => b.newSession("en")],
  ];
  for (const [name, route, call] of writes) {
    it(`a non-idempotent call (${name}) is not resent after a 5xx; the message names the status, not the page`, async () => {
      const backend = h.backend();
      await backend.getState();
      h.fake.failNext(route, html502);
      const before = requestsTo(h.fake, route);
      const error = await failure(call(backend));
      expect(requestsTo(h.fake, route) - before).toBe(1);
      expect(error.code).toBe("upstream");
      expect(error.message).toMatch(/HTTP 502/);
      expectReadable(error);
    });
  }
});

describe("connection resets", () => {
  it("during an upload: not resent blindly, nothing applied, the file intact, a readable message", async () => {
    const backend = h.backend();
    await backend.getState();
    h.fake.failNext("upload", { resetAfterBytes: 1024 * 1024 });
    const before = await sha256(bigClip);
    const error = await failure(backend.upload({ paths: [bigClip] }));
    expect(error.code).toBe("network");
    expect(error.message).toMatch(/connection/);
    expectReadable(error);
    expect(requestsTo(h.fake, "upload")).toBe(1);
    expect(h.fake.uploads).toHaveLength(0);
    expect(await sha256(bigClip)).toBe(before);
  });

  it("before a download answers: falls back to the proxy route and the file is whole", async () => {
    const backend = h.backend();
    await withClip(backend);
    h.fake.failNext("fileDownload", { resetConnection: true });
    const result = await backend.exportVideo({ outputDir: h.outDir, fileName: "reset" });
    expect(await readFile(result.file)).toEqual(expectedRenderBytes(result.renderId, 200_000));
    expect(requestsTo(h.fake, "renderDownload")).toBe(1);
  });

  it("an error page with HTTP 200 instead of the video is not saved: the proxy route is used", async () => {
    const backend = h.backend();
    await withClip(backend);
    h.fake.failNext("fileDownload", { httpStatus: 200, rawBody: "<html><body>AccessDenied</body></html>" });
    const result = await backend.exportVideo({ outputDir: h.outDir, fileName: "page" });
    expect(await readFile(result.file)).toEqual(expectedRenderBytes(result.renderId, 200_000));
    expect(requestsTo(h.fake, "renderDownload")).toBe(1);
  });

  it("on both download routes: a clear failure and no file, partial or whole, in the folder", async () => {
    const backend = h.backend();
    await withClip(backend);
    h.fake.failNext("fileDownload", { resetConnection: true });
    h.fake.failNext("renderDownload", { resetConnection: true });
    const error = await failure(backend.exportVideo({ outputDir: h.outDir, fileName: "reset" }));
    expect(error.code).toBe("download_failed");
    expect(error.message).toMatch(/could not be downloaded/);
    expectReadable(error);
    expect(await listOut()).toEqual([]);
  });
});

describe("the SSE stream", () => {
  const addBgm = { mutateDraft: (draft: any) => draft.t.push({ tt: 1, sg: [{ id: "bgm-1", st: 0, d: 10_000, n: "Lo-fi", v: 0.35 }] }) };

  it("dropped after the agent changed the timeline: the change is reported, the edit not resent, charged once", async () => {
    h.fake.enqueueSse({ steps: [addBgm, { event: adkText("Adding music", { partial: true }) }, { drop: true }] });
    const backend = h.backend();
    const result = await backend.edit("add lo-fi music");
    expect(result.replied).toBe(false);
    expect(result.reply).toMatch(/dropped.*timeline changed.*Lo-fi/);
    expect(result.timeline).toContain("BGM: Lo-fi");
    expect(requestsTo(h.fake, "runSse")).toBe(1);
    expect([...h.fake.tokens.values()][0]!.credits).toBe(100 - h.fake.options.editCost);
  });

  it("dropped before anything happened: stream_dropped, with the advice not to resend blindly", async () => {
    h.fake.enqueueSse({ steps: [{ comment: "working" }, { drop: true }] });
    const error = await failure(h.backend().edit("add captions"));
    expect(error.code).toBe("stream_dropped");
    expect(error.message).toMatch(/not resent automatically/);
    expect(requestsTo(h.fake, "runSse")).toBe(1);
  });

  it("a connection reset before the stream starts is not retried, and says the edit may have arrived", async () => {
    const backend = h.backend();
    await backend.getState();
    h.fake.failNext("runSse", { resetConnection: true });
    const error = await failure(backend.edit("add captions"));
    expect(error.code).toBe("network");
    expect(error.message).toMatch(/not resent; check the timeline/);
    expect(requestsTo(h.fake, "runSse")).toBe(1);
  });

  it("one frame that never ends (50 MB with no line break) is refused at the frame cap, not buffered", async () => {
    h.fake.enqueueSse({ steps: [{ raw: "data: " }, { fillerBytes: 50 * 1024 * 1024 }] });
    const backend = h.backend();
    const heapBefore = process.memoryUsage().heapUsed;
    const error = await failure(backend.edit("add captions"));
    expect(error.code).toBe("bad_response");
    expect(error.message).toMatch(/larger than 16 MB.*not resent/);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(200 * 1024 * 1024);
    expect(requestsTo(h.fake, "runSse")).toBe(1);
  });
});

describe("slow servers that trickle bytes", () => {
  const credits = JSON.stringify({ code: 0, message: "success", data: { available: 100, frozen: 0, total: 100 } });

  it("a JSON answer trickled past the answer deadline ends in a timeout, not a hang", async () => {
    h.fake.failNext("credits", { rawBody: credits, trickle: { chunkBytes: 1, intervalMs: 50 } });
    const started = Date.now();
    const error = await failure(h.backend({}, { timeouts: { answerMs: 500 } }).getCredits());
    expect(Date.now() - started).toBeLessThan(3000); // the whole trickle would take about 4 s
    expect(error.code).toBe("timeout");
    expect(error.message).toMatch(/too slow|in time/);
    expectReadable(error);
    const sent = h.fake.requests.find((r) => r.route === "credits")!.sentBytes!;
    expect(sent).toBeLessThan(credits.length);
  });

  it("a server that never starts answering ends in a timeout, and an edit is not sent at all", async () => {
    const backend = h.backend({}, { timeouts: { answerMs: 400 }, streamLimits: { idleMs: 400, totalMs: 10_000 } });
    await backend.getState();
    h.fake.options.latencyMs = 5000;
    const started = Date.now();
    const read = await failure(backend.getCredits());
    const edit = await failure(backend.edit("add captions"));
    expect(Date.now() - started).toBeLessThan(4000);
    expect(read.code).toBe("timeout");
    expect(edit.code).toBe("timeout"); // at the state read that comes first
    expect(edit.message).toMatch(/too slowly/);
    expect(requestsTo(h.fake, "runSse")).toBe(0);
  });

  it("an edit stream whose headers do not come within the idle limit is given up and not resent", async () => {
    const backend = h.backend({}, { streamLimits: { idleMs: 300, totalMs: 10_000 } });
    await backend.getState();
    h.fake.failNext("runSse", { delayMs: 3000, httpStatus: 500 });
    const started = Date.now();
    const error = await failure(backend.edit("add captions"));
    expect(Date.now() - started).toBeLessThan(2500);
    expect(error.code).toBe("timeout");
    expect(error.message).toMatch(/did not start answering in time.*not resent/);
    expect(requestsTo(h.fake, "runSse")).toBe(1);
  });

  it("a slow but steady JSON answer within the deadline is read", async () => {
    h.fake.failNext("credits", { rawBody: credits, trickle: { chunkBytes: 8, intervalMs: 20 } });
    await expect(h.backend({}, { timeouts: { answerMs: 3000 } }).getCredits()).resolves.toEqual({ available: 100, frozen: 0, total: 100 });
  });

  it("an SSE reply trickled in pieces with gaps shorter than the idle limit is read whole", async () => {
    const frame = `data: ${JSON.stringify({ ...adkText("A slow but complete reply 🎬"), turnComplete: true })}\n\n`;
    const steps: SseStep[] = [];
    const chars = Array.from(frame); // whole code points: `raw` steps are strings (byte splits are the "tiny" chunking's job)
    for (let at = 0; at < chars.length; at += 6) steps.push({ raw: chars.slice(at, at + 6).join("") }, { delayMs: 40 });
    h.fake.enqueueSse({ steps });
    const backend = h.backend({}, { streamLimits: { idleMs: 1000, totalMs: 10_000 } });
    const started = Date.now();
    const result = await backend.edit("say something slowly");
    expect(Date.now() - started).toBeGreaterThan(1000); // longer than the idle limit in all
    expect(result.reply).toBe("A slow but complete reply 🎬");
  });

  it("a slow but steady download completes", async () => {
    h.fake.options.render.trickleDownload = { chunkBytes: 16 * 1024, intervalMs: 25 };
    const backend = h.backend({}, { timeouts: { minDownloadBytesPerSecond: 1024, slowDownloadWindowMs: 1000 } });
    await withClip(backend);
    const result = await backend.exportVideo({ outputDir: h.outDir, fileName: "slow" });
    expect(await readFile(result.file)).toEqual(expectedRenderBytes(result.renderId, 200_000));
  });

  it("a download that trickles slower than the floor is given up, with no file left behind", async () => {
    h.fake.options.render.trickleDownload = { chunkBytes: 16, intervalMs: 40 };
    const backend = h.backend({}, { timeouts: { minDownloadBytesPerSecond: 1024, slowDownloadWindowMs: 1000 } });
    await withClip(backend);
    const started = Date.now();
    const error = await failure(backend.exportVideo({ outputDir: h.outDir, fileName: "stalled" }));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error.code).toBe("download_failed");
    expect(error.message).toMatch(/too slow/);
    expect(await listOut()).toEqual([]);
  });
});

describe("answers that are not what they should be", () => {
  it("an HTML page with HTTP 200 on /run_sse (a proxy's login page) is reported, not read as an empty edit, and not resent", async () => {
    const backend = h.backend();
    await backend.getState();
    h.fake.failNext("runSse", { httpStatus: 200, rawBody: "<!doctype html><title>Sign in to the Wi-Fi</title>" });
    const error = await failure(backend.edit("add captions"));
    expect(error.code).toBe("bad_response");
    expect(error.message).toMatch(/not the agent's stream|web page/);
    expectReadable(error);
    expect(requestsTo(h.fake, "runSse")).toBe(1);
  });

  const unreadable: Array<[string, { rawBody: string; httpStatus?: number; contentType?: string }]> = [
    ["an HTML page with HTTP 200", { rawBody: "<html><body>Please log in</body></html>" }],
    ["cut-off JSON", { rawBody: '{"code":0,"data":{"available":' }],
    ["plain text", { rawBody: "OK", contentType: "text/plain" }],
    ["a JSON string instead of an object", { rawBody: '"fine"' }],
  ];
  for (const [name, raw] of unreadable) {
    it(`${name} is a readable bad_response, never echoed`, async () => {
      h.fake.failNext("credits", raw);
      const error = await failure(h.backend().getCredits());
      expect(error.code).toBe("bad_response");
      expect(error.message).toMatch(/could not be read|not valid JSON/);
      expect(error.message).not.toContain(raw.rawBody);
      expectReadable(error);
    });
  }

  for (const contentLength of [true, false]) {
    it(`a 50 MB JSON answer (${contentLength ? "with" : "without"} Content-Length) is refused at the size cap without reading it all`, async () => {
      const bytes = 50 * 1024 * 1024;
      h.fake.failNext("credits", { hugeJson: { bytes, contentLength } });
      const error = await failure(h.backend().getCredits());
      expect(error.code).toBe("bad_response");
      expect(error.message).toMatch(/unexpectedly large/);
      const sent = h.fake.requests.find((r) => r.route === "credits")!.sentBytes!;
      expect(sent).toBeLessThan(contentLength ? 8 * 1024 * 1024 : 24 * 1024 * 1024);
    });
  }
});

describe("wrong types", () => {
  const ok = (data: unknown) => JSON.stringify({ code: 0, message: "success", data });
  const cases: Array<[string, RouteKey, unknown, (b: NemoBackend) => Promise<unknown>]> = [
    ["credits as a word", "credits", { available: "lots", frozen: 0 }, (b) => b.getCredits()],
    ["credits as a boolean", "credits", { available: true, frozen: 0 }, (b) => b.getCredits()],
    ["credits as an object", "credits", { available: { n: 1 }, frozen: 0 }, (b) => b.getCredits()],
    ["upload files not a list", "upload", { files: "clip.mp4" }, (b) => b.upload({ paths: [clip] })],
    ["session id an object", "createSession", { session_id: { id: 1 } }, (b) => b.newSession("en")],
    ["token a number", "anonymousToken", { token: 12345 }, (b) => b.getCredits()],
    ["state draft tracks not a list", "state", { session_id: "s", state: { draft: { t: "three tracks" } } }, (b) => b.getState()],
    ["render status a number", "renderStatus", { id: "r", status: 3, progress: 50 }, async (b) => {
      await withClip(b);
      return b.exportVideo({ outputDir: h.outDir });
    }],
  ];
  for (const [name, route, data, call] of cases) {
    it(`${name}: a clear bad_response, nothing echoed`, async () => {
      const backend = h.backend();
      if (route !== "anonymousToken" && route !== "createSession") await backend.getState();
      h.fake.failNext(route, { rawBody: ok(data) });
      const error = await failure(call(backend));
      expect(error.code).toBe("bad_response");
      expect(error.message).toMatch(/NemoVideo/);
      expectReadable(error);
    });
  }

  it("extra keys and numbers sent as strings are accepted", async () => {
    h.fake.failNext("credits", { rawBody: ok({ available: "42", frozen: 3, total: "45", currency: "credits", tiers: [1, 2] }) });
    await expect(h.backend().getCredits()).resolves.toEqual({ available: 42, frozen: 3, total: 45 });
  });
});
