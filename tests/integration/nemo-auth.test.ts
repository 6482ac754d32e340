import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { VideoMakerError } from "../../src/core/errors.js";
import { declaredSkillVersion } from "../support/skill-frontmatter.js";
import { type Harness, requestsTo, startHarness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const authFile = () => join(h.home, "nemo", "auth.json");

describe("anonymous token", () => {
  it("is fetched once with a persisted client id, stored 0600 in a 0700 folder, and reused by the next process", async () => {
    const first = h.backend();
    await first.getCredits();
    await first.getCredits();
    expect(requestsTo(h.fake, "anonymousToken")).toBe(1);

    const tokenRequest = h.fake.requests.find((r) => r.route === "anonymousToken")!;
    const saved = JSON.parse(await readFile(authFile(), "utf8"));
    expect(saved.client_id).toBe(tokenRequest.headers["x-client-id"]);
    expect(saved.client_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(saved.token).toMatch(/^nmv_usr_/);
    expect(saved.user_id).toMatch(/^anon_/);
    expect(saved.expires_at).toBeGreaterThan(Date.now() + 6 * 24 * 3600 * 1000);
    expect((await stat(authFile())).mode & 0o777).toBe(0o600);
    expect((await stat(join(h.home, "nemo"))).mode & 0o777).toBe(0o700);

    // A second process (a new backend over the same home) reuses it.
    await h.backend().getCredits();
    expect(requestsTo(h.fake, "anonymousToken")).toBe(1);
    const sent = h.fake.requests.filter((r) => r.route === "credits").map((r) => r.headers["authorization"]);
    expect(new Set(sent)).toEqual(new Set([`Bearer ${saved.token}`]));
  });

  it("renews an expired token before using it", async () => {
    await h.backend().getCredits();
    const saved = JSON.parse(await readFile(authFile(), "utf8"));
    await writeFile(authFile(), JSON.stringify({ ...saved, expires_at: Date.now() - 1000 }));
    h.fake.expireToken(saved.token); // the service agrees it has expired
    await h.backend().getCredits();
    expect(requestsTo(h.fake, "anonymousToken")).toBe(2);
    const renewed = JSON.parse(await readFile(authFile(), "utf8"));
    expect(renewed.token).not.toBe(saved.token);
    // A token that simply ran out keeps the install's client id.
    expect(renewed.client_id).toBe(saved.client_id);
  });

  for (const mode of ["code1001", "code1010", "code1011", "http401"] as const) {
    it(`renews a rejected anonymous token and retries the call once (${mode})`, async () => {
      h.fake.options.authFailure = mode;
      const backend = h.backend();
      await backend.getCredits();
      const saved = JSON.parse(await readFile(authFile(), "utf8"));
      h.fake.expireToken(saved.token);

      const credits = await backend.getCredits();
      expect(credits.available).toBe(100);
      const renewed = JSON.parse(await readFile(authFile(), "utf8"));
      expect(renewed.token).not.toBe(saved.token);
      // The old client id already has its weekly token; renewal uses a fresh one.
      expect(renewed.client_id).not.toBe(saved.client_id);
      expect(requestsTo(h.fake, "anonymousToken")).toBe(2);
    });
  }

  it("gets a token with a fresh client id when the persisted one is rate-limited", async () => {
    await h.backend().getCredits();
    const saved = JSON.parse(await readFile(authFile(), "utf8"));
    // The token file is lost but the client id stays: the service says one token per client per week.
    await writeFile(authFile(), JSON.stringify({ client_id: saved.client_id }));
    await h.backend().getCredits();
    const tokenCalls = h.fake.requests.filter((r) => r.route === "anonymousToken");
    expect(tokenCalls).toHaveLength(3);
    expect(tokenCalls[1]!.headers["x-client-id"]).toBe(saved.client_id);
    expect(tokenCalls[2]!.headers["x-client-id"]).not.toBe(saved.client_id);
  });

  it("explains a 429 on the token call in words, without waiting 30 s", async () => {
    h.fake.failNext("anonymousToken", { httpStatus: 429, headers: { "retry-after": "30" } }, 2);
    const started = Date.now();
    const error = await h.backend().getCredits().catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error).toBeInstanceOf(VideoMakerError);
    expect((error as VideoMakerError).code).toBe("rate_limited");
    expect((error as VideoMakerError).message).toMatch(/NEMO_TOKEN/);
  });

  it("survives a corrupt auth file by fetching a new token", async () => {
    await h.backend().getCredits();
    await writeFile(authFile(), "{not json");
    await expect(h.backend().getCredits()).resolves.toMatchObject({ available: 100 });
  });
});

describe("a token the HTTP stack cannot send (issue 12)", () => {
  const crlf = "nmv_usr_abc\r\nX-Injected: yes";
  const huge = `nmv_usr_${"a".repeat(2 * 1024 * 1024)}`;

  for (const [what, bad] of [["CR LF", crlf], ["2 MB", huge]] as const) {
    it(`a token answer with ${what} in it is not saved: a clear bad_response, and the next call gets a good token`, async () => {
      h.fake.options.hostileTokens = [bad];
      const error = (await h.backend().getCredits().catch((e: unknown) => e)) as VideoMakerError;
      expect(error).toBeInstanceOf(VideoMakerError);
      expect(error.code).toBe("bad_response");
      expect(error.message).toMatch(/token/i);
      expect(error.message).not.toContain("X-Injected");
      expect(error.message.length).toBeLessThan(400);
      const saved = await readFile(authFile(), "utf8");
      expect(saved).not.toContain("X-Injected");
      expect(saved.length).toBeLessThan(1000);
      expect(JSON.parse(saved).token).toBeUndefined();

      // Not locked out: the next call gets a usable token.
      await expect(h.backend().getCredits()).resolves.toMatchObject({ available: 100 });
      expect(JSON.parse(await readFile(authFile(), "utf8")).token).toMatch(/^nmv_usr_[0-9a-f]+$/);
    });
  }

  it("a stored token with CR LF (saved by an older version) is not sent: a new one is fetched", async () => {
    await h.backend().getCredits();
    const saved = JSON.parse(await readFile(authFile(), "utf8"));
    await writeFile(authFile(), JSON.stringify({ ...saved, token: crlf }));
    await expect(h.backend().getCredits()).resolves.toMatchObject({ available: 100 });
    const renewed = JSON.parse(await readFile(authFile(), "utf8"));
    expect(renewed.token).toMatch(/^nmv_usr_[0-9a-f]+$/);
    expect(h.fake.requests.some((r) => (r.headers["x-injected"] ?? "") !== "")).toBe(false);
  });

  it("a token the HTTP stack refuses (undici UND_ERR_INVALID_ARG) counts as rejected, not as a network error after three retries", async () => {
    const error = (await h.backend({ NEMO_TOKEN: crlf }).getCredits().catch((e: unknown) => e)) as VideoMakerError;
    expect(error.code).toBe("token_rejected");
    expect(error.message).toMatch(/NEMO_TOKEN/);
    expect(error.message).not.toContain("X-Injected");
    expect(requestsTo(h.fake, "credits")).toBe(0);
  });

  it("HTTP 431 (request headers too large) to an anonymous token counts as rejected: renewed and sent again once", async () => {
    const backend = h.backend();
    await backend.getCredits();
    const saved = JSON.parse(await readFile(authFile(), "utf8"));
    h.fake.failNext("credits", { httpStatus: 431 });
    await expect(backend.getCredits()).resolves.toMatchObject({ available: 100 });
    expect(JSON.parse(await readFile(authFile(), "utf8")).token).not.toBe(saved.token);
    expect(requestsTo(h.fake, "credits")).toBe(3);
  });
});

describe("NEMO_TOKEN", () => {
  it("is used as is: no anonymous token is requested", async () => {
    const token = h.fake.issueToken();
    await h.backend({ NEMO_TOKEN: token }).getCredits();
    expect(requestsTo(h.fake, "anonymousToken")).toBe(0);
    expect(h.fake.requests.find((r) => r.route === "credits")!.headers["authorization"]).toBe(`Bearer ${token}`);
  });

  it("is never renewed behind the person's back; the message says what to do and hides the token", async () => {
    const token = h.fake.issueToken();
    h.fake.expireToken(token);
    const error = (await h.backend({ NEMO_TOKEN: token }).getCredits().catch((e: unknown) => e)) as VideoMakerError;
    expect(error.code).toBe("token_rejected");
    expect(error.message).toMatch(/NEMO_TOKEN/);
    expect(error.message).not.toContain(token);
    expect(requestsTo(h.fake, "anonymousToken")).toBe(0);
  });
});

describe("attribution headers", () => {
  const headersOf = (h: Harness) => h.fake.requests.map((r) => [r.headers["x-skill-source"], r.headers["x-skill-version"], r.headers["x-skill-platform"]]);

  it("go on every request, with the version read from the skill's SKILL.md", async () => {
    const backend = h.backend();
    await backend.getCredits();
    await backend.getState();
    const version = await declaredSkillVersion(".");
    const all = headersOf(h);
    expect(all.length).toBeGreaterThanOrEqual(4);
    for (const headers of all) expect(headers).toEqual(["video-maker", version, "unknown"]);
  });

  it("speak for the variant named by VIDEO_MAKER_SKILL and honour VIDEO_MAKER_PLATFORM", async () => {
    await h.backend({ VIDEO_MAKER_SKILL: "video-builder", VIDEO_MAKER_PLATFORM: "cursor" }).getCredits();
    const version = await declaredSkillVersion("skill/video-builder");
    for (const headers of headersOf(h)) expect(headers).toEqual(["video-builder", version, "cursor"]);
  });

  it("reject an unknown skill name with a clear configuration message", () => {
    expect(() => h.config({ VIDEO_MAKER_SKILL: "video-hacker" })).toThrow(/VIDEO_MAKER_SKILL must be one of/);
  });
});

describe("configuration", () => {
  it("refuses a plain-http API base that is not loopback", () => {
    expect(() => h.config({ NEMO_API_BASE: "http://example.com" })).toThrow(/https/);
  });
  it("accepts plain http on loopback", () => {
    expect(h.config({ NEMO_API_BASE: "http://127.0.0.1:9" }).apiBase.origin).toBe("http://127.0.0.1:9");
  });
});
