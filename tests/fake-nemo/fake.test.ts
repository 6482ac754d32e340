/**
 * Tests of the fake NemoVideo server itself, with plain fetch (no client code from src/).
 */
import { createHash } from "node:crypto";
import { afterAll, beforeEach, describe, expect, it } from "vitest";

import {
  DEFAULT_FINAL_TEXT,
  droppedSseScript,
  expectedRenderBytes,
  heartbeatOnlySseScript,
  MultipartScanner,
  noTextSseScript,
  planChunks,
  startFakeNemo,
  type FakeNemo,
  type PartHeaders,
} from "./server.js";

const fake: FakeNemo = await startFakeNemo();
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const ATTRIBUTION = { "x-skill-source": "video-maker", "x-skill-version": "0.1.0", "x-skill-platform": "unknown" };

async function call(path: string, init: RequestInit & { token?: string } = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("authorization", `Bearer ${init.token}`);
  if (typeof init.body === "string") headers.set("content-type", "application/json");
  const res = await fetch(fake.url + path, { ...init, headers });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body, headers: res.headers };
}

async function newToken(clientId = `client-${Math.random()}`): Promise<string> {
  const { body } = await call("/api/auth/anonymous-token", { method: "POST", headers: { "x-client-id": clientId } });
  return body.data.token as string;
}

async function newSession(token: string): Promise<string> {
  const { body } = await call("/api/tasks/me/with-session/nemo_agent", {
    method: "POST",
    token,
    body: JSON.stringify({ task_name: "project", language: "en" }),
  });
  return body.data.session_id as string;
}

function runSseInit(token: string, sessionId: string, text = "add a title"): RequestInit {
  return {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify({
      app_name: "nemo_agent",
      user_id: "me",
      session_id: sessionId,
      new_message: { role: "user", parts: [{ text }] },
    }),
  };
}

/** Reads a whole SSE response: raw bytes, chunk count, and the `data:` payloads in order. */
async function readSse(res: Response): Promise<{ bytes: Buffer; chunks: number; data: string[]; comments: number }> {
  const parts: Buffer[] = [];
  const reader = res.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(Buffer.from(value));
  }
  const bytes = Buffer.concat(parts);
  const data: string[] = [];
  let comments = 0;
  for (const block of bytes.toString("utf8").split(/\r?\n\r?\n/)) {
    const lines = block.split(/\r?\n/).filter((l) => l !== "");
    const dataLines = lines.filter((l) => l.startsWith("data:")).map((l) => l.slice(5).replace(/^ /, ""));
    comments += lines.filter((l) => l.startsWith(":")).length;
    if (dataLines.length) data.push(dataLines.join("\n"));
  }
  return { bytes, chunks: parts.length, data, comments };
}

describe("auth", () => {
  it("issues anonymous tokens, needs X-Client-Id, one token per client", async () => {
    const missing = await call("/api/auth/anonymous-token", { method: "POST" });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ code: 400, message: "X-Client-Id header is required" });

    const first = await call("/api/auth/anonymous-token", { method: "POST", headers: { "x-client-id": "abc" } });
    expect(first.status).toBe(200);
    expect(first.body.code).toBe(0);
    expect(first.body.data.token).toMatch(/^nmv_usr_/);
    expect(first.body.data.user_id).toMatch(/^anon_/);
    expect(first.body.data.credits).toBe(100);
    expect(Date.parse(first.body.data.expires_at)).toBeGreaterThan(Date.now() + 6 * 24 * 3600 * 1000);

    const again = await call("/api/auth/anonymous-token", { method: "POST", headers: { "x-client-id": "abc" } });
    expect(again.status).toBe(429);
    expect(again.body).toEqual({ code: 429, message: "rate limited" });

    fake.expireToken(first.body.data.token);
    const afterExpiry = await call("/api/auth/anonymous-token", { method: "POST", headers: { "x-client-id": "abc" } });
    expect(afterExpiry.status).toBe(200);
  });

  it("answers bad tokens per authFailure", async () => {
    const token = await newToken();
    expect((await call("/api/credits/balance/simple", { token })).body.data).toEqual({ available: 100, frozen: 0, total: 100 });
    fake.expireToken(token);
    expect((await call("/api/credits/balance/simple", { token })).body).toMatchObject({ code: 1001 });
    fake.options.authFailure = "code1011";
    expect((await call("/api/credits/balance/simple", { token })).body).toMatchObject({ code: 1011 });
    fake.options.authFailure = "http401";
    const r = await call("/api/credits/balance/simple", {});
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ code: 401, message: "Unauthorized" });
  });

  it("creates sessions and claim tokens; state starts with an empty draft", async () => {
    const token = await newToken();
    const sessionId = await newSession(token);
    const session = fake.sessions.get(sessionId)!;
    const claim = await call("/api/auth/claim-token", {
      method: "POST",
      token,
      body: JSON.stringify({ task_id: session.taskId, session_id: sessionId }),
    });
    expect(claim.body.data.claim_token).toMatch(/^clm_/);
    expect(claim.body.data.expires_in).toBe(3600);
    const state = await call(`/api/state/nemo_agent/me/${sessionId}/latest`, { token });
    expect(state.body.data).toMatchObject({
      session_id: sessionId,
      task_id: session.taskId,
      task_name: "project",
      state: { draft: { t: [], d: 0, m: { title: "project" } }, video_infos: [], generated_media: [], canvas_config: { width: 1920, height: 1080 } },
    });
  });
});

