/**
 * A fake of the NemoVideo HTTP API on loopback, for integration tests and benchmarks.
 *
 * It follows the shapes in shared/REFERENCE.md: the `{"code":0,"message":"success","data":{}}`
 * envelope, ADK-style SSE on /run_sse, streaming multipart upload, render polling and a download
 * URL — plus switches for every documented error and fault (see README.md beside this file).
 * Only node: built-ins; no dependencies.
 */
import http from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";

import { renderBytesAt } from "./bytes.js";
import { boundaryFromContentType, MultipartError, MultipartScanner } from "./multipart.js";
import { defaultSseScript, makeRng, SseWriter } from "./sse.js";
import type {
  Failure,
  FakeNemo,
  FakeOptions,
  FakeOptionsInput,
  FakeRender,
  FakeSession,
  FakeToken,
  FakeUpload,
  RecordedRequest,
  RouteKey,
  SseScript,
} from "./types.js";

export type * from "./types.js";
export { expectedRenderBytes, renderBytesAt } from "./bytes.js";
export {
  adkError,
  adkFunctionCall,
  adkFunctionResponse,
  adkText,
  adkThought,
  addBgmTrack,
  addTitleTrack,
  BGM_SEGMENT,
  DEFAULT_FINAL_TEXT,
  DEFAULT_PARTIALS,
  defaultSseScript,
  droppedSseScript,
  heartbeatOnlySseScript,
  noTextSseScript,
  planChunks,
  TITLE_SEGMENT,
} from "./sse.js";
export type { AdkEventOptions } from "./sse.js";
export { boundaryFromContentType, MultipartError, MultipartScanner } from "./multipart.js";
export type { MultipartHandlers, PartHeaders } from "./multipart.js";

// ---------------------------------------------------------------------------------------------
// Options

export function defaultFakeOptions(): FakeOptions {
  return {
    authFailure: "code1001",
    oneTokenPerClient: true,
    tokenTtlMs: 7 * 24 * 60 * 60 * 1000,
    startingCredits: 100,
    editCost: 50,
    maxUploadBytes: 500 * 1024 * 1024,
    requireAttribution: true,
    planBlocksExport: false,
    render: {
      envelope: "code",
      wrapped: true,
      urlShape: "outputUrl",
      pollsToComplete: 2,
      fileBytes: 256 * 1024,
    },
    sseChunking: "whole",
    sseLineEnding: "\n",
    sseIdleHeartbeatMs: 0,
    latencyMs: 0,
    maxTokensPerIp: 0,
    hostileTokens: [],
  };
}

function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function mergeOptions(input: FakeOptionsInput | undefined): FakeOptions {
  const base = defaultFakeOptions();
  const { render, port: _port, ...rest } = input ?? {};
  const merged = { ...base, ...defined(rest), render: { ...base.render, ...defined(render ?? {}) } };
  // A live queue the fake consumes: never the caller's own array (reset() starts it over).
  merged.hostileTokens = [...merged.hostileTokens];
  return merged;
}

// ---------------------------------------------------------------------------------------------
// Routing

interface RouteDef {
  route: RouteKey;
  methods: string[];
  pattern: RegExp;
}

const ROUTES: RouteDef[] = [
  { route: "anonymousToken", methods: ["POST"], pattern: /^\/api\/auth\/anonymous-token$/ },
  { route: "createSession", methods: ["POST"], pattern: /^\/api\/tasks\/me\/with-session\/nemo_agent$/ },
  { route: "claimToken", methods: ["POST"], pattern: /^\/api\/auth\/claim-token$/ },
  { route: "runSse", methods: ["POST"], pattern: /^\/run_sse$/ },
  { route: "upload", methods: ["POST"], pattern: /^\/api\/upload-video\/nemo_agent\/me\/([^/]+)$/ },
  { route: "credits", methods: ["GET"], pattern: /^\/api\/credits\/balance\/simple$/ },
  { route: "state", methods: ["GET"], pattern: /^\/api\/state\/nemo_agent\/me\/([^/]+)\/latest$/ },
  { route: "renderStart", methods: ["POST"], pattern: /^\/api\/render\/proxy\/lambda$/ },
  { route: "renderStatus", methods: ["GET"], pattern: /^\/api\/render\/proxy\/lambda\/([^/]+)$/ },
  { route: "renderDownload", methods: ["GET", "HEAD"], pattern: /^\/api\/render\/proxy\/([^/]+)\/download$/ },
  { route: "fileDownload", methods: ["GET", "HEAD"], pattern: /^\/files\/([^/]+)\.mp4$/ },
];

type RouteMatch =
  | { kind: "route"; route: RouteKey; param: string }
  | { kind: "method"; allow: string[] }
  | undefined;

