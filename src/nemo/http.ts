import type { Dispatcher } from "undici";
import type { Config } from "../config.js";
import { type Trace, traceableUrl } from "../core/debug.js";
import { VideoMakerError, isAbortError, redactSecrets } from "../core/errors.js";
import { attributionHeaders } from "./attribution.js";
import { readEnvelope, parseRetryAfter } from "./envelope.js";
import { isAuthFailure, serviceError } from "./errors.js";

/**
 * The one place that talks HTTP to the NemoVideo API: attribution and auth headers,
 * envelope reading, error mapping, the 429 wait-and-retry-once rule, retries with
 * backoff for idempotent reads, and token renewal for anonymous tokens.
 */

export interface TokenSource {
  /** The token to send and whether it can be renewed (an anonymous one can; NEMO_TOKEN cannot). */
  current(signal?: AbortSignal): Promise<{ token: string; anonymous: boolean }>;
  /** Called when the service rejected `token`; throws `token_rejected` for a person's own token. */
  renew(rejected: string, signal?: AbortSignal): Promise<void>;
}

export interface RetryPolicy {
  /** Backoff before each retry of an idempotent read after a 5xx or a network error. */
  transientDelaysMs: number[];
  /** How long to wait after a 429 without Retry-After. */
  rateLimitWaitMs: number;
  /** Never wait longer than this for a Retry-After, whatever the service says. */
  rateLimitMaxWaitMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  transientDelaysMs: [500, 1500, 4000],
  rateLimitWaitMs: 30_000,
  rateLimitMaxWaitMs: 120_000,
};

export interface HttpTimeouts {
  /** Waiting for response headers on an ordinary call. */
  headersMs: number;
  /** Between two chunks of an ordinary answer. */
  bodyMs: number;
  /** A whole ordinary answer, headers to last byte: a server trickling bytes must not hold a call forever. */
  answerMs: number;
  /** A download slower than this, averaged over `slowDownloadWindowMs`, has stalled. */
  minDownloadBytesPerSecond: number;
  slowDownloadWindowMs: number;
}

export const DEFAULT_TIMEOUTS: HttpTimeouts = {
  headersMs: 60_000,
  bodyMs: 60_000,
  answerMs: 120_000,
  minDownloadBytesPerSecond: 1024,
  slowDownloadWindowMs: 60_000,
};

/** JSON answers larger than this are refused rather than buffered. */
export const MAX_JSON_BYTES = 16 * 1024 * 1024;

export type BodyFactory = () => AsyncIterable<Uint8Array> | string;

export interface ApiRequest {
  method: "GET" | "POST";
  path: string;
  /** JSON body; or `body` for a streamed one. */
  json?: unknown;
  /** A factory so the body can be produced again for a retry (after a 429 or a token renewal). */
  body?: BodyFactory;
  contentType?: string;
  contentLength?: number;
  accept?: string;
  /** Safe to repeat after a 5xx or a network error. */
  idempotent?: boolean;
  /** Send the bearer token (all calls but the anonymous-token one). */
  auth?: boolean;
  /** Extra headers, e.g. X-Client-Id. */
  headers?: Record<string, string>;
  /** Wait and retry once on 429 (true unless the caller handles 429 itself). */
  retryRateLimit?: boolean;
  signal?: AbortSignal;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  /** Overrides `timeouts.answerMs` for this call; 0 = no limit (the SSE stream watches its own). */
  answerTimeoutMs?: number;
}

export interface RawResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData["body"];
  /** True once the answer deadline cut the call short (the body then fails to read). */
  timedOut?: () => boolean;
}

export interface NemoHttpOptions {
  config: Pick<Config, "apiBase" | "skill" | "skillVersion" | "platform">;
  tokens?: TokenSource;
  retry?: Partial<RetryPolicy>;
  timeouts?: Partial<HttpTimeouts>;
  dispatcher?: Dispatcher;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  userAgent?: string;
  /** VIDEO_MAKER_DEBUG: one line per request and per retry decision. */
  trace?: Trace;
}

