import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { VideoMakerError } from "../../src/core/errors.js";
import { type Harness, requestsTo, startHarness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe("sessions", () => {
  it("are created with a language, persisted, and continued by the next process", async () => {
    const first = await h.backend({}, { language: "zh" }).getState();
    const created = h.fake.requests.find((r) => r.route === "createSession")!;
    expect(created.body).toEqual({ task_name: "project", language: "zh" });
    const file = join(h.home, "sessions", "nemo.json");
    expect(JSON.parse(await readFile(file, "utf8")).session_id).toBe(first.sessionId);
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    const second = await h.backend().getState();
    expect(second.sessionId).toBe(first.sessionId);
    expect(requestsTo(h.fake, "createSession")).toBe(1);
  });

  it("can be replaced by a new one on request", async () => {
    const backend = h.backend();
    const before = await backend.getState();
    const fresh = await backend.newSession("en");
    expect(fresh.sessionId).not.toBe(before.sessionId);
    expect((await h.backend().getState()).sessionId).toBe(fresh.sessionId);
  });

  it("rejects a malformed language code without calling the service", async () => {
    await expect(h.backend().newSession("english please")).rejects.toMatchObject({ code: "invalid_input" });
    expect(requestsTo(h.fake, "createSession")).toBe(0);
  });

  it("a lost session (1002) is replaced and the person is told their media must be uploaded again", async () => {
    const backend = h.backend();
    const before = await backend.getState();
    h.fake.loseSession(before.sessionId);
    const error = (await backend.getState().catch((e: unknown) => e)) as VideoMakerError;
    expect(error.code).toBe("session_lost");
    expect(error.upstreamCode).toBe(1002);
    expect(error.message).toMatch(/new one was started.*upload them again/);
    expect((await backend.getState()).sessionId).not.toBe(before.sessionId);
  });
});

describe("state", () => {
  it("summarises the draft and lists the media", async () => {
    const backend = h.backend();
    const { sessionId } = await backend.getState();
    const session = h.fake.sessions.get(sessionId)!;
    session.draft = {
      t: [
        { tt: 0, sg: [{ id: "a", st: 0, d: 10_000, n: "city timelapse" }], x_unknown: { keep: true } },
        { tt: 1, sg: [{ id: "b", st: 0, d: 10_000, n: "Lo-fi", v: 0.35 }] },
        { tt: 7, sg: [{ id: "c", st: 0, d: 3000, tx: "Urban Dreams" }] },
      ],
      d: 10_000,
      m: { title: "project" },
      future_key: [1, 2, 3],
    };
    session.videoInfos.push({ filename: "city.mp4", file_type: "video", duration: 10, width: 1920, height: 1080, cdn_url: "https://cdn.example/city.mp4" });
    const state = await backend.getState();
    expect(state.timeline).toBe(
      'Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: "Urban Dreams" (0-3s)',
    );
    expect(state.tracks.map((t) => t.type)).toEqual(["video", "bgm", "title"]);
    expect(state.media).toEqual([
      { name: "city.mp4", type: "video", durationSeconds: 10, width: 1920, height: 1080, url: "https://cdn.example/city.mp4" },
    ]);
    // Unknown keys survive for the render call.
    expect((state.draft as Record<string, unknown>)["future_key"]).toEqual([1, 2, 3]);
    expect((state.draft.t[0] as Record<string, unknown>)["x_unknown"]).toEqual({ keep: true });
  });
});

describe("credits and claim", () => {
  it("reads the balance", async () => {
    expect(await h.backend().getCredits()).toEqual({ available: 100, frozen: 0, total: 100 });
  });

  it("builds the claim link on the web base without the token", async () => {
    const link = await h.backend().claimLink();
    expect(link).toMatch(/^https:\/\/nemovideo\.example\/workspace\/claim\?ct=clm_/);
    expect(link).not.toMatch(/nmv_usr_/);
  });
});

describe("errors and retries", () => {
  it("waits for Retry-After on 429 and retries once", async () => {
    h.fake.failNext("credits", { httpStatus: 429, headers: { "retry-after": "1" } });
    const started = Date.now();
    await expect(h.backend().getCredits()).resolves.toMatchObject({ available: 100 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(requestsTo(h.fake, "credits")).toBe(2);
  });

  it("gives up after a second 429 with a message to wait", async () => {
    h.fake.failNext("credits", { httpStatus: 429 }, 2);
    const error = (await h.backend().getCredits().catch((e: unknown) => e)) as VideoMakerError;
    expect(error.code).toBe("rate_limited");
    expect(requestsTo(h.fake, "credits")).toBe(2);
  });

  it("retries idempotent reads after 5xx and connection resets", async () => {
    h.fake.failNext("credits", { httpStatus: 502, rawBody: "<html><body>Bad gateway</body></html>" });
    h.fake.failNext("state", { resetConnection: true });
    const backend = h.backend();
    await expect(backend.getCredits()).resolves.toMatchObject({ available: 100 });
    await expect(backend.getState()).resolves.toMatchObject({ timeline: expect.stringMatching(/^Timeline/) });
    expect(requestsTo(h.fake, "credits")).toBe(2);
  });

  it("does not retry a non-idempotent call after a 5xx", async () => {
    h.fake.failNext("createSession", { httpStatus: 500 });
    const error = (await h.backend().getState().catch((e: unknown) => e)) as VideoMakerError;
    expect(error.code).toBe("upstream");
    expect(error.message).toMatch(/HTTP 500/);
    expect(requestsTo(h.fake, "createSession")).toBe(1);
  });

  it("says the service is in trouble after persistent 5xx, never showing the HTML", async () => {
    h.fake.failNext("credits", { httpStatus: 503, rawBody: "<!doctype html><h1>Service Unavailable</h1>" }, 5);
    const error = (await h.backend().getCredits().catch((e: unknown) => e)) as VideoMakerError;
    expect(error.message).toMatch(/HTTP 503/);
    expect(error.message).not.toMatch(/<|html/i);
  });

  it("reports an unreadable answer without dumping it", async () => {
    h.fake.failNext("credits", { httpStatus: 200, rawBody: '{"code":0,"data":{"available":' });
    const error = (await h.backend().getCredits().catch((e: unknown) => e)) as VideoMakerError;
    expect(error.message).toMatch(/not valid JSON/);
    expect(error.message).not.toContain('{"code"');
  });

  it("names each documented code in person's words", async () => {
    const cases: Array<[number, string, RegExp]> = [
      [2001, "out_of_credits", /credits/],
      [4001, "unsupported_file", /Accepted formats/],
      [4002, "file_too_large", /500 MB/],
    ];
    for (const [code, expected, message] of cases) {
      h.fake.failNext("credits", { code, message: "boom" });
      const error = (await h.backend().getCredits().catch((e: unknown) => e)) as VideoMakerError;
      expect(error.code).toBe(expected);
      expect(error.message).toMatch(message);
    }
  });

  it("a missing X-Client-Id (HTTP 400) is its own error", async () => {
    h.fake.failNext("anonymousToken", { httpStatus: 400, code: 400, message: "X-Client-Id header is required" });
    const error = (await h.backend().getCredits().catch((e: unknown) => e)) as VideoMakerError;
    expect(error.code).toBe("missing_client_id");
  });

  it("never shows a token in any error message", async () => {
    const token = h.fake.issueToken();
    h.fake.failNext("credits", { code: 1234, message: `internal error for Bearer ${token} (${token})` });
    const error = (await h.backend({ NEMO_TOKEN: token }).getCredits().catch((e: unknown) => e)) as VideoMakerError;
    expect(error.message).not.toContain(token);
    expect(error.message).toMatch(/\[redacted\]/);
  });
});
