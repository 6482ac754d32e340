import { describe, expect, it } from "vitest";
import { VideoMakerError, redactSecrets, registerSecret } from "../../src/core/errors.js";
import { parseExpiry } from "../../src/nemo/auth.js";
import { parseRetryAfter, readEnvelope } from "../../src/nemo/envelope.js";
import { serviceError } from "../../src/nemo/errors.js";
import { escapeFileName, multipartBody } from "../../src/nemo/multipart.js";
import { newRenderId, readRenderStatus } from "../../src/nemo/render.js";
import { defaultLanguage } from "../../src/nemo/session.js";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

describe("readEnvelope", () => {
  const table: Array<[string, number, string, unknown]> = [
    ["code 0 with data", 200, '{"code":0,"message":"ok","data":{"a":1}}', { ok: true, data: { a: 1 } }],
    ["success true", 200, '{"success":true,"data":{"id":"r"}}', { ok: true, data: { id: "r" } }],
    ["bare object", 200, '{"id":"r","status":"pending"}', { ok: true, data: { id: "r", status: "pending" } }],
    ["code 200 counts as ok", 200, '{"code":200,"data":{"x":1}}', { ok: true, data: { x: 1 } }],
    ["numeric string code", 200, '{"code":"2001","message":"no credits"}', { ok: false, failure: { httpStatus: 200, code: 2001, serviceMessage: "no credits" } }],
    ["success false", 200, '{"success":false,"error":"bad"}', { ok: false, failure: { httpStatus: 200, serviceMessage: "bad" } }],
    ["HTTP 404 detail", 404, '{"detail":"Session not found: s1"}', { ok: false, failure: { httpStatus: 404, serviceMessage: "Session not found: s1" } }],
    ["HTML error page", 502, "<html><body>Bad Gateway</body></html>", { ok: false, failure: { httpStatus: 502 } }],
    ["invalid JSON on 200", 200, "{oops", { ok: false, failure: { httpStatus: 200, serviceMessage: "the answer was not valid JSON", unreadable: true } }],
    ["empty 200", 200, "", { ok: true, data: {} }],
    ["null data", 200, '{"code":0,"data":null}', { ok: true, data: { code: 0, data: null } }],
  ];
  for (const [name, status, body, expected] of table) {
    it(name, () => expect(readEnvelope(status, body)).toEqual(expected));
  }
});

describe("serviceError", () => {
  const table: Array<[string, { code?: number; httpStatus: number }, string, RegExp]> = [
    ["1001", { code: 1001, httpStatus: 200 }, "token_invalid", /expired/],
    ["1010", { code: 1010, httpStatus: 200 }, "token_invalid", /token/],
    ["1011", { code: 1011, httpStatus: 200 }, "token_invalid", /token/],
    ["401", { httpStatus: 401 }, "token_invalid", /token/],
    ["1002", { code: 1002, httpStatus: 200 }, "session_lost", /session/],
    ["2001", { code: 2001, httpStatus: 200 }, "out_of_credits", /credits/],
    ["4001", { code: 4001, httpStatus: 200 }, "unsupported_file", /mp4, mov/],
    ["4002", { code: 4002, httpStatus: 200 }, "file_too_large", /500 MB/],
    ["400", { httpStatus: 400 }, "missing_client_id", /client id/],
    ["402", { httpStatus: 402 }, "plan_blocked", /plan, not credits/],
    ["429", { httpStatus: 429 }, "rate_limited", /Wait/],
    ["503", { httpStatus: 503 }, "upstream", /HTTP 503/],
    ["unknown code", { code: 7777, httpStatus: 200 }, "upstream", /code 7777/],
  ];
  for (const [name, failure, code, message] of table) {
    it(`${name} → ${code}`, () => {
      const error = serviceError(failure);
      expect(error).toBeInstanceOf(VideoMakerError);
      expect(error.code).toBe(code);
      expect(error.message).toMatch(message);
    });
  }
});