describe("upload", () => {
  it("streams multipart uploads, hashes them and updates the draft", async () => {
    const token = await newToken();
    const sessionId = await newSession(token);
    const clip = Buffer.alloc(300_000, 1);
    clip.write("\r\n--", 1000); // delimiter-like bytes inside the file
    const form = new FormData();
    form.append("files", new Blob([clip]), "city timelapse.mp4");
    form.append("files", new Blob([Buffer.from("png")]), "logo.PNG");
    const r = await call(`/api/upload-video/nemo_agent/me/${sessionId}`, { method: "POST", token, body: form });
    expect(r.body.code).toBe(0);
    expect(r.body.data.session_state_applied).toBe(true);
    const [video, image] = r.body.data.files;
    expect(video).toMatchObject({ filename: "city timelapse.mp4", file_type: "video", duration: 10, width: 1920, height: 1080, fps: 30 });
    expect(video.hash).toBe(createHash("sha256").update(clip).digest("hex"));
    expect(image).toMatchObject({ filename: "logo.PNG", file_type: "image", duration: null });
    expect(fake.uploads.map((u) => u.bytes)).toEqual([300_000, 3]);
    const draft = fake.sessions.get(sessionId)!.draft;
    expect(draft.t[0]).toMatchObject({ tt: 0, sg: [{ st: 0, d: 10000, n: "city timelapse.mp4", src: video.cdn_url }] });
    expect(fake.sessions.get(sessionId)!.videoInfos).toHaveLength(2);
  });

  it("rejects unsupported types (4001), too large files (4002), and takes URLs", async () => {
    const token = await newToken();
    const sessionId = await newSession(token);
    const path = `/api/upload-video/nemo_agent/me/${sessionId}`;
    const bad = new FormData();
    bad.append("files", new Blob(["x"]), "notes.txt");
    expect((await call(path, { method: "POST", token, body: bad })).body).toEqual({ code: 4001, message: "Unsupported file type", data: null });

    fake.options.maxUploadBytes = 1024;
    const big = new FormData();
    big.append("files", new Blob([Buffer.alloc(4 * 1024 * 1024)]), "big.mov");
    expect((await call(path, { method: "POST", token, body: big })).body).toEqual({ code: 4002, message: "File too large", data: null });

    const byUrl = await call(path, {
      method: "POST",
      token,
      body: JSON.stringify({ urls: ["https://cdn.example.com/media/song%20one.mp3"], source_type: "url" }),
    });
    expect(byUrl.body.data.files[0]).toMatchObject({ filename: "song one.mp3", file_type: "audio" });
    expect(fake.uploads).toHaveLength(1);
  });

  it("the boundary scanner gives the same parts for every split point", () => {
    const boundary = "XyZ-boundary";
    const file = Buffer.concat([Buffer.from("héllo\r\n--XyZ-bound"), Buffer.alloc(50, 0x2d), Buffer.from("\r\n")]);
    const body = Buffer.concat([
      Buffer.from(`preamble\r\n--${boundary}\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="名字.mp4"\r\nContent-Type: video/mp4\r\n\r\n`),
      file,
      Buffer.from(`\r\n--${boundary}--\r\nepilogue`),
    ]);
    const parse = (chunks: Buffer[]) => {
      const parts: Array<{ head: PartHeaders; data: Buffer[] }> = [];
      const scanner = new MultipartScanner(boundary, {
        onPartBegin: (head) => parts.push({ head, data: [] }),
        onPartData: (chunk) => parts.at(-1)!.data.push(Buffer.from(chunk)),
        onPartEnd: () => {},
      });
      for (const c of chunks) scanner.write(c);
      scanner.end();
      return parts.map((p) => ({ name: p.head.name, filename: p.head.filename, data: Buffer.concat(p.data).toString("latin1") }));
    };
    const expected = [
      { name: "a", filename: undefined, data: "value" },
      { name: "files", filename: "名字.mp4", data: file.toString("latin1") },
    ];
    for (let i = 0; i <= body.length; i++) {
      for (const j of [i, Math.min(body.length, i + 1), Math.min(body.length, i + 7)]) {
        expect(parse([body.subarray(0, i), body.subarray(i, j), body.subarray(j)])).toEqual(expected);
      }
    }
    // and byte by byte
    expect(parse([...body].map((b) => Buffer.from([b])))).toEqual(expected);
  });
});