function matchRoute(method: string, pathname: string): RouteMatch {
  let allow: string[] | undefined;
  for (const def of ROUTES) {
    const m = def.pattern.exec(pathname);
    if (!m) continue;
    if (!def.methods.includes(method)) {
      allow = def.methods;
      continue;
    }
    let param = m[1] ?? "";
    try {
      param = decodeURIComponent(param);
    } catch {
      /* keep raw */
    }
    return { kind: "route", route: def.route, param };
  }
  return allow ? { kind: "method", allow } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

const noop = () => {};
/** After answering early, keep discarding an unread request body this long, then hang up. */
const LINGER_MS = 5000;
const JSON_LIMIT = 32 * 1024 * 1024;

const VIDEO_EXT = new Set(["mp4", "mov", "avi", "webm", "mkv"]);
const IMAGE_EXT = new Set(["jpg", "jpeg", "png", "gif", "webp"]);
const AUDIO_EXT = new Set(["mp3", "wav", "m4a", "aac"]);

function fileTypeOf(filename: string): "video" | "image" | "audio" | undefined {
  const dot = filename.lastIndexOf(".");
  if (dot < 0) return undefined;
  const ext = filename.slice(dot + 1).toLowerCase();
  if (VIDEO_EXT.has(ext)) return "video";
  if (IMAGE_EXT.has(ext)) return "image";
  if (AUDIO_EXT.has(ext)) return "audio";
  return undefined;
}

function flattenHeaders(headers: IncomingMessage["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[key.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  const trimmed = text?.trim();
  return trimmed ? trimmed : undefined;
}

function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  contentType: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const buf = typeof body === "string" ? Buffer.from(body) : body;
  res.writeHead(status, { "content-type": contentType, ...headers, "content-length": String(buf.length) });
  res.end(buf);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  send(res, status, JSON.stringify(body), "application/json", headers);
}

const ok = (data: unknown) => ({ code: 0, message: "success", data });
const codeError = (code: number, message: string) => ({ code, message, data: null });

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

type BodyResult = { kind: "ok"; bytes: Buffer } | { kind: "tooLarge" } | { kind: "aborted" };

/** Reads a (small) request body; past `limit` it stops collecting and reports tooLarge. */
function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: BodyResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    req.on("data", (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) settle({ kind: "tooLarge" });
      else chunks.push(chunk);
    });
    req.once("end", () => settle({ kind: "ok", bytes: Buffer.concat(chunks) }));
    req.once("close", () => settle(req.complete ? { kind: "ok", bytes: Buffer.concat(chunks) } : { kind: "aborted" }));
    req.once("error", () => settle({ kind: "aborted" }));
  });
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function missing(loc: string[], input: unknown) {
  return { type: "missing", loc: ["body", ...loc], msg: "Field required", input: input ?? null };
}

function draftEnd(draft: any): number {
  let end = 0;
  for (const track of Array.isArray(draft?.t) ? draft.t : []) {
    for (const sg of Array.isArray(track?.sg) ? track.sg : []) {
      const st = Number(sg?.st ?? 0);
      const d = Number(sg?.d ?? 0);
      if (Number.isFinite(st + d)) end = Math.max(end, st + d);
    }
  }
  return end;
}

const S3_NOT_FOUND =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>';

// ---------------------------------------------------------------------------------------------
// The server

type Authed = { token: string; entry: FakeToken };

interface AcceptedFile {
  filename: string;
  fileType: "video" | "image" | "audio";
  bytes: number;
  sha256: string;
  url?: string;
}

class FakeNemoServer implements FakeNemo {
  url = "";
  options: FakeOptions;
  readonly requests: RecordedRequest[] = [];
  readonly tokens = new Map<string, FakeToken>();
  readonly sessions = new Map<string, FakeSession>();
  readonly uploads: FakeUpload[] = [];
  readonly renders = new Map<string, FakeRender>();

  private readonly failures = new Map<RouteKey, Failure[]>();
  /** Bumped by reset(): work begun before it must not touch the fresh state. */
  private generation = 0;
  /** Downloads cut so far, for `render.truncateDownload: <number>`. */
  private downloadsCut = 0;
  private readonly sseQueue: SseScript[] = [];
  private readonly issuedByIp = new Map<string, number[]>();
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private closing: Promise<void> | undefined;
  private sseCount = 0;

