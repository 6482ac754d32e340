import type { Dispatcher } from "undici";
import type { Config } from "../config.js";
import { type Trace, traceableUrl } from "../core/debug.js";
import { VideoMakerError } from "../core/errors.js";
import { AnswerDeadline, MAX_JSON_BYTES, type RawResponse, contentLengthOf, isJson, readTextBounded, replayResponse } from "./answer.js";
import { attributionHeaders } from "./attribution.js";
import { readEnvelope, parseRetryAfter } from "./envelope.js";
import { isAuthFailure, networkError, serviceError, tooSlow } from "./errors.js";

export type { RawResponse } from "./answer.js";

/**
 * The one place that talks HTTP to the NemoVideo API: attribution and auth headers, the
 * 429 wait-and-retry-once rule, retries with backoff for idempotent reads, and token
 * renewal for anonymous tokens. Reading an answer (size caps, the answer deadline) is in
 * answer.ts; what a failure means for the person, in errors.ts.
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
        // A token the HTTP stack will not put in a header (CR LF, control characters) is a rejected
        // token, not a network problem: renew it (a person's NEMO_TOKEN: say so) instead of retrying.
        if (auth && !renewed && !req.signal?.aborted && hasCode(error, "UND_ERR_INVALID_ARG")) {
          this.trace?.("the token cannot be sent in a header: renewing it");
          renewed = true;
          await this.requireTokens().renew(auth.token, req.signal);
          continue;
        }
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
      // 431 (request headers too large) to a call with a token: the token is too large to be sent.
      if (auth && (isAuthFailure(failure.code, failure.httpStatus) || failure.httpStatus === 431) && !renewed) {
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

/** Whether `error` or one of its causes carries this `code` (undici's UND_ERR_…). */
function hasCode(error: unknown, code: string): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    if ((current as { code?: unknown }).code === code) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
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