describe("readRenderStatus", () => {
  const table: Array<[string, unknown, object]> = [
    ["outputUrl, wrapped", { data: { status: "completed", progress: 100, outputUrl: "https://cdn/x.mp4" } }, { status: "completed", progress: 100, url: "https://cdn/x.mp4" }],
    ["output.url, flat", { status: "completed", output: { url: "https://cdn/y.mp4" } }, { status: "completed", progress: 100, url: "https://cdn/y.mp4" }],
    ["processing with 0-1 progress", { status: "processing", progress: 0.42 }, { status: "processing", progress: 42 }],
    ["upper-case status", { status: "PROCESSING", progress: 60 }, { status: "processing", progress: 60 }],
    ["failed with error text", { status: "failed", error: "codec exploded" }, { status: "failed", error: "codec exploded" }],
    ["success synonym", { status: "succeeded", output_url: "https://cdn/z.mp4" }, { status: "completed", url: "https://cdn/z.mp4" }],
    ["garbage", "nope", { status: "pending", progress: 0 }],
    ["progress out of range", { status: "processing", progress: 250 }, { status: "processing", progress: 100 }],
  ];
  for (const [name, input, expected] of table) it(name, () => expect(readRenderStatus(input)).toMatchObject(expected));

  it("render ids are fresh and strictly increasing", () => {
    const ids = [newRenderId(1000), newRenderId(1000), newRenderId(999)];
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^render_\d+$/);
  });
});

describe("small parsers", () => {
  it("parseRetryAfter reads seconds and dates", () => {
    expect(parseRetryAfter("7")).toBe(7);
    expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThanOrEqual(4);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });

  it("parseExpiry accepts ISO dates, epoch seconds/ms, expires_in, and defaults to 7 days", () => {
    const now = 1_700_000_000_000;
    expect(parseExpiry("2030-01-01T00:00:00Z", undefined, now)).toBe(Date.parse("2030-01-01T00:00:00Z"));
    expect(parseExpiry(1_900_000_000, undefined, now)).toBe(1_900_000_000_000);
    expect(parseExpiry(1_900_000_000_000, undefined, now)).toBe(1_900_000_000_000);
    expect(parseExpiry("1900000000", undefined, now)).toBe(1_900_000_000_000);
    expect(parseExpiry(undefined, 3600, now)).toBe(now + 3_600_000);
    expect(parseExpiry(undefined, undefined, now)).toBe(now + 7 * 24 * 3600 * 1000);
  });

  it("defaultLanguage follows the locale", () => {
    expect(defaultLanguage({ LANG: "zh_CN.UTF-8" })).toBe("zh");
    expect(defaultLanguage({ LC_ALL: "de_DE" })).toBe("de");
    expect(defaultLanguage({ LANG: "C.UTF-8" })).toBe("en");
    expect(defaultLanguage({})).toBe("en");
  });

  it("redacts tokens by pattern and by registration", () => {
    registerSecret("custom-secret-value");
    expect(redactSecrets("Bearer abc.def token nmv_usr_123abc and custom-secret-value")).toBe(
      "Bearer [redacted] token [redacted] and [redacted]",
    );
    expect(new VideoMakerError("upstream", "failed for nmv_usr_zzz").message).toBe("failed for [redacted]");
  });
});

describe("multipartBody", () => {
  it("announces exactly the number of bytes it produces, and encodes names like browsers", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vm-mp-"));
    const a = join(dir, "a.bin");
    await writeFile(a, Buffer.alloc(3 * 1024 * 1024 + 3, 7));
    const b = join(dir, "b.bin");
    await writeFile(b, "hello");
    const progress: Array<[number, number]> = [];
    const body = multipartBody(
      "files",
      [
        { path: a, name: 'quote" and\nnewline 视频.mp4', size: 3 * 1024 * 1024 + 3, contentType: "video/mp4" },
        { path: b, name: "b.png", size: 5, contentType: "image/png" },
      ],
      (index, sent) => progress.push([index, sent]),
    );
    const chunks: Buffer[] = [];
    for await (const chunk of body.stream()) chunks.push(Buffer.from(chunk)); // copy: buffers are reused
    const all = Buffer.concat(chunks);
    expect(all.length).toBe(body.length);
    const text = all.toString("latin1");
    expect(text).toContain('name="files"; filename="quote%22 and%0Anewline ');
    expect(all.toString("utf8")).toContain("视频.mp4");
    expect(text.endsWith("--\r\n")).toBe(true);
    expect(progress.at(-1)).toEqual([1, 5]);
    expect(escapeFileName('a"b\r\nc')).toBe("a%22b%0D%0Ac");
  });
});
