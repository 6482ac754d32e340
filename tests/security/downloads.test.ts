import { execFile } from "node:child_process";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { type IncomingMessage, type Server, type ServerResponse, createServer as createHttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Agent, type Dispatcher } from "undici";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { VideoMakerError } from "../../src/core/errors.js";
import { NemoHttp, type TokenSource } from "../../src/nemo/http.js";
import { allowedDownloadUrl, downloadRender } from "../../src/nemo/download.js";
import { failure } from "../support/failure.js";

/**
 * Downloads go over https only (plain http on loopback only), every redirect hop is checked
 * again, the bearer token never leaves the API's origin, and a redirect loop stops. Real
 * servers on loopback: an "API" (http), a "CDN" on another port (http) and an https server
 * with a self-signed certificate made by openssl at test time.
 */

const TOKEN = "sentinel-download-token-7c1e";
const BYTES = Buffer.from("\x00\x00\x00\x18ftypisom-download-test-bytes", "latin1");

interface Seen {
  server: string;
  path: string;
  authorization?: string;
}

const seen: Seen[] = [];
/** Every origin+path the HTTP client was asked to reach, whether or not anything answered there. */
const dispatched: string[] = [];
let api: Server;
let cdn: Server;
let secure: Server;
let apiBase: URL;
let cdnBase: string;
let secureBase: string;
let certificate: string;
let dir: string;

class RecordingAgent extends Agent {
  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    dispatched.push(`${String(options.origin)}${options.path}`);
    return super.dispatch(options, handler);
  }
}

/** Routes shared by the three servers: `/file` answers the bytes, `/to?u=<url>` redirects, `/loop` redirects to itself. */
function routes(name: string) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://x");
    seen.push({ server: name, path: url.pathname, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    if (url.pathname === "/file" || (name === "api" && url.pathname === "/api/render/proxy/render_ok/download")) {
      res.writeHead(200, { "content-type": "video/mp4", "content-length": BYTES.length });
      return res.end(BYTES);
    }
    if (url.pathname === "/api/render/proxy/render_down/download") {
      res.writeHead(302, { location: `${cdnBase}/file` });
      return res.end();
    }
    if (url.pathname === "/to" || url.pathname === "/api/to") {
      res.writeHead(302, { location: url.searchParams.get("u") ?? "/" });
      return res.end();
    }
    if (url.pathname.startsWith("/hops/")) {
      const left = Number(url.pathname.slice("/hops/".length));
      res.writeHead(302, { location: left > 0 ? `/hops/${left - 1}` : "/file" });
      return res.end();
    }
    if (url.pathname === "/loop") {
      res.writeHead(301, { location: "/loop" });
      return res.end();
    }
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found");
  };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vm-sec-dl-"));
  const key = join(dir, "key.pem");
  const cert = join(dir, "cert.pem");
  await promisify(execFile)("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
    "-keyout", key, "-out", cert, "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
  ]);
  certificate = await readFile(cert, "utf8");
  api = createHttpServer(routes("api"));
  cdn = createHttpServer(routes("cdn"));
  secure = createHttpsServer({ key: await readFile(key), cert: certificate }, routes("secure"));
  apiBase = new URL(`http://127.0.0.1:${await listen(api)}`);
  cdnBase = `http://127.0.0.1:${await listen(cdn)}`;
  secureBase = `https://127.0.0.1:${await listen(secure)}`;
});

afterAll(async () => {
  for (const server of [api, cdn, secure]) server?.closeAllConnections();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  seen.length = 0;
  dispatched.length = 0;
});

const tokens: TokenSource = {
  current: async () => ({ token: TOKEN, anonymous: false }),
  renew: async () => {
    throw new VideoMakerError("token_rejected", "rejected");
  },
};

function client(base: URL = apiBase): NemoHttp {
  return new NemoHttp({
    config: { apiBase: base, skill: "video-maker", skillVersion: "0.0.0", platform: "unknown" },
    tokens,
    dispatcher: new RecordingAgent({ connect: { ca: certificate } }),
  });
}

async function download(url: string | undefined, renderId = "render_ok", base?: URL) {
  const http = client(base);
  try {
    return await downloadRender(http, renderId, url, join(dir, `out-${Math.random().toString(16).slice(2)}.mp4`));
  } finally {
    await http.close();
  }
}

const FALLBACK = "/api/render/proxy/render_ok/download";

describe("which addresses a download may use", () => {
  const http = new URL("http://127.0.0.1:9/");
  const https = new URL("https://cdn.example/");
  it.each([
    ["https://cdn.example/x.mp4", http, true],
    ["http://127.0.0.1:8/x.mp4", http, true],
    ["http://localhost:8/x.mp4", http, true],
    ["http://[::1]:8/x.mp4", http, true],
    ["/relative.mp4", http, true],
    ["http://example.com/x.mp4", http, false],
    ["http://127.0.0.1.example.com/x.mp4", http, false],
    ["http://10.0.0.1/x.mp4", http, false],
    ["ftp://cdn.example/x.mp4", http, false],
    ["file:///etc/passwd", http, false],
    ["data:video/mp4;base64,AAAA", http, false],
    ["javascript:alert(1)", http, false],
    ["not a url at all", new URL("data:,x"), false],
    // from an https page: never down to plain http, not even on loopback
    ["https://other.example/x.mp4", https, true],
    ["http://127.0.0.1:8/x.mp4", https, false],
    ["http://example.com/x.mp4", https, false],
  ])("%s (from %s) → %s", (raw, from, allowed) => {
    expect(allowedDownloadUrl(raw, from) !== undefined).toBe(allowed);
  });
});

