import { mkdtemp, rm } from "node:fs/promises";
import { type ClientRequest, request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Config, loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/mcp/logger.js";
import { DEFAULT_IDLE_MS, DEFAULT_MAX_SESSIONS } from "../../src/mcp/transports/http-sessions.js";
import { type HttpHandle, serveHttp } from "../../src/mcp/transports/http.js";

/**
 * Issue 12, item 6: Streamable HTTP kept every session for ever (800 initialize requests → 800
 * sessions, RSS 68 → 176 MB), and a POST without a session id built a whole MCP server before
 * the SDK answered 400. Real HTTP requests on loopback against serveHttp, with small limits.
 */

let root: string;
let config: Config;
const servers: HttpHandle[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "vm-http-sessions-"));
  config = loadConfig({ VIDEO_MAKER_HOME: join(root, "home"), VIDEO_MAKER_BACKEND: "local", VIDEO_MAKER_OUTPUT_DIR: join(root, "out") }, root);
});
afterAll(async () => {
  for (const server of servers) await server.close();
  await rm(root, { recursive: true, force: true });
});

async function start(limits: { maxSessions?: number; idleMs?: number } = {}): Promise<HttpHandle> {
  const handle = await serveHttp(config, 0, createLogger({ stderr: false }), limits);
  servers.push(handle);
  return handle;
}

interface Answer {
  status: number;
  session?: string;
  body: string;
  retryAfter?: string;
}

const INITIALIZE = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "x", version: "1" } },
};
const LIST = { jsonrpc: "2.0", id: 2, method: "tools/list" };

function send(handle: HttpHandle, options: { method?: string; session?: string; body?: unknown; raw?: string }): Promise<Answer> {
  const url = new URL(handle.url);
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json, text/event-stream" };
  if (options.session) Object.assign(headers, { "mcp-session-id": options.session, "mcp-protocol-version": "2025-06-18" });
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port: Number(url.port), method: options.method ?? "POST", path: "/mcp", headers });
    req.on("response", (res) => {
      let body = "";
      res.on("data", (chunk) => (body += String(chunk)));
      res.on("end", () => {
        const session = res.headers["mcp-session-id"];
        const retryAfter = res.headers["retry-after"];
        resolve({ status: res.statusCode ?? 0, body, ...(typeof session === "string" ? { session } : {}), ...(retryAfter ? { retryAfter } : {}) });
      });
    });
    req.on("error", reject);
    req.end(options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)));
  });
}

async function open(handle: HttpHandle): Promise<string> {
  const answer = await send(handle, { body: INITIALIZE });
  expect(answer.status, answer.body).toBe(200);
  await send(handle, { session: answer.session!, body: { jsonrpc: "2.0", method: "notifications/initialized" } });
  return answer.session!;
}