  constructor(private readonly startInput: FakeOptionsInput | undefined) {
    this.options = mergeOptions(startInput);
    this.server = http.createServer({ requestTimeout: 0, headersTimeout: 60_000 }, (req, res) =>
      this.onRequest(req, res),
    );
    this.server.keepAliveTimeout = 5000;
    this.server.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      socket.on("error", noop);
      socket.once("close", () => this.sockets.delete(socket));
    });
    this.server.on("clientError", (_err, socket) => socket.destroy());
  }

  listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, "127.0.0.1", () => {
        this.server.off("error", reject);
        const address = this.server.address() as AddressInfo;
        this.url = `http://127.0.0.1:${address.port}`;
        resolve();
      });
    });
  }

  // --- control surface ---------------------------------------------------------------------

  failNext(route: RouteKey, failure: Failure, times = 1): void {
    const queue = this.failures.get(route) ?? [];
    for (let i = 0; i < times; i++) queue.push(failure);
    this.failures.set(route, queue);
  }

  enqueueSse(script: SseScript): void {
    this.sseQueue.push(script);
  }

  expireToken(token: string): void {
    const entry = this.tokens.get(token);
    if (entry) entry.expiresAt = Date.now() - 1;
  }

  loseSession(sessionId: string): void {
    const session = this.sessions.get(sessionId);
    if (session) session.lost = true;
  }

  issueToken(init: Partial<FakeToken> & { token?: string } = {}): string {
    const token = init.token ?? `nmv_usr_${randomBytes(16).toString("hex")}`;
    this.tokens.set(token, {
      userId: init.userId ?? `anon_${randomBytes(8).toString("hex")}`,
      clientId: init.clientId ?? "",
      expiresAt: init.expiresAt ?? Date.now() + this.options.tokenTtlMs,
      credits: init.credits ?? this.options.startingCredits,
      revoked: init.revoked ?? false,
    });
    return token;
  }

  reset(): void {
    this.generation++;
    this.requests.length = 0;
    this.tokens.clear();
    this.sessions.clear();
    this.uploads.length = 0;
    this.renders.clear();
    this.downloadsCut = 0;
    this.failures.clear();
    this.sseQueue.length = 0;
    this.issuedByIp.clear();
    const fresh = mergeOptions(this.startInput);
    const target = this.options as unknown as Record<string, unknown>;
    for (const key of Object.keys(target)) delete target[key];
    Object.assign(target, fresh);
  }

  close(): Promise<void> {
    if (!this.closing) {
      this.closing = new Promise<void>((resolve) => {
        this.server.close(() => resolve());
        for (const socket of this.sockets) socket.destroy();
        this.server.closeAllConnections();
      });
    }
    return this.closing;
  }

  // --- request plumbing --------------------------------------------------------------------

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    req.on("error", noop);
    res.on("error", noop);
    // Answered before the body was read (an error, an early 4002): discard the rest for a
    // while, like nginx's lingering close, so the client can read the answer; then hang up.
    res.once("finish", () => {
      if (req.complete || req.destroyed) return;
      req.resume();
      const timer = setTimeout(() => req.socket?.destroy(), LINGER_MS);
      timer.unref();
      const clear = () => clearTimeout(timer);
      req.once("end", clear);
      req.once("close", clear);
    });
    this.handle(req, res).catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      console.error(`[fake-nemo] internal error on ${req.method} ${req.url}: ${message}`);
      if (!res.headersSent && !res.destroyed) sendJson(res, 500, { detail: `fake-nemo internal error: ${message}` });
      else res.destroy();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawPath = req.url ?? "/";
    const method = (req.method ?? "GET").toUpperCase();
    let pathname: string;
    try {
      pathname = new URL(rawPath, "http://127.0.0.1").pathname;
    } catch {
      pathname = rawPath;
    }
    const match = matchRoute(method, pathname);
    const record: RecordedRequest = { method, path: rawPath, headers: flattenHeaders(req.headers), at: Date.now() };
    if (match?.kind === "route") record.route = match.route;
    this.requests.push(record);

    if (this.options.latencyMs > 0) {
      const generation = this.generation;
      await sleep(this.options.latencyMs);
      // A request that was waiting out its latency when the test reset the fake belongs to the
      // old service: it must not mint tokens or sessions into the fresh one.
      if (generation !== this.generation) return void res.destroy();
    }

    if (!match) return sendJson(res, 404, { detail: "Not Found" });
    if (match.kind === "method") return sendJson(res, 405, { detail: "Method Not Allowed" }, { allow: match.allow.join(", ") });

    const failure = this.failures.get(match.route)?.shift();
    if (failure) return this.answerFailure(req, res, failure, record);

    switch (match.route) {
      case "anonymousToken":
        return this.anonymousToken(req, res);
      case "createSession":
        return this.createSession(req, res, record);
      case "claimToken":
        return this.claimToken(req, res, record);
      case "runSse":
        return this.runSse(req, res, record);
      case "upload":
        return this.upload(req, res, record, match.param);
      case "credits":
        return this.credits(req, res);
      case "state":
        return this.state(req, res, match.param);
      case "renderStart":
        return this.renderStart(req, res, record);
      case "renderStatus":
        return this.renderStatus(req, res, match.param);
      case "renderDownload":
        return this.download(req, res, match.param, true);
      case "fileDownload":
        return this.download(req, res, match.param, false);
    }
  }

  private async answerFailure(req: IncomingMessage, res: ServerResponse, failure: Failure, record: RecordedRequest): Promise<void> {
    if (failure.delayMs) await sleep(failure.delayMs);
    if (failure.resetConnection) {
      req.socket.destroy();
      return;
    }
    if (failure.resetAfterBytes !== undefined) return resetAfter(req, failure.resetAfterBytes);
    const headers = { ...(failure.headers ?? {}) };
    if (failure.hugeJson) return streamHugeJson(res, failure.httpStatus ?? 200, failure.hugeJson, headers, record);
    if (failure.rawBody !== undefined) {
      const looksHtml = /^\s*</.test(failure.rawBody);
      const contentType = failure.contentType ?? (looksHtml ? "text/html; charset=utf-8" : "application/json");
      if (failure.trickle) return trickle(res, failure.httpStatus ?? 200, failure.rawBody, contentType, headers, failure.trickle, record);
      return send(res, failure.httpStatus ?? 200, failure.rawBody, contentType, headers);
    }
    const contentType = failure.contentType ?? "application/json";
    if (failure.code !== undefined) {
      const body = JSON.stringify({ code: failure.code, message: failure.message ?? "error", data: null });
      return send(res, failure.httpStatus ?? 200, body, contentType, headers);
    }
    const status = failure.httpStatus ?? 500;
    const body = JSON.stringify({ code: status, message: failure.message ?? http.STATUS_CODES[status] ?? "error" });
    return send(res, status, body, contentType, headers);
  }

  /** Checks the Bearer token; answers the configured auth failure and returns undefined when bad. */
  private authenticate(req: IncomingMessage, res: ServerResponse): Authed | undefined {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header(req, "authorization") ?? "");
    const token = m?.[1];
    const entry = token ? this.tokens.get(token) : undefined;
    if (token && entry && !entry.revoked && entry.expiresAt > Date.now()) return { token, entry };
    switch (this.options.authFailure) {
      case "http401":
        sendJson(res, 401, { code: 401, message: "Unauthorized" });
        break;
      case "code1010":
        sendJson(res, 200, codeError(1010, "Invalid token"));
        break;
      case "code1011":
        sendJson(res, 200, codeError(1011, "Token expired"));
        break;
      default:
        sendJson(res, 200, codeError(1001, "Token expired or invalid"));
    }
    return undefined;
  }

  /**
   * Reads a JSON body. An empty body gives `{ value: undefined }`. Answers 422 (FastAPI style)
   * or, with `style: "proxy"`, 400 `{code,message}` for invalid JSON; returns null then.
   */
  private async readJson(
    req: IncomingMessage,
    res: ServerResponse,
    record: RecordedRequest,
    style: "fastapi" | "proxy" = "fastapi",
  ): Promise<{ value: unknown } | null> {
    const body = await readBody(req, JSON_LIMIT);
    if (body.kind === "aborted") return null;
    if (body.kind === "tooLarge") {
      sendJson(res, 413, { code: 413, message: "Request body too large" });
      return null;
    }
    const text = body.bytes.toString("utf8");
    if (text.trim() === "") return { value: undefined };
    try {
      const value: unknown = JSON.parse(text);
      record.body = value;
      return { value };
    } catch (err) {
      if (style === "proxy") {
        sendJson(res, 400, { code: 400, message: "Invalid JSON body" });
      } else {
        sendJson(res, 422, {
          detail: [
            {
              type: "json_invalid",
              loc: ["body", 0],
              msg: "JSON decode error",
              input: {},
              ctx: { error: err instanceof Error ? err.message : "invalid JSON" },
            },
          ],
        });
      }
      return null;
    }
  }

  /** The caller's live session, or undefined (unknown, lost, or someone else's). */
  private sessionFor(sessionId: unknown, auth: Authed): FakeSession | undefined {
    if (typeof sessionId !== "string") return undefined;
    const session = this.sessions.get(sessionId);
    if (!session || session.lost || session.userId !== auth.entry.userId) return undefined;
    return session;
  }

  // --- routes ------------------------------------------------------------------------------

  private anonymousToken(req: IncomingMessage, res: ServerResponse): void {
    const clientId = header(req, "x-client-id");
    if (!clientId) return sendJson(res, 400, { code: 400, message: "X-Client-Id header is required" });
    const now = Date.now();
    if (this.options.oneTokenPerClient) {
      for (const entry of this.tokens.values()) {
        if (entry.clientId === clientId && !entry.revoked && entry.expiresAt > now) {
          return sendJson(res, 429, { code: 429, message: "rate limited" });
        }
      }
    }
    const ip = req.socket.remoteAddress ?? "";
    const recent = (this.issuedByIp.get(ip) ?? []).filter((at) => at > now - this.options.tokenTtlMs);
    if (this.options.maxTokensPerIp > 0 && recent.length >= this.options.maxTokensPerIp) {
      return sendJson(res, 429, { code: 429, message: "rate limited" });
    }
    recent.push(now);
    this.issuedByIp.set(ip, recent);
    const hostile = this.options.hostileTokens.shift();
    const token = this.issueToken({ clientId, ...(hostile !== undefined ? { token: hostile } : {}) });
    const entry = this.tokens.get(token)!;
    sendJson(
      res,
      200,
      ok({ token, user_id: entry.userId, credits: entry.credits, expires_at: new Date(entry.expiresAt).toISOString() }),
    );
  }

  private async createSession(req: IncomingMessage, res: ServerResponse, record: RecordedRequest): Promise<void> {
    const auth = this.authenticate(req, res);
    if (!auth) return;
    const parsed = await this.readJson(req, res, record);
    if (!parsed) return;
    const body = parsed.value ?? {};
    if (!isObject(body)) return sendJson(res, 422, { detail: [{ type: "dict_type", loc: ["body"], msg: "Input should be a valid dictionary" }] });
    const taskName = typeof body.task_name === "string" && body.task_name ? body.task_name : "project";
    const language = typeof body.language === "string" && body.language ? body.language : "en";
    const session: FakeSession = {
      sessionId: randomUUID(),
      taskId: randomUUID(),
      userId: auth.entry.userId,
      language,
      taskName,
      draft: { t: [], d: 0, m: { title: taskName } },
      videoInfos: [],
      lost: false,
    };
    this.sessions.set(session.sessionId, session);
    sendJson(res, 200, ok({ task_id: session.taskId, session_id: session.sessionId, user_id: session.userId }));
  }

  private async claimToken(req: IncomingMessage, res: ServerResponse, record: RecordedRequest): Promise<void> {
    const auth = this.authenticate(req, res);
    if (!auth) return;
    const parsed = await this.readJson(req, res, record);
    if (!parsed) return;
    const body = parsed.value;
    if (!isObject(body) || typeof body.task_id !== "string" || typeof body.session_id !== "string") {
      return sendJson(res, 400, { code: 400, message: "task_id and session_id are required" });
    }
    const session = this.sessionFor(body.session_id, auth);
    if (!session || session.taskId !== body.task_id) return sendJson(res, 200, codeError(1002, "Session not found"));
    sendJson(res, 200, ok({ claim_token: `clm_${randomBytes(16).toString("hex")}`, expires_in: 3600 }));
  }

  private async runSse(req: IncomingMessage, res: ServerResponse, record: RecordedRequest): Promise<void> {
    const auth = this.authenticate(req, res);
    if (!auth) return;
    const parsed = await this.readJson(req, res, record);
    if (!parsed) return;
    const body = parsed.value;
    if (!isObject(body)) {
      return sendJson(res, 422, { detail: [{ type: "model_attributes_type", loc: ["body"], msg: "Input should be a valid dictionary or object to extract fields from", input: body ?? null }] });
    }
    const problems: object[] = [];
    for (const key of ["app_name", "user_id", "session_id"]) {
      if (typeof body[key] !== "string") problems.push(missing([key], body));
    }
    const message = body.new_message;
    if (!isObject(message)) problems.push(missing(["new_message"], body));
    else if (message.parts !== undefined && !Array.isArray(message.parts)) {
      problems.push({ type: "list_type", loc: ["body", "new_message", "parts"], msg: "Input should be a valid list", input: message.parts });
    }
    if (problems.length > 0) return sendJson(res, 422, { detail: problems });

    const sessionId = String(body.session_id);
    const session = body.app_name === "nemo_agent" ? this.sessionFor(sessionId, auth) : undefined;
    if (!session) return sendJson(res, 404, { detail: `Session not found: ${sessionId}` });
    if (auth.entry.credits < this.options.editCost) return sendJson(res, 200, codeError(2001, "Insufficient credits"));
    auth.entry.credits -= this.options.editCost;

    const parts: unknown[] = isObject(message) && Array.isArray(message.parts) ? message.parts : [];
    const text = parts
      .map((part) => (isObject(part) && typeof part.text === "string" ? part.text : ""))
      .filter(Boolean)
      .join("\n");
    const script = this.sseQueue.shift() ?? defaultSseScript(text);
    await this.playScript(res, session, script);
  }

  private async playScript(res: ServerResponse, session: FakeSession, script: SseScript): Promise<void> {
    res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      "x-accel-buffering": "no",
    });
    res.flushHeaders();
    const writer = new SseWriter(res, makeRng(++this.sseCount * 7919));
    const out = (text: string) => writer.write(Buffer.from(text, "utf8"), this.options.sseChunking);
    for (const step of script.steps) {
      if (writer.closed) return;
      const eol = this.options.sseLineEnding;
      if ("event" in step) await out(`data: ${JSON.stringify(step.event)}${eol}${eol}`);
      else if ("raw" in step) await out(step.raw);
      else if ("comment" in step) await out(`: ${step.comment}${eol}${eol}`);
      else if ("emptyData" in step) await out(`data:${eol}${eol}`);
      else if ("delayMs" in step) await this.sseDelay(writer, step.delayMs, out);
      else if ("fillerBytes" in step) {
        const piece = Buffer.alloc(64 * 1024, "x");
        for (let left = step.fillerBytes; left > 0 && !writer.closed; left -= piece.length) {
          await writer.write(left >= piece.length ? piece : piece.subarray(0, left), "whole");
        }
      }
      else if ("drop" in step) {
        res.socket?.destroy();
        res.destroy();
        return;
      } else if ("mutateDraft" in step) step.mutateDraft(session.draft, session);
    }
    if (!writer.closed) res.end();
  }

  /** Waits `ms`; with `sseIdleHeartbeatMs` set, writes a `: ping` comment every interval. */
  private async sseDelay(writer: SseWriter, ms: number, out: (text: string) => Promise<boolean>): Promise<void> {
    let remaining = ms;
    while (remaining > 0 && !writer.closed) {
      const every = this.options.sseIdleHeartbeatMs;
      const wait = every > 0 ? Math.min(every, remaining) : remaining;
      await writer.sleep(wait);
      remaining -= wait;
      if (every > 0 && wait === every && !writer.closed) {
        const eol = this.options.sseLineEnding;
        await out(`: ping${eol}${eol}`);
      }
    }
  }

  private async upload(req: IncomingMessage, res: ServerResponse, record: RecordedRequest, sessionId: string): Promise<void> {
    const auth = this.authenticate(req, res);
    if (!auth) return;
    const session = this.sessionFor(sessionId, auth);
    if (!session) return sendJson(res, 200, codeError(1002, "Session not found"));

    const contentType = header(req, "content-type") ?? "";
    if (/^application\/(.+\+)?json\b/i.test(contentType)) return this.uploadUrls(req, res, record, session);
    const boundary = boundaryFromContentType(contentType);
    if (!boundary) return sendJson(res, 422, { detail: [missing(["files"], null)] });

    const outcome = await this.scanMultipart(req, boundary);
    switch (outcome.kind) {
      case "aborted":
        return;
      case "tooLarge":
        return sendJson(res, 200, codeError(4002, "File too large"));
      case "malformed":
        return sendJson(res, 400, { detail: `There was an error parsing the body: ${outcome.message}` });
      case "unsupported":
        return sendJson(res, 200, codeError(4001, "Unsupported file type"));
      case "ok":
        if (outcome.files.length === 0) return sendJson(res, 422, { detail: [missing(["files"], null)] });
        // The session may have gone while the body was arriving: nothing is applied then.
        if (!this.sessionFor(sessionId, auth)) return sendJson(res, 200, codeError(1002, "Session not found"));
        return sendJson(res, 200, ok(this.applyUploads(session, outcome.files)));
    }
  }

  /**
   * Streams a multipart body through the scanner, hashing and counting each `files` part as it
   * passes. Over `maxUploadBytes` it stops at once (the caller answers 4002 while the rest of the
   * body is discarded by the lingering close).
   */
  private scanMultipart(
    req: IncomingMessage,
    boundary: string,
  ): Promise<
    | { kind: "ok"; files: AcceptedFile[] }
    | { kind: "tooLarge" }
    | { kind: "unsupported" }
    | { kind: "malformed"; message: string }
    | { kind: "aborted" }
  > {
    const max = this.options.maxUploadBytes;
    return new Promise((resolve) => {
      const files: AcceptedFile[] = [];
      let current: { filename: string; fileType: AcceptedFile["fileType"]; bytes: number; hash: ReturnType<typeof createHash> } | null = null;
      let unsupported = false;
      let settled = false;
      class TooLarge extends Error {}
      const settle = (value: Parameters<typeof resolve>[0]) => {
        if (settled) return;
        settled = true;
        resolve(value);
      };
      const scanner = new MultipartScanner(boundary, {
        onPartBegin: (part) => {
          current = null;
          if (part.name !== "files" || !part.filename) return; // other fields are ignored
          const fileType = fileTypeOf(part.filename);
          if (!fileType) {
            unsupported = true; // keep reading (discarding) and answer 4001 at the end
            return;
          }
          current = { filename: part.filename, fileType, bytes: 0, hash: createHash("sha256") };
        },
        onPartData: (chunk) => {
          if (!current) return;
          current.bytes += chunk.length;
          if (current.bytes > max) throw new TooLarge();
          current.hash.update(chunk);
        },
        onPartEnd: () => {
          if (!current) return;
          files.push({
            filename: current.filename,
            fileType: current.fileType,
            bytes: current.bytes,
            sha256: current.hash.digest("hex"),
          });
          current = null;
        },
      });
      req.on("data", (chunk: Buffer) => {
        if (settled) return;
        try {
          scanner.write(chunk);
        } catch (err) {
          if (err instanceof TooLarge) settle({ kind: "tooLarge" });
          else settle({ kind: "malformed", message: err instanceof Error ? err.message : String(err) });
        }
      });
      req.once("end", () => {
        if (settled) return;
        try {
          scanner.end();
        } catch (err) {
          return settle({ kind: "malformed", message: err instanceof Error ? err.message : String(err) });
        }
        settle(unsupported ? { kind: "unsupported" } : { kind: "ok", files });
      });
      req.once("close", () => {
        if (!req.complete) settle({ kind: "aborted" });
      });
      req.once("error", () => settle({ kind: "aborted" }));
    });
  }

  private async uploadUrls(req: IncomingMessage, res: ServerResponse, record: RecordedRequest, session: FakeSession): Promise<void> {
    const parsed = await this.readJson(req, res, record);
    if (!parsed) return;
    const body = parsed.value;
    if (!isObject(body) || !Array.isArray(body.urls) || body.urls.length === 0 || !body.urls.every((u) => typeof u === "string")) {
      return sendJson(res, 422, { detail: [missing(["urls"], body)] });
    }
    const files: AcceptedFile[] = [];
    for (const raw of body.urls as string[]) {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        return sendJson(res, 400, { code: 400, message: `Invalid URL: ${raw}` });
      }
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        return sendJson(res, 400, { code: 400, message: "Only http and https URLs are accepted" });
      }
      let filename = url.pathname.split("/").filter(Boolean).pop() ?? "";
      try {
        filename = decodeURIComponent(filename);
      } catch {
        /* keep raw */
      }
      const fileType = fileTypeOf(filename);
      if (!fileType) return sendJson(res, 200, codeError(4001, "Unsupported file type"));
      files.push({ filename, fileType, bytes: 0, sha256: createHash("sha256").update(raw).digest("hex"), url: raw });
    }
    sendJson(res, 200, ok(this.applyUploads(session, files)));
  }

  private applyUploads(session: FakeSession, files: AcceptedFile[]) {
    const out = files.map((file) => {
      const cdnUrl = `${this.url}/cdn/${session.sessionId}/${file.sha256.slice(0, 16)}/${encodeURIComponent(file.filename)}`;
      const info = {
        filename: file.filename,
        file_type: file.fileType,
        cdn_url: cdnUrl,
        duration: file.fileType === "video" ? 10 : file.fileType === "audio" ? 30 : null,
        width: file.fileType === "audio" ? null : 1920,
        height: file.fileType === "audio" ? null : 1080,
        fps: file.fileType === "video" ? 30 : null,
        hash: file.sha256,
      };
      this.uploads.push({
        sessionId: session.sessionId,
        filename: file.filename,
        bytes: file.bytes,
        sha256: file.sha256,
        fileType: file.fileType,
        ...(file.url ? { url: file.url } : {}),
      });
      session.videoInfos.push({ id: `media-${randomBytes(4).toString("hex")}`, ...info });
      if (file.fileType === "video") this.appendVideoSegment(session, file.filename, cdnUrl);
      return info;
    });
    return { files: out, session_state_applied: true };
  }

  private appendVideoSegment(session: FakeSession, filename: string, src: string): void {
    const draft = session.draft;
    if (!isObject(draft)) return;
    if (!Array.isArray(draft.t)) draft.t = [];
    let track = draft.t.find((t: any) => isObject(t) && Number(t.tt) === 0);
    if (!track) {
      track = { tt: 0, sg: [] };
      draft.t.unshift(track);
    }
    if (!Array.isArray(track.sg)) track.sg = [];
    const last = track.sg[track.sg.length - 1];
    const st = last ? Number(last.st ?? 0) + Number(last.d ?? 0) : 0;
    track.sg.push({ id: `video-${randomBytes(4).toString("hex")}`, st, d: 10000, n: filename, src });
    draft.d = Math.max(Number(draft.d) || 0, draftEnd(draft));
  }

  private credits(req: IncomingMessage, res: ServerResponse): void {
    const auth = this.authenticate(req, res);
    if (!auth) return;
    const credits = auth.entry.credits;
    sendJson(res, 200, ok({ available: credits, frozen: 0, total: credits }));
  }

  private state(req: IncomingMessage, res: ServerResponse, sessionId: string): void {
    const auth = this.authenticate(req, res);
    if (!auth) return;
    const session = this.sessionFor(sessionId, auth);
    if (!session) return sendJson(res, 200, codeError(1002, "Session not found"));
    sendJson(
      res,
      200,
      ok({
        session_id: session.sessionId,
        task_id: session.taskId,
        task_name: session.taskName,
        state: {
          draft: session.draft,
          video_infos: session.videoInfos,
          generated_media: [],
          canvas_config: { width: 1920, height: 1080 },
          video_analyses: [],
        },
      }),
    );
  }

  /** Render answers follow `options.render.envelope` / `wrapped`. */
  private renderOk(data: Record<string, unknown>): Record<string, unknown> {
    const { envelope, wrapped } = this.options.render;
    if (envelope === "success") return wrapped ? { success: true, data } : { success: true, ...data };
    return wrapped ? { code: 0, message: "success", data } : { code: 0, message: "success", ...data };
  }

  private renderError(res: ServerResponse, status: number, message: string): void {
    const body: Record<string, unknown> = { code: status, message };
    if (this.options.render.envelope === "success") Object.assign(body, { success: false, error: message });
    sendJson(res, status, body);
  }

  private async renderStart(req: IncomingMessage, res: ServerResponse, record: RecordedRequest): Promise<void> {
    const auth = this.authenticate(req, res);
    if (!auth) return;
    if (
      this.options.requireAttribution &&
      !(header(req, "x-skill-source") && header(req, "x-skill-version") && header(req, "x-skill-platform"))
    ) {
      return this.renderError(res, 402, "Missing attribution headers: X-Skill-Source, X-Skill-Version, X-Skill-Platform");
    }
    if (this.options.planBlocksExport) return this.renderError(res, 402, "Export requires a paid plan");
    const parsed = await this.readJson(req, res, record, "proxy");
    if (!parsed) return;
    const body = parsed.value;
    if (!isObject(body)) return this.renderError(res, 400, "Body must be a JSON object");
    let draft: unknown = body.draft;
    if (typeof draft === "string") {
      try {
        draft = JSON.parse(draft);
      } catch {
        draft = undefined;
      }
    }
    if (typeof body.id !== "string" || body.id === "") return this.renderError(res, 400, "id is required");
    if (typeof body.sessionId !== "string" || body.sessionId === "") return this.renderError(res, 400, "sessionId is required");
    if (!isObject(draft)) return this.renderError(res, 400, "draft is required");
    if (this.renders.has(body.id)) return this.renderError(res, 409, `Render ${body.id} already exists`);
    if (!this.sessionFor(body.sessionId, auth)) return sendJson(res, 200, codeError(1002, "Session not found"));
    const render: FakeRender = {
      id: body.id,
      sessionId: body.sessionId,
      draft,
      polls: 0,
      status: "pending",
      progress: 0,
      output: body.output,
    };
    this.renders.set(render.id, render);
    sendJson(res, 200, this.renderOk({ id: render.id, status: render.status, progress: render.progress }));
  }

  private renderStatus(req: IncomingMessage, res: ServerResponse, id: string): void {
    const auth = this.authenticate(req, res);
    if (!auth) return;
    const render = this.renders.get(id);
    if (!render) return this.renderError(res, 404, `Render ${id} not found`);
    this.advance(render);
    const data: Record<string, unknown> = { id: render.id, status: render.status, progress: render.progress };
    if (render.status === "completed") {
      const url = `${this.url}/files/${encodeURIComponent(render.id)}.mp4`;
      if (this.options.render.urlShape === "output.url") data.output = { url, format: "mp4" };
      else data.outputUrl = url;
    }
    if (render.status === "failed") data.error = render.error;
    sendJson(res, 200, this.renderOk(data));
  }

  /** One poll's worth of progress: pending → processing (rising) → completed / failed. */
  private advance(render: FakeRender): void {
    render.polls++;
    if (render.status === "completed" || render.status === "failed") return;
    const opts = this.options.render;
    const n = render.polls;
    if (opts.stuck) {
      render.status = "processing";
      render.progress = Math.min(95, Math.max(render.progress + 1, 5 * n));
      return;
    }
    const total = Math.max(1, opts.pollsToComplete);
    if (n >= total) {
      if (opts.fail !== undefined) {
        render.status = "failed";
        render.error = opts.fail;
      } else {
        render.status = "completed";
        render.progress = 100;
        render.fileBytes = opts.fileBytes;
      }
      return;
    }
    if (n === 1 && total > 2) {
      render.status = "pending";
      render.progress = 0;
      return;
    }
    render.status = "processing";
    render.progress = Math.min(99, Math.max(render.progress + 1, Math.floor((n * 100) / total)));
  }

  private async download(req: IncomingMessage, res: ServerResponse, id: string, viaProxy: boolean): Promise<void> {
    if (viaProxy && !this.authenticate(req, res)) return;
    const render = this.renders.get(id);
    const ready = render?.status === "completed";
    if (!render || !ready || (!viaProxy && this.options.render.outputUrlBroken)) {
      if (viaProxy) return this.renderError(res, 404, `Render ${id} not found or not completed`);
      return send(res, 404, S3_NOT_FOUND, "application/xml");
    }
    const size = render.fileBytes ?? this.options.render.fileBytes;
    const compressed = this.options.render.contentEncoding === "gzip" && (this.options.render.forceContentEncoding || acceptsGzip(header(req, "accept-encoding")));
    if (compressed) {
      const body = gzipSync(this.fileBytesAt(id, 0, size));
      res.writeHead(200, { "content-type": "video/mp4", "content-encoding": "gzip", "content-length": String(body.length), etag: `"${id}-${size}-gz"`, vary: "Accept-Encoding" });
      res.end(req.method === "HEAD" ? undefined : body);
      return;
    }
    let start = 0;
    let end = size; // exclusive
    let status = 200;
    const etag = `"${id}-${size}"`;
    const headers: Record<string, string> = { "content-type": "video/mp4", etag };
    if (!this.options.render.ignoreRange) headers["accept-ranges"] = "bytes";
    if (viaProxy) headers["content-disposition"] = `attachment; filename="${id.replace(/["\\\r\n]/g, "_")}.mp4"`;
    // If-Range (RFC 9110 13.1.5): the range only if the file is still the one the client started on.
    const ifRange = header(req, "if-range");
    const range = this.options.render.ignoreRange || (ifRange !== undefined && ifRange !== etag) ? undefined : header(req, "range");
    if (range) {
      const m = /^bytes=(\d*)-(\d*)$/.exec(range);
      let ok = false;
      if (m && (m[1] || m[2])) {
        if (m[1]) {
          start = Number(m[1]);
          end = m[2] ? Math.min(size, Number(m[2]) + 1) : size;
        } else {
          start = Math.max(0, size - Number(m[2]));
          end = size;
        }
        ok = start < end && start < size;
      }
      if (!ok) return send(res, 416, "", "text/plain", { "content-range": `bytes */${size}` });
      status = 206;
      headers["content-range"] = `bytes ${start}-${end - 1}/${size}`;
    }
    headers["content-length"] = String(end - start);
    if (res.destroyed) return;
    res.writeHead(status, headers);
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    const stopAt = this.cutsThisDownload() ? start + Math.floor((end - start) / 2) : end;
    let pos = start;
    while (pos < stopAt) {
      // Read on every chunk: a test may slow a download down (or let it go) while it runs.
      // trickleBytesPerSecond is the same as a tenth of that rate every 100 ms.
      const rate = this.options.render.trickleBytesPerSecond;
      const slow = this.options.render.trickleDownload ?? (rate ? { chunkBytes: Math.max(1, Math.floor(rate / 10)), intervalMs: 100 } : undefined);
      if (slow && pos > start) await sleep(slow.intervalMs);
      if (res.destroyed) return;
      const next = Math.min(stopAt, pos + (slow ? slow.chunkBytes : 64 * 1024));
      const chunk = this.fileBytesAt(id, pos, next);
      pos = next;
      if (pos === stopAt && stopAt < end) {
        await writeFlushed(res, chunk); // so the half that was promised really reaches the client
        break;
      }
      if (!res.write(chunk)) await waitDrain(res);
    }
    if (stopAt < end) {
      // Hang up mid-body: the client sees fewer bytes than Content-Length announced.
      res.socket?.destroy();
      res.destroy();
      return;
    }
    res.end();
  }

  /** The served bytes: the render's, or (`notMp4`) the same with the `ftyp` box zeroed. */
  private fileBytesAt(id: string, start: number, end: number): Buffer {
    const chunk = renderBytesAt(id, start, end);
    if (this.options.render.notMp4) for (let i = start; i < Math.min(end, 32); i++) chunk[i - start] = 0;
    return chunk;
  }

  private cutsThisDownload(): boolean {
    const cut = this.options.render.truncateDownload;
    if (cut === true) return true;
    if (typeof cut !== "number" || this.downloadsCut >= cut) return false;
    this.downloadsCut++;
    return true;
  }
}