export class NemoHttp {
  readonly apiBase: URL;
  readonly retry: RetryPolicy;
  readonly timeouts: HttpTimeouts;
  private dispatcherInstance: Dispatcher | undefined;
  private undici: Promise<typeof import("undici")> | undefined;
  private readonly ownsDispatcher: boolean;
  private readonly baseHeaders: Record<string, string>;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly trace: Trace | undefined;
  tokens: TokenSource | undefined;

  constructor(options: NemoHttpOptions) {
    this.apiBase = options.config.apiBase;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcherInstance = options.dispatcher;
    this.tokens = options.tokens;
    this.sleep = options.sleep ?? sleep;
    this.trace = options.trace;
    this.baseHeaders = {
      ...attributionHeaders(options.config),
      "user-agent": options.userAgent ?? `video-maker/${options.config.skillVersion}`,
    };
  }

  url(path: string): URL {
    // The base may carry a path prefix (a gateway mount); keep it, without doubling slashes.
    const prefix = this.apiBase.pathname.replace(/\/+$/, "");
    return new URL(`${prefix}${path}`, this.apiBase.origin);
  }

  /** A call whose answer is a JSON envelope; returns its `data`. */
  async json(req: ApiRequest): Promise<unknown> {
    const response = await this.send(req);
    const text = await readTextBounded(response.body, MAX_JSON_BYTES, contentLengthOf(response)).catch((error: unknown) => {
      throw response.timedOut?.() ? tooSlow() : networkError(error, req.signal);
    });
    const result = readEnvelope(response.statusCode, text);
    if (!result.ok) throw serviceError(result.failure);
    return result.data;
  }

