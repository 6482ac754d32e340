import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/mcp/logger.js";
import { type HttpHandle, serveHttp } from "../../src/mcp/transports/http.js";

/**
 * Streamable HTTP: listens on 127.0.0.1 only, and refuses a foreign Host or Origin (DNS
 * rebinding: a web page that got its name to resolve to 127.0.0.1) before doing anything:
 * no MCP server is made for it, no path or session is revealed, an open session cannot be used.
 */

let root: string;
let handle: HttpHandle;
let port: number;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "vm-sec-http-"));
  const config = loadConfig({ VIDEO_MAKER_HOME: join(root, "home"), VIDEO_MAKER_BACKEND: "local", VIDEO_MAKER_OUTPUT_DIR: join(root, "out") }, root);
  handle = await serveHttp(config, 0, createLogger({ stderr: false }));
  port = Number(new URL(handle.url).port);
});
afterAll(async () => {
  await handle.close();
  await rm(root, { recursive: true, force: true });
});

interface Answer {
  status: number;
  session?: string;
  body: string;
}

const INITIALIZE = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "x", version: "1" } },
};

function send(options: { host?: string | null; headers?: Record<string, string>; method?: string; path?: string; body?: unknown; address?: string }): Promise<Answer> {
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json, text/event-stream", ...options.headers };
  if (options.host !== null) headers["host"] = options.host ?? `127.0.0.1:${port}`;
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: options.address ?? "127.0.0.1",
      port,
      method: options.method ?? "POST",
      path: options.path ?? "/mcp",
      headers,
      setHost: false,
    });
    req.on("response", (res) => {
      let body = "";
      res.on("data", (chunk) => (body += String(chunk)));
      res.on("end", () => {
        const session = res.headers["mcp-session-id"];
        resolve({ status: res.statusCode ?? 0, body, ...(typeof session === "string" ? { session } : {}) });
      });
    });
    req.on("error", reject);
    req.end(options.body === undefined ? undefined : JSON.stringify(options.body));
  });
}

describe("where it listens", () => {
  it("binds 127.0.0.1 only: the kernel's socket table shows it, other addresses refuse", async () => {
    expect(handle.url).toBe(`http://127.0.0.1:${port}/mcp`);
    if (existsSync("/proc/net/tcp")) {
      const hex = port.toString(16).toUpperCase().padStart(4, "0");
      const listening = [readFileSync("/proc/net/tcp", "utf8"), existsSync("/proc/net/tcp6") ? readFileSync("/proc/net/tcp6", "utf8") : ""]
        .join("\n")
        .split("\n")
        .map((line) => line.trim().split(/\s+/))
        .filter((cols) => cols[1]?.endsWith(`:${hex}`) && cols[3] === "0A") // 0A = LISTEN
        .map((cols) => cols[1]!.split(":")[0]);
      expect(listening).toEqual(["0100007F"]); // 127.0.0.1, little-endian
    }
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && !a.internal && a.family === "IPv4")
      .map((a) => a!.address);
    for (const address of [...others, "::1"]) {
      await expect(send({ address, body: INITIALIZE })).rejects.toMatchObject({ code: expect.stringMatching(/ECONNREFUSED|EADDRNOTAVAIL|ENETUNREACH/) });
    }
  });
});

describe("Host and Origin", () => {
  const host = () => `127.0.0.1:${port}`;
  const cases: Array<[string, () => { host?: string | null; headers?: Record<string, string> }, number]> = [
    ["127.0.0.1:PORT", () => ({}), 200],
    ["localhost:PORT", () => ({ host: `localhost:${port}` }), 200],
    ["same-origin Origin", () => ({ headers: { origin: `http://${host()}` } }), 200],
    ["evil.example:PORT", () => ({ host: `evil.example:${port}` }), 403],
    ["evil.example", () => ({ host: "evil.example" }), 403],
    ["127.0.0.1 without the port", () => ({ host: "127.0.0.1" }), 403],
    ["127.0.0.1 on another port", () => ({ host: `127.0.0.1:${port + 1}` }), 403],
    ["localhost.evil.example:PORT", () => ({ host: `localhost.evil.example:${port}` }), 403],
    ["[::1]:PORT", () => ({ host: `[::1]:${port}` }), 403],
    ["0.0.0.0:PORT", () => ({ host: `0.0.0.0:${port}` }), 403],
    ["Origin http://evil.example", () => ({ headers: { origin: "http://evil.example" } }), 403],
    ["Origin null (a sandboxed page)", () => ({ headers: { origin: "null" } }), 403],
    ["Origin https://127.0.0.1:PORT", () => ({ headers: { origin: `https://${host()}` } }), 403],
    ["Origin http://127.0.0.1:PORT.evil.example", () => ({ headers: { origin: `http://${host()}.evil.example` } }), 403],
  ];
  it.each(cases.map(([name, make, status]) => ({ name, make, status })))("initialize with $name → $status", async ({ make, status }) => {
    const answer = await send({ ...make(), body: INITIALIZE });
    expect(answer.status).toBe(status);
    if (status === 403) {
      expect(answer.session).toBeUndefined();
      expect(answer.body).not.toMatch(/evil/); // the refusal does not echo what it was sent
    }
  });

  it("refuses no Host at all", async () => {
    expect((await send({ host: null, body: INITIALIZE })).status).toBeGreaterThanOrEqual(400);
  });

  it("a foreign Host learns nothing: not the endpoint, not whether a session exists", async () => {
    const evil = `evil.example:${port}`;
    expect((await send({ host: evil, path: "/anything", body: {} })).status).toBe(403);
    expect((await send({ host: evil, method: "GET", headers: { "mcp-session-id": "made-up" } })).status).toBe(403);
    expect((await send({ host: evil, method: "DELETE", headers: { "mcp-session-id": "made-up" } })).status).toBe(403);
    // the same requests from 127.0.0.1 get the ordinary answers
    expect((await send({ path: "/anything", body: {} })).status).toBe(404);
    expect((await send({ method: "GET", headers: { "mcp-session-id": "made-up" } })).status).toBe(404);
  });

  it("an open session cannot be driven from a rebinding page", async () => {
    const opened = await send({ body: INITIALIZE });
    expect(opened.status).toBe(200);
    const session = opened.session!;
    expect(session).toBeTruthy();
    const headers = { "mcp-session-id": session, "mcp-protocol-version": "2025-06-18" };
    await send({ headers, body: { jsonrpc: "2.0", method: "notifications/initialized" } });
    const list = { jsonrpc: "2.0", id: 2, method: "tools/list" };
    expect((await send({ host: `evil.example:${port}`, headers, body: list })).status).toBe(403);
    expect((await send({ headers: { ...headers, origin: "http://evil.example" }, body: list })).status).toBe(403);
    const allowed = await send({ headers, body: list });
    expect(allowed.status).toBe(200);
    expect(allowed.body).toContain("apply_edits");
  });
});