/** Whether an Accept-Encoding value allows gzip (no header allows any coding). */
function acceptsGzip(value: string | undefined): boolean {
  if (value === undefined) return true;
  return value.split(",").some((item) => {
    const [name, ...params] = item.trim().toLowerCase().split(";");
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    return (name === "gzip" || name === "*") && (q === undefined || Number(q) > 0);
  });
}

/** Takes `bytes` of the request body, then destroys the socket without an answer. */
function resetAfter(req: IncomingMessage, bytes: number): void {
  let seen = 0;
  req.on("data", (chunk: Buffer) => {
    seen += chunk.length;
    if (seen >= bytes) req.socket.destroy();
  });
  req.once("end", () => req.socket.destroy());
}

/** Writes `body` a few bytes at a time: the answer arrives, but slowly. */
async function trickle(
  res: ServerResponse,
  status: number,
  body: string,
  contentType: string,
  headers: Record<string, string>,
  pace: { chunkBytes: number; intervalMs: number },
  record: RecordedRequest,
): Promise<void> {
  const bytes = Buffer.from(body);
  res.writeHead(status, { "content-type": contentType, ...headers, "content-length": String(bytes.length) });
  record.sentBytes = 0;
  for (let pos = 0; pos < bytes.length; pos += pace.chunkBytes) {
    if (res.destroyed) return;
    if (pos > 0) await sleep(pace.intervalMs);
    const chunk = bytes.subarray(pos, pos + pace.chunkBytes);
    await writeFlushed(res, chunk);
    record.sentBytes += chunk.length;
  }
  res.end();
}

