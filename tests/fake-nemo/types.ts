/**
 * Types shared by the fake NemoVideo server's modules. Everything here is re-exported from
 * `server.ts`; import from there.
 */

export type RouteKey =
  | "anonymousToken"
  | "createSession"
  | "claimToken"
  | "runSse"
  | "upload"
  | "credits"
  | "state"
  | "renderStart"
  | "renderStatus"
  | "renderDownload"
  | "fileDownload";

/**
 * An injected failure (see `FakeNemo.failNext`). Precedence: `resetConnection`, then `rawBody`,
 * then `code`, then a bare `httpStatus`.
 * - `code`: HTTP `httpStatus ?? 200` with `{"code":code,"message":message,"data":null}`.
 * - `rawBody`: that body as-is with HTTP `httpStatus ?? 200`; content type `contentType`, else
 *   `text/html; charset=utf-8` when it looks like HTML, else `application/json` (the interesting
 *   case: "JSON" that does not parse).
 * - only `httpStatus`: `{"code":httpStatus,"message":message ?? <status text>}`.
 * - `headers` are added to any answer, e.g. `{"retry-after":"1"}` for a 429.
 * - `resetConnection`: the socket is destroyed without an answer.
 * - `resetAfterBytes`: reads that many bytes of the request body, then destroys the socket
 *   (a connection reset in the middle of an upload).
 * - `trickle`: the answer's body is written `chunkBytes` at a time every `intervalMs` (a slow proxy).
 * - `hugeJson`: an answer of `bytes` bytes of valid JSON (`{"code":0,…,"data":{"pad":"xxx…"}}`),
 *   streamed (the fake never holds it), with or without Content-Length; `sentBytes` on the
 *   recorded request says how much of it the client took before hanging up.
 */
export interface Failure {
  httpStatus?: number;
  code?: number;
  message?: string;
  rawBody?: string;
  contentType?: string;
  headers?: Record<string, string>;
  resetConnection?: boolean;
  resetAfterBytes?: number;
  trickle?: { chunkBytes: number; intervalMs: number };
  hugeJson?: { bytes: number; contentLength: boolean };
  /** Wait this long before answering (or resetting): headers that are slow to come. */
  delayMs?: number;
}

export type AuthFailureMode = "code1001" | "code1010" | "code1011" | "http401";

export interface RenderOptions {
  /** `"code"`: `{"code":0,"message":"success",...}`; `"success"`: `{"success":true,...}`. */
  envelope: "code" | "success";
  /** Status body inside `data` (true) or at the top level beside the envelope keys (false). */
  wrapped: boolean;
  /** Where the completed render's URL is: `outputUrl` or `output.url`. */
  urlShape: "outputUrl" | "output.url";
  /** The status poll on which the render completes (or fails). */
  pollsToComplete: number;
  /** When set, the render ends `failed` with this `error` text instead of completing. */
  fail?: string;
  /** Stays `processing` forever (progress creeps up but never reaches 100). */
  stuck?: boolean;
  /** The URL in the completed status answers 404 (the client must use the proxy download). */
  outputUrlBroken?: boolean;
  /**
   * Downloads announce their full Content-Length but the socket is destroyed half-way through
   * what was promised: `true` every download, a number only that many (then whole answers).
   */
  truncateDownload?: boolean | number;
  /** Downloads answer a `Range` request with the whole file and HTTP 200 (a server without range support). */
  ignoreRange?: boolean;
  /** Downloads trickle at about this many bytes per second (a slow CDN); unset = full speed. */
  trickleBytesPerSecond?: number;
  /** Downloads write `chunkBytes` every `intervalMs` (a slow link, or a stalled one). */
  trickleDownload?: { chunkBytes: number; intervalMs: number };
  /**
   * Hostile CDN: `"gzip"` sends the file gzip-compressed with `Content-Encoding: gzip` (and
   * `Content-Type: video/mp4`) whenever the request's Accept-Encoding allows gzip (a missing header
   * allows everything, RFC 9110 12.5.3); no ranges then.
   */
  contentEncoding?: "gzip";
  /** With `contentEncoding`: compress even when Accept-Encoding says `identity` (a broken CDN). */
  forceContentEncoding?: boolean;
  /** Downloads serve `video/mp4` bytes that are not an MP4: the `ftyp` box at the start is zeroed. */
  notMp4?: boolean;
  /** Size of the rendered file, frozen per render when it completes. */
  fileBytes: number;
}