  /**
   * Sends a request and returns the raw response once its status is acceptable (2xx);
   * error statuses are read and thrown as typed errors. Used directly for SSE.
   */
  async send(req: ApiRequest): Promise<RawResponse> {
    let renewed = false;
    let rateLimited = false;
    let transientAttempt = 0;
    for (;;) {
      const auth = req.auth === false ? undefined : await this.requireTokens().current(req.signal);
      const deadline = new AnswerDeadline(req.answerTimeoutMs ?? this.timeouts.answerMs, req.signal);
      let response: RawResponse;
      try {
        response = await this.dispatch({ ...req, signal: deadline.signal }, auth?.token);
      } catch (error) {
        deadline.clear();
        const mapped = deadline.expired ? tooSlow() : networkError(error, req.signal);
        if (req.idempotent && mapped.code === "network" && transientAttempt < this.retry.transientDelaysMs.length) {
          const delayMs = this.retry.transientDelaysMs[transientAttempt++]!;
          this.trace?.(`${req.method} ${req.path.split("?")[0]}: network error, retrying in ${delayMs} ms`);
          await this.sleep(delayMs, req.signal);
          continue;
        }
        throw mapped;
      }

      if (response.statusCode >= 200 && response.statusCode < 300 && !isJson(response)) {
        // The caller reads this body; the deadline keeps running until it is done.
        response.body.once("close", () => deadline.clear());
        return { ...response, timedOut: () => deadline.expired };
      }

      // Error statuses and JSON 2xx answers: read the (bounded) body to see whether it is an error envelope.
      const text = await readTextBounded(response.body, MAX_JSON_BYTES, contentLengthOf(response))
        .catch((error: unknown) => {
          throw deadline.expired ? tooSlow() : networkError(error, req.signal);
        })
        .finally(() => deadline.clear());
      const retryAfter = parseRetryAfter(response.headers["retry-after"]);
      const envelope = readEnvelope(response.statusCode, text, retryAfter);
      if (envelope.ok) return replayResponse(response, text);

      const failure = envelope.failure;
      this.trace?.(`${req.method} ${req.path.split("?")[0]}: the service answered code ${failure.code} (HTTP ${failure.httpStatus})`);
      if (auth && isAuthFailure(failure.code, failure.httpStatus) && !renewed) {
        this.trace?.("renewing the token and sending again");
        renewed = true;
        await this.requireTokens().renew(auth.token, req.signal);
        continue;
      }
      const waitMs = retryAfter !== undefined ? retryAfter * 1000 : this.retry.rateLimitWaitMs;
      // A wait longer than we may take is told to the person at once rather than sat out and retried early.
      if (failure.httpStatus === 429 && req.retryRateLimit !== false && !rateLimited && waitMs <= this.retry.rateLimitMaxWaitMs) {
        rateLimited = true;
        this.trace?.(`rate limited: waiting ${waitMs} ms, then sending once more`);
        await this.sleep(waitMs, req.signal);
        continue;
      }
      if (
        req.idempotent &&
        failure.httpStatus >= 500 &&
        transientAttempt < this.retry.transientDelaysMs.length
      ) {
        const delayMs = this.retry.transientDelaysMs[transientAttempt++]!;
        this.trace?.(`retrying a read in ${delayMs} ms`);
        await this.sleep(delayMs, req.signal);
        continue;
      }
      throw serviceError(failure);
    }
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher && this.dispatcherInstance) await this.dispatcherInstance.close();
    this.dispatcherInstance = undefined;
  }

  /**
   * undici is loaded on the first request, not at startup: it is the largest module we
   * use, and an MCP host waits for `tools/list` before anything goes over the network.
   */
  async raw(url: URL, options: Omit<Dispatcher.RequestOptions, "origin" | "path"> & { dispatcher?: never }): Promise<Dispatcher.ResponseData> {
    this.undici ??= import("undici");
    const undici = await this.undici;
    this.dispatcherInstance ??= new undici.Agent({ keepAliveTimeout: 10_000, connections: 16 });
    if (!this.trace) return undici.request(url, { ...options, dispatcher: this.dispatcherInstance });
    const what = `${options.method ?? "GET"} ${traceableUrl(url, this.apiBase.origin)}`;
    const started = Date.now();
    try {
      const response = await undici.request(url, { ...options, dispatcher: this.dispatcherInstance });
      const type = response.headers["content-type"];
      const length = response.headers["content-length"];
      this.trace(
        `${what} → HTTP ${response.statusCode} in ${Date.now() - started} ms` +
          `${type ? `, ${String(type).split(";")[0]}` : ""}${length !== undefined ? `, ${String(length)} bytes` : ""}`,
      );
      return response;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      this.trace(`${what} → no answer after ${Date.now() - started} ms${typeof code === "string" ? ` (${code})` : ""}`);
      throw error;
    }
  }

  private requireTokens(): TokenSource {
    if (!this.tokens) throw new VideoMakerError("config", "No token source is configured for the NemoVideo client.");
    return this.tokens;
  }

  private async dispatch(req: ApiRequest, token: string | undefined): Promise<RawResponse> {
    const headers: Record<string, string> = { ...this.baseHeaders, accept: req.accept ?? "application/json", ...req.headers };
    if (token) headers["authorization"] = `Bearer ${token}`;
    let body: string | AsyncIterable<Uint8Array> | undefined;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers["content-type"] = "application/json";
    } else if (req.body) {
      body = req.body();
      if (req.contentType) headers["content-type"] = req.contentType;
      if (req.contentLength !== undefined) headers["content-length"] = String(req.contentLength);
    }
    const response = await this.raw(this.url(req.path), {
      method: req.method,
      headers,
      // undici pulls an async iterable chunk by chunk, waiting for 'drain' (its types omit it).
      body: (body ?? null) as string | null,
      signal: req.signal ?? null,
      headersTimeout: req.headersTimeoutMs ?? this.timeouts.headersMs,
      bodyTimeout: req.bodyTimeoutMs ?? this.timeouts.bodyMs,
    });
    return { statusCode: response.statusCode, headers: response.headers, body: response.body };
  }
}

function isJson(response: RawResponse): boolean {
  const type = response.headers["content-type"];
  const value = Array.isArray(type) ? type[0] : type;
  return typeof value === "string" && /\bjson\b/i.test(value);
}