describe("downloading a render over real loopback servers", () => {
  it("refuses a plain-http link off loopback without fetching it, and falls back to the API route", async () => {
    const saved = await download("http://example.com/x.mp4");
    expect(await readFile(saved.path)).toEqual(BYTES);
    expect(dispatched.map((d) => new URL(d).hostname)).not.toContain("example.com");
    expect(dispatched).toEqual([`${apiBase.origin}${FALLBACK}`]);
    expect(seen).toEqual([{ server: "api", path: FALLBACK, authorization: `Bearer ${TOKEN}` }]);
  });

  it("sends the token to the API's own routes only: not to a CDN, not to a file path on the API's host", async () => {
    await download(`${cdnBase}/file`);
    await download(`${apiBase.origin}/api/to?u=${encodeURIComponent(`${cdnBase}/file`)}`);
    await download(`${apiBase.origin}/file`);
    expect(seen).toEqual([
      { server: "cdn", path: "/file" },
      { server: "api", path: "/api/to", authorization: `Bearer ${TOKEN}` },
      { server: "cdn", path: "/file" },
      { server: "api", path: "/file" },
    ]);
  });

  it("re-checks every hop: a redirect to plain http off loopback is refused, never fetched", async () => {
    const error = await failure(download(`${cdnBase}/to?u=${encodeURIComponent("http://example.com/x.mp4")}`, "render_gone"));
    expect(error.code).toBe("download_failed");
    expect(error.message).toContain("redirected to an address that is not https (http://example.com)");
    expect(dispatched.map((d) => new URL(d).hostname)).not.toContain("example.com");
  });

  it("follows https with a trusted certificate, and refuses a step down from https to plain http (even loopback)", async () => {
    const ok = await download(`${secureBase}/to?u=${encodeURIComponent(`${secureBase}/file`)}`);
    expect(await readFile(ok.path)).toEqual(BYTES);
    expect(seen.filter((s) => s.server === "secure")).toEqual([
      { server: "secure", path: "/to" },
      { server: "secure", path: "/file" },
    ]);

    seen.length = 0;
    const error = await failure(download(`${secureBase}/to?u=${encodeURIComponent(`${cdnBase}/file`)}`, "render_gone"));
    expect(error.message).toContain(`not https (${cdnBase})`);
    expect(seen.some((s) => s.server === "cdn")).toBe(false);
  });

  it("refuses an https API whose download route redirects to plain http on loopback", async () => {
    const error = await failure(download(undefined, "render_down", new URL(secureBase)));
    expect(error.message).toContain(`not https (${cdnBase})`);
    expect(seen).toEqual([{ server: "secure", path: "/api/render/proxy/render_down/download", authorization: `Bearer ${TOKEN}` }]);
  });

  it("follows up to 5 redirects, refuses the 6th, and stops a redirect loop with a clear message", async () => {
    const five = await download(`${cdnBase}/hops/4`);
    expect(await readFile(five.path)).toEqual(BYTES);
    expect(seen.length).toBe(6); // 5 redirects + the file

    seen.length = 0;
    const tooMany = await failure(download(`${cdnBase}/hops/5`, "render_gone"));
    expect(tooMany.message).toContain("redirected more than 5 times");
    expect(seen.filter((s) => s.server === "cdn")).toHaveLength(6);

    seen.length = 0;
    const loop = await failure(download(`${cdnBase}/loop`, "render_gone"));
    expect(loop.code).toBe("download_failed");
    expect(loop.message).toMatch(/redirected more than 5 times \(a redirect loop\?\); the server answered HTTP 404\)/);
    expect(seen.filter((s) => s.path === "/loop")).toHaveLength(6);
  });

  it("a redirect to file: is a link that is not a web address, never \"not https (null)\" (issue 12)", async () => {
    const error = await failure(download(`${cdnBase}/to?u=${encodeURIComponent("file:///etc/passwd")}`, "render_gone"));
    expect(error.code).toBe("download_failed");
    expect(error.message).toContain("the service sent a link that is not a web address (file:)");
    expect(error.message).not.toContain("null");
    const given = await failure(download("file:///etc/passwd", "render_gone"));
    expect(given.message).toContain("the service sent a link that is not a web address (file:)");
  });

  it("a download server that cannot be reached is said once, in one sentence: no network message nested inside (issue 12)", async () => {
    const closed = createHttpServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure(download(`http://127.0.0.1:${port}/file`, "render_gone"));
    expect(error.code).toBe("download_failed");
    expect(error.message).toBe(
      `The render finished but the video could not be downloaded (127.0.0.1:${port} could not be reached: the connection was refused; the server answered HTTP 404). Check the internet connection and try the export again.`,
    );
    expect(error.message.match(/internet connection/g)).toHaveLength(1);
    expect(error.message).not.toMatch(/Could not reach NemoVideo|local backend/);
  });

  it("leaves no partial file behind when every attempt fails", async () => {
    await failure(download(`${cdnBase}/loop`, "render_gone"));
    expect((await readdir(dir)).filter((name) => name.endsWith(".part"))).toEqual([]);
  });
});