export interface FakeOptions {
  authFailure: AuthFailureMode;
  oneTokenPerClient: boolean;
  tokenTtlMs: number;
  startingCredits: number;
  editCost: number;
  maxUploadBytes: number;
  requireAttribution: boolean;
  planBlocksExport: boolean;
  render: RenderOptions;
  sseChunking: "whole" | "tiny" | "random";
  sseLineEnding: "\n" | "\r\n";
  sseIdleHeartbeatMs: number;
  /** Extra: delay before every answer, in ms (benchmarks). Default 0. */
  latencyMs: number;
  /** Extra: anonymous tokens per IP per token lifetime; 0 = unlimited (default, everything is 127.0.0.1 here). */
  maxTokensPerIp: number;
  /**
   * Extra (hostile): the anonymous-token call hands out these exact texts as tokens, one per call in
   * order (then normal tokens again), e.g. a token with CR LF in it or one of 2 MB. Each is stored as
   * a valid token. Empty (default): normal `nmv_usr_…` tokens.
   */
  hostileTokens: string[];
}

/** What `startFakeNemo` accepts: any option, and `render` may be partial too. */
export type FakeOptionsInput = Partial<Omit<FakeOptions, "render">> & {
  render?: Partial<RenderOptions>;
  /** Port to listen on (127.0.0.1); 0 (default) picks a free one. */
  port?: number;
};

export interface RecordedRequest {
  method: string;
  /** Path with query string, as sent. */
  path: string;
  /** Lower-case keys; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** `Date.now()` when the request arrived. */
  at: number;
  /** Extra: the route it matched, if any. */
  route?: RouteKey;
  /** Extra: the parsed JSON body, for routes that take JSON (set once it has been read). */
  body?: unknown;
  /** Extra: body bytes written for a `trickle`/`hugeJson` failure before the answer ended or the client left. */
  sentBytes?: number;
}

export interface FakeToken {
  userId: string;
  clientId: string;
  expiresAt: number;
  credits: number;
  revoked: boolean;
}

export interface FakeSession {
  sessionId: string;
  taskId: string;
  userId: string;
  language: string;
  /** Extra: the `task_name` it was created with. */
  taskName: string;
  draft: any;
  videoInfos: any[];
  lost: boolean;
}

export type RenderStatus = "pending" | "processing" | "completed" | "failed";

export interface FakeRender {
  id: string;
  sessionId: string;
  draft: any;
  polls: number;
  status: RenderStatus;
  progress: number;
  /** Extra: the failure text once failed. */
  error?: string;
  /** Extra: the file size, fixed when the render completes (a test may change it: the ETag follows). */
  fileBytes?: number;
  /** Extra: the body's `output` object. */
  output?: unknown;
}

export interface FakeUpload {
  sessionId: string;
  filename: string;
  bytes: number;
  sha256: string;
  /** Extra: `video` | `image` | `audio`. */
  fileType: string;
  /** Extra: set for uploads by URL (then `bytes` is 0 and `sha256` hashes the URL). */
  url?: string;
}

export type SseStep =
  | { event: object }
  | { raw: string }
  | { comment: string }
  | { emptyData: true }
  | { delayMs: number }
  | { drop: true }
  /** Extra: that many filler bytes (`x`), written in 64 KiB pieces and never held whole (e.g. a `data:` line that does not end). */
  | { fillerBytes: number }
  | { mutateDraft: (draft: any, session: FakeSession) => void };

export interface SseScript {
  steps: SseStep[];
}

export interface FakeNemo {
  url: string;
  options: FakeOptions;
  requests: RecordedRequest[];
  tokens: Map<string, FakeToken>;
  sessions: Map<string, FakeSession>;
  uploads: FakeUpload[];
  renders: Map<string, FakeRender>;
  failNext(route: RouteKey, failure: Failure, times?: number): void;
  enqueueSse(script: SseScript): void;
  expireToken(token: string): void;
  loseSession(sessionId: string): void;
  /** Extra: mint a valid token directly (e.g. to play a user-supplied NEMO_TOKEN). */
  issueToken(init?: Partial<FakeToken> & { token?: string }): string;
  reset(): void;
  close(): Promise<void>;
}