describe("run_sse", () => {
  it("streams the default script, charges credits, mutates the draft; 2001 when out of credits", async () => {
    const token = await newToken();
    const sessionId = await newSession(token);
    const res = await fetch(`${fake.url}/run_sse`, runSseInit(token, sessionId));
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const { data } = await readSse(res);
    const events = data.map((d) => JSON.parse(d));
    expect(events.map((e) => Object.keys(e.content.parts[0])[0])).toEqual([
      "text",
      "functionCall",
      "functionResponse",
      "text",
      "text",
      "text",
    ]);
    expect(events[0].content.parts[0].thought).toBe(true);
    const final = events.at(-1);
    expect(final.partial).toBeUndefined();
    expect(final.turnComplete).toBe(true);
    expect(final.content.parts[0].text).toBe(DEFAULT_FINAL_TEXT);
    expect(fake.tokens.get(token)!.credits).toBe(50);
    const state = await call(`/api/state/nemo_agent/me/${sessionId}/latest`, { token });
    expect(state.body.data.state.draft.t).toContainEqual({ tt: 7, sg: [{ id: "title-1", st: 0, d: 3000, tx: "Urban Dreams" }] });

    fake.enqueueSse(noTextSseScript());
    await readSse(await fetch(`${fake.url}/run_sse`, runSseInit(token, sessionId)));
    expect(fake.sessions.get(sessionId)!.draft.t.map((t: any) => t.tt)).toEqual([7, 1]);
    const broke = await call("/run_sse", runSseInit(token, sessionId));
    expect(broke.status).toBe(200);
    expect(broke.body).toEqual({ code: 2001, message: "Insufficient credits", data: null });
  });

  it("422 for a malformed body, 404 for a lost session", async () => {
    const token = await newToken();
    const sessionId = await newSession(token);
    const bad = await call("/run_sse", { method: "POST", token, body: JSON.stringify({ session_id: sessionId }) });
    expect(bad.status).toBe(422);
    expect(Array.isArray(bad.body.detail)).toBe(true);
    fake.loseSession(sessionId);
    const lost = await call("/run_sse", runSseInit(token, sessionId));
    expect(lost.status).toBe(404);
    expect(lost.body).toEqual({ detail: `Session not found: ${sessionId}` });
    expect((await call(`/api/state/nemo_agent/me/${sessionId}/latest`, { token })).body.code).toBe(1002);
  });

  it("tiny chunks with CRLF reassemble to the same frames", async () => {
    const token = await newToken();
    const sessionId = await newSession(token);
    fake.options.sseChunking = "tiny";
    fake.options.sseLineEnding = "\r\n";
    const { bytes, chunks, data } = await readSse(await fetch(`${fake.url}/run_sse`, runSseInit(token, sessionId)));
    expect(bytes.includes(Buffer.from("\r\n\r\n"))).toBe(true);
    expect(chunks).toBeGreaterThan(data.length);
    expect(JSON.parse(data.at(-1)!).content.parts[0].text).toBe(DEFAULT_FINAL_TEXT);
    // The chunk plan always cuts inside multi-byte characters and CR LF pairs.
    const sample = Buffer.from("a🎬b\r\n已c", "utf8");
    const sizes = planChunks(sample, "tiny", () => 0.99);
    let pos = 0;
    const cuts = new Set(sizes.map((s) => (pos += s)));
    expect(cuts.has(2)).toBe(true); // after the emoji's lead byte
    expect(cuts.has(7)).toBe(true); // between CR and LF
    expect(cuts.has(9)).toBe(true); // after 已's lead byte
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
  });

  it("heartbeat-only, dropped streams, and close() with an open stream", async () => {
    const token = await newToken();
    fake.tokens.get(token)!.credits = 1000;
    const sessionId = await newSession(token);

    fake.enqueueSse(heartbeatOnlySseScript(3, 5));
    const hb = await readSse(await fetch(`${fake.url}/run_sse`, runSseInit(token, sessionId)));
    expect(hb.data.every((d) => d === "" || d === "heartbeat")).toBe(true);
    expect(hb.comments).toBe(1);

    fake.enqueueSse(droppedSseScript());
    const dropped = await fetch(`${fake.url}/run_sse`, runSseInit(token, sessionId));
    await expect(readSse(dropped)).rejects.toThrow();

    const other = await startFakeNemo({ sseIdleHeartbeatMs: 10 });
    const t2 = other.issueToken();
    const sid2 = await (async () => {
      const r = await fetch(`${other.url}/api/tasks/me/with-session/nemo_agent`, { method: "POST", headers: { authorization: `Bearer ${t2}` } });
      return ((await r.json()) as any).data.session_id as string;
    })();
    other.enqueueSse({ steps: [{ delayMs: 60_000 }] });
    const open = await fetch(`${other.url}/run_sse`, runSseInit(t2, sid2));
    const reader = open.body!.getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value!).toString()).toContain(": ping");
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(reader.read()).rejects.toThrow();
  });
});