/** A GET stream on the session (the server's own messages), held open until `close()`. */
function listen(handle: HttpHandle, session: string): Promise<ClientRequest> {
  const url = new URL(handle.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: "127.0.0.1",
      port: Number(url.port),
      method: "GET",
      path: "/mcp",
      headers: { accept: "text/event-stream", "mcp-session-id": session, "mcp-protocol-version": "2025-06-18" },
    });
    req.on("response", (res) => {
      expect(res.statusCode).toBe(200);
      resolve(req);
    });
    req.on("error", (error) => {
      if ((error as NodeJS.ErrnoException).code !== "ECONNRESET") reject(error);
    });
    req.end();
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the number of sessions is capped", () => {
  it(`the defaults are ${DEFAULT_MAX_SESSIONS} sessions and ${DEFAULT_IDLE_MS / 60_000} minutes idle (docs/security.md says so)`, () => {
    expect(DEFAULT_MAX_SESSIONS).toBe(100);
    expect(DEFAULT_IDLE_MS).toBe(30 * 60_000);
  });

  it("at the cap, the least recently used idle session makes room: its client gets 404 (initialize again), the others keep working", async () => {
    const handle = await start({ maxSessions: 3 });
    const [a, b, c] = [await open(handle), await open(handle), await open(handle)];
    expect((await send(handle, { session: a, body: LIST })).status).toBe(200); // a is now the most recent: b is the oldest
    const d = await open(handle);
    expect(handle.stats().sessions).toBe(3);
    const gone = await send(handle, { session: b, body: LIST });
    expect(gone.status).toBe(404);
    expect(gone.body).toContain("Unknown or expired MCP session; initialize again");
    for (const session of [a, c, d]) expect((await send(handle, { session, body: LIST })).status).toBe(200);
  });

  it("when every session has a request open, a new one is refused with 503 and a plain message", async () => {
    const handle = await start({ maxSessions: 2 });
    const sessions = [await open(handle), await open(handle)];
    const streams = await Promise.all(sessions.map((session) => listen(handle, session)));
    try {
      const refused = await send(handle, { body: INITIALIZE });
      expect(refused.status).toBe(503);
      expect(refused.retryAfter).toBe("5");
      expect(JSON.parse(refused.body).error.message).toBe("Too many MCP sessions are busy (2); try again in a moment");
      expect(handle.stats().sessions).toBe(2);
    } finally {
      for (const stream of streams) stream.destroy();
    }
    await sleep(50);
    expect((await send(handle, { body: INITIALIZE })).status).toBe(200); // once a stream closes, there is room again
  });

  it("150 initialize requests with the default cap leave 100 sessions, not 150", async () => {
    const handle = await start();
    for (let i = 0; i < 150; i++) expect((await send(handle, { body: INITIALIZE })).status).toBe(200);
    expect(handle.stats()).toEqual({ sessions: DEFAULT_MAX_SESSIONS, serversBuilt: 150 });
  });
});

describe("idle sessions expire", () => {
  it("a session with no request open for the idle time is closed; one with a stream open is kept", async () => {
    const handle = await start({ idleMs: 300 });
    const idle = await open(handle);
    const busy = await open(handle);
    const stream = await listen(handle, busy);
    try {
      await sleep(900);
      expect(handle.stats().sessions).toBe(1);
      expect((await send(handle, { session: idle, body: LIST })).status).toBe(404);
      expect((await send(handle, { session: busy, body: LIST })).status).toBe(200);
    } finally {
      stream.destroy();
    }
    await sleep(900);
    expect(handle.stats().sessions).toBe(0);
  });
});

describe("a POST without a session id is checked before anything is built for it", () => {
  it("a request that is not initialize: 400, no MCP server built, no session", async () => {
    const handle = await start();
    const answer = await send(handle, { body: LIST });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error.message).toBe("Start a session with an initialize request (this request has no Mcp-Session-Id)");
    expect(handle.stats()).toEqual({ sessions: 0, serversBuilt: 0 });
  });

  it("a body that is not JSON: 400 with a parse error (-32700), nothing built", async () => {
    const handle = await start();
    const answer = await send(handle, { raw: "{not json" });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error).toEqual({ code: -32700, message: "Parse error: the request body is not JSON" });
    expect(handle.stats()).toEqual({ sessions: 0, serversBuilt: 0 });
  });

  it("a 2 MB body: 413, nothing built", async () => {
    const handle = await start();
    const answer = await send(handle, { raw: JSON.stringify({ ...INITIALIZE, padding: "x".repeat(2 * 1024 * 1024) }) }).catch((error: NodeJS.ErrnoException) => ({
      status: error.code === "ECONNRESET" || error.code === "EPIPE" ? 413 : 0,
      body: "",
    }));
    expect(answer.status).toBe(413);
    expect(handle.stats()).toEqual({ sessions: 0, serversBuilt: 0 });
  });

  it("an initialize request still opens a session (one server built)", async () => {
    const handle = await start();
    await open(handle);
    expect(handle.stats()).toEqual({ sessions: 1, serversBuilt: 1 });
  });
});