/** After reading a JSON 2xx body to check for an error envelope, hand the text back as a body. */
function replayResponse(response: RawResponse, text: string): RawResponse {
  const replay = {
    async text() {
      return text;
    },
    async json() {
      return JSON.parse(text) as unknown;
    },
    async dump() {},
    async *[Symbol.asyncIterator]() {
      yield Buffer.from(text, "utf8");
    },
  };
  return { ...response, body: replay as unknown as RawResponse["body"] };
}

export async function readTextBounded(
  body: AsyncIterable<Uint8Array | string>,
  limit: number,
  announcedBytes?: number,
): Promise<string> {
  const tooLarge = () => {
    (body as { destroy?: () => void }).destroy?.();
    return new VideoMakerError(
      "bad_response",
      `NemoVideo sent an unexpectedly large answer (over ${Math.round(limit / 1024 / 1024)} MB); it was not read.`,
    );
  };
  // An announced length over the cap is refused before a byte is read.
  if (announcedBytes !== undefined && announcedBytes > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    size += buffer.byteLength;
    if (size > limit) throw tooLarge();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function contentLengthOf(response: RawResponse): number | undefined {
  const raw = response.headers["content-length"];
  const value = Number(Array.isArray(raw) ? raw[0] : raw);
  return raw !== undefined && Number.isFinite(value) ? value : undefined;
}

function tooSlow(): VideoMakerError {
  return new VideoMakerError(
    "timeout",
    "NemoVideo answered too slowly (the answer did not arrive in time). Check the internet connection and try again.",
  );
}

/** The per-attempt limit on a whole answer, chained to the caller's signal for cancellation. */
class AnswerDeadline {
  readonly signal: AbortSignal | undefined;
  expired = false;
  private readonly timer: ReturnType<typeof setTimeout> | undefined;
  private readonly controller = new AbortController();
  private readonly onOuterAbort = () => this.controller.abort();

  constructor(
    ms: number,
    private readonly outer: AbortSignal | undefined,
  ) {
    if (ms <= 0) {
      this.signal = outer;
      return;
    }
    this.signal = this.controller.signal;
    if (outer?.aborted) this.controller.abort();
    outer?.addEventListener("abort", this.onOuterAbort, { once: true });
    this.timer = setTimeout(() => {
      this.expired = true;
      this.controller.abort();
    }, ms);
    this.timer.unref?.();
  }

  clear(): void {
    clearTimeout(this.timer);
    this.outer?.removeEventListener("abort", this.onOuterAbort);
  }
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: "the connection was refused",
  ECONNRESET: "the connection was reset",
  ENOTFOUND: "the server name could not be resolved",
  EAI_AGAIN: "the server name could not be resolved",
  ETIMEDOUT: "the connection timed out",
  EPIPE: "the connection closed unexpectedly",
  UND_ERR_SOCKET: "the connection closed unexpectedly",
  UND_ERR_CONNECT_TIMEOUT: "connecting timed out",
  UND_ERR_HEADERS_TIMEOUT: "the server did not answer in time",
  UND_ERR_BODY_TIMEOUT: "the server stopped sending data",
  UND_ERR_CLOSED: "the connection closed unexpectedly",
};

export function networkError(error: unknown, signal?: AbortSignal): VideoMakerError {
  if (error instanceof VideoMakerError) return error;
  if (signal?.aborted || isAbortError(error)) {
    return new VideoMakerError("cancelled", "The operation was cancelled.", { cause: error });
  }
  const code = findErrorCode(error);
  const what = (code && NETWORK_CODES[code]) ?? "a network error occurred";
  const isTimeout = code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT";
  return new VideoMakerError(
    isTimeout ? "timeout" : "network",
    `Could not reach NemoVideo: ${what}. Check the internet connection and try again.`,
    { cause: error },
  );
}

function findErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && code in NETWORK_CODES) return code;
    current = (current as { cause?: unknown }).cause;
  }
  const message = error instanceof Error ? redactSecrets(error.message) : "";
  return Object.keys(NETWORK_CODES).find((code) => message.includes(code));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new VideoMakerError("cancelled", "The operation was cancelled."));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new VideoMakerError("cancelled", "The operation was cancelled."));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