describe("render", () => {
  async function startRender(token: string, sessionId: string, id: string, headers: Record<string, string> = ATTRIBUTION) {
    return call("/api/render/proxy/lambda", {
      method: "POST",
      token,
      headers,
      body: JSON.stringify({ id, sessionId, draft: { t: [] }, output: { format: "mp4", quality: "high" } }),
    });
  }

  it("needs attribution, polls to completion, downloads deterministic bytes", async () => {
    const token = await newToken();
    const sessionId = await newSession(token);
    expect((await startRender(token, sessionId, "render_1", {})).status).toBe(402);
    const start = await startRender(token, sessionId, "render_1");
    expect(start.body).toEqual({ code: 0, message: "success", data: { id: "render_1", status: "pending", progress: 0 } });
    expect((await startRender(token, sessionId, "render_1")).status).toBe(409);

    const poll1 = await call("/api/render/proxy/lambda/render_1", { token });
    expect(poll1.body.data).toMatchObject({ status: "processing", progress: 50 });
    const poll2 = await call("/api/render/proxy/lambda/render_1", { token });
    expect(poll2.body.data).toMatchObject({ status: "completed", progress: 100 });
    const outputUrl: string = poll2.body.data.outputUrl;
    expect(outputUrl).toBe(`${fake.url}/files/render_1.mp4`);

    const file = await fetch(outputUrl);
    expect(file.headers.get("content-type")).toBe("video/mp4");
    expect(file.headers.get("content-length")).toBe(String(256 * 1024));
    expect(Buffer.from(await file.arrayBuffer()).equals(expectedRenderBytes("render_1", 256 * 1024))).toBe(true);

    expect((await fetch(`${fake.url}/api/render/proxy/render_1/download`)).status).toBe(200); // 1001 envelope
    const proxied = await fetch(`${fake.url}/api/render/proxy/render_1/download`, { headers: { authorization: `Bearer ${token}` } });
    expect(Buffer.from(await proxied.arrayBuffer()).equals(expectedRenderBytes("render_1", 256 * 1024))).toBe(true);
    expect((await call("/api/render/proxy/lambda/nope", { token })).status).toBe(404);
  });

  it("envelope and URL variants, failure, broken URL, truncated download, ranges, plan block", async () => {
    const token = await newToken();
    const sessionId = await newSession(token);
    fake.options.render = { ...fake.options.render, envelope: "success", wrapped: false, urlShape: "output.url", pollsToComplete: 1 };
    expect((await startRender(token, sessionId, "r2")).body).toEqual({ success: true, id: "r2", status: "pending", progress: 0 });
    const done = await call("/api/render/proxy/lambda/r2", { token });
    expect(done.body).toMatchObject({ success: true, id: "r2", status: "completed", output: { url: `${fake.url}/files/r2.mp4` } });

    fake.options.render.fail = "Lambda timed out";
    await startRender(token, sessionId, "r3");
    expect((await call("/api/render/proxy/lambda/r3", { token })).body).toMatchObject({ status: "failed", error: "Lambda timed out" });
    delete fake.options.render.fail;

    fake.options.render.outputUrlBroken = true;
    expect((await fetch(`${fake.url}/files/r2.mp4`)).status).toBe(404);
    fake.options.render.outputUrlBroken = false;

    fake.options.render.truncateDownload = true;
    const cut = await fetch(`${fake.url}/files/r2.mp4`);
    expect(cut.headers.get("content-length")).toBe(String(256 * 1024));
    await expect(cut.arrayBuffer()).rejects.toThrow();

    // A number cuts only that many downloads; ranges are served, guarded by If-Range on the ETag.
    fake.options.render.truncateDownload = 1;
    const size = 256 * 1024;
    const etag = `"r2-${size}"`;
    const cutOnce = await fetch(`${fake.url}/files/r2.mp4`);
    expect(cutOnce.headers.get("etag")).toBe(etag);
    await expect(cutOnce.arrayBuffer()).rejects.toThrow();
    const rest = await fetch(`${fake.url}/files/r2.mp4`, { headers: { range: "bytes=1000-", "if-range": etag } });
    expect(rest.status).toBe(206);
    expect(rest.headers.get("content-range")).toBe(`bytes 1000-${size - 1}/${size}`);
    expect(Buffer.from(await rest.arrayBuffer()).equals(expectedRenderBytes("r2", size).subarray(1000))).toBe(true);
    const changed = await fetch(`${fake.url}/files/r2.mp4`, { headers: { range: "bytes=1000-", "if-range": '"r2-1"' } });
    expect(changed.status).toBe(200);
    expect(Number(changed.headers.get("content-length"))).toBe(size);
    await changed.arrayBuffer();
    fake.options.render.ignoreRange = true;
    const ignored = await fetch(`${fake.url}/files/r2.mp4`, { headers: { range: "bytes=1000-" } });
    expect([ignored.status, ignored.headers.get("accept-ranges")]).toEqual([200, null]);
    await ignored.arrayBuffer();

    fake.options.planBlocksExport = true;
    const blocked = await startRender(token, sessionId, "r4");
    expect(blocked.status).toBe(402);
    expect(blocked.body).toMatchObject({ code: 402, message: "Export requires a paid plan" });
  });
});

describe("injected failures", () => {
  it("failNext answers queued failures, then the real thing", async () => {
    fake.failNext("anonymousToken", { httpStatus: 429, headers: { "retry-after": "1" } });
    fake.failNext("anonymousToken", { httpStatus: 502, rawBody: "<html><body>502 Bad Gateway</body></html>" });
    fake.failNext("anonymousToken", { code: 1001, message: "token expired" });
    fake.failNext("anonymousToken", { resetConnection: true });
    const post = () => call("/api/auth/anonymous-token", { method: "POST", headers: { "x-client-id": "z" } });

    const limited = await post();
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    const html = await post();
    expect(html.status).toBe(502);
    expect(html.headers.get("content-type")).toContain("text/html");
    expect(html.body).toContain("Bad Gateway");
    expect((await post()).body).toEqual({ code: 1001, message: "token expired", data: null });
    await expect(post()).rejects.toThrow();
    expect((await post()).body.code).toBe(0);
    expect(fake.requests.filter((r) => r.route === "anonymousToken")).toHaveLength(5);
    expect(fake.requests[0]!.headers["x-client-id"]).toBe("z");
  });

  it("unknown routes answer 404 Not Found", async () => {
    const r = await call("/api/nope");
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ detail: "Not Found" });
  });
});