/** A valid JSON envelope of `size` bytes, produced in 64 KiB pieces as the client reads it. */
async function streamHugeJson(
  res: ServerResponse,
  status: number,
  huge: { bytes: number; contentLength: boolean },
  headers: Record<string, string>,
  record: RecordedRequest,
): Promise<void> {
  const head = Buffer.from('{"code":0,"message":"success","data":{"pad":"');
  const tail = Buffer.from('"}}');
  const padTotal = Math.max(0, huge.bytes - head.length - tail.length);
  const out: Record<string, string> = { "content-type": "application/json", ...headers };
  if (huge.contentLength) out["content-length"] = String(head.length + padTotal + tail.length);
  res.writeHead(status, out);
  record.sentBytes = 0;
  const piece = Buffer.alloc(64 * 1024, "x");
  const write = async (chunk: Buffer) => {
    if (res.destroyed) return;
    if (!res.write(chunk)) await waitDrain(res);
    if (!res.destroyed) record.sentBytes! += chunk.length;
  };
  await write(head);
  for (let left = padTotal; left > 0 && !res.destroyed; left -= piece.length) {
    await write(left >= piece.length ? piece : piece.subarray(0, left));
  }
  await write(tail);
  if (!res.destroyed) res.end();
}

function writeFlushed(res: ServerResponse, chunk: Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) return resolve();
    const done = () => {
      res.off("close", done); // called once per chunk when trickling: do not pile up listeners
      resolve();
    };
    res.once("close", done);
    res.write(chunk, done);
  });
}

function waitDrain(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

/** Starts the fake on 127.0.0.1 (port 0 = any free port unless `options.port` is given). */
export async function startFakeNemo(options?: FakeOptionsInput): Promise<FakeNemo> {
  const fake = new FakeNemoServer(options);
  await fake.listen(options?.port ?? 0);
  return fake;
}
