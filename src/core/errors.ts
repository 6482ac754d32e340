/**
 * One error type for everything a person may see. `message` is written for the
 * person (what happened and what to do), never a stack, a token or raw JSON.
 */
export type ErrorCode =
  // the person's input
  | "invalid_input"
  | "file_not_found"
  | "not_a_file"
  | "unsupported_file"
  | "file_mismatch"
  | "file_empty"
  | "file_too_large"
  | "output_exists"
  // configuration and account
  | "config"
  | "token_invalid"
  | "token_rejected"
  | "missing_client_id"
  | "session_lost"
  | "state_damaged"
  | "out_of_credits"
  | "plan_blocked"
  | "rate_limited"
  // the service and the network
  | "upstream"
  | "bad_response"
  | "network"
  | "timeout"
  | "stream_dropped"
  | "render_failed"
  | "download_failed"
  | "not_ready"
  | "cancelled";

export type ErrorKind = "input" | "config" | "account" | "upstream" | "cancelled";

const KIND_OF: Record<ErrorCode, ErrorKind> = {
  invalid_input: "input",
  file_not_found: "input",
  not_a_file: "input",
  unsupported_file: "input",
  file_mismatch: "input",
  file_empty: "input",
  file_too_large: "input",
  output_exists: "input",
  config: "config",
  token_invalid: "account",
  token_rejected: "account",
  missing_client_id: "config",
  session_lost: "account",
  state_damaged: "config",
  out_of_credits: "account",
  plan_blocked: "account",
  rate_limited: "upstream",
  upstream: "upstream",
  bad_response: "upstream",
  network: "upstream",
  timeout: "upstream",
  stream_dropped: "upstream",
  render_failed: "upstream",
  download_failed: "upstream",
  not_ready: "input",
  cancelled: "cancelled",
};

export interface VideoMakerErrorDetails {
  /** The service's own code (e.g. 2001) or HTTP status, when there was one. */
  upstreamCode?: number;
  httpStatus?: number;
  /** A link the person should open (registration, claim, upgrade). */
  link?: string;
  /** Seconds the service asked us to wait. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

export class VideoMakerError extends Error {
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  readonly upstreamCode?: number;
  readonly httpStatus?: number;
  readonly link?: string;
  readonly retryAfterSeconds?: number;

  constructor(code: ErrorCode, message: string, details: VideoMakerErrorDetails = {}) {
    super(redactSecrets(message), details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "VideoMakerError";
    this.code = code;
    this.kind = KIND_OF[code];
    if (details.upstreamCode !== undefined) this.upstreamCode = details.upstreamCode;
    if (details.httpStatus !== undefined) this.httpStatus = details.httpStatus;
    if (details.link !== undefined) this.link = details.link;
    if (details.retryAfterSeconds !== undefined) this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

export function isVideoMakerError(value: unknown): value is VideoMakerError {
  return value instanceof VideoMakerError;
}

/** Turns anything thrown into the person-facing error, hiding internals. */
export function toVideoMakerError(value: unknown): VideoMakerError {
  if (value instanceof VideoMakerError) return value;
  if (isAbortError(value)) return new VideoMakerError("cancelled", "The operation was cancelled.");
  const message = value instanceof Error ? value.message : String(value);
  return new VideoMakerError("upstream", `Something went wrong: ${firstLine(message)}`, { cause: value });
}

export function isAbortError(value: unknown): boolean {
  return (
    value instanceof Error &&
    (value.name === "AbortError" || (value as { code?: string }).code === "ABORT_ERR")
  );
}

function firstLine(text: string): string {
  const line = text.split("\n", 1)[0] ?? "";
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

// --- secret redaction -------------------------------------------------------

/** Each registered secret, and the pattern that finds its copies (any case, whitespace inserted). */
const registeredSecrets = new Map<string, RegExp | undefined>();

/** Longer secrets are matched exactly only (a pattern per character would be huge); no usable token is this long. */
const FUZZY_SECRET_MAX = 8192;
/** What a copy of a secret may have between two of its characters: whitespace and invisible joiners. */
const GAP = "[\\s\\u200b-\\u200d\\u2060\\ufeff]*";

/** Remember a secret (a token) so that no message, log line or state file can ever show it. */
export function registerSecret(secret: string | undefined): void {
  if (!secret || secret.length < 6 || registeredSecrets.has(secret)) return;
  const fuzzy =
    secret.length <= FUZZY_SECRET_MAX
      ? new RegExp(Array.from(secret.replace(/\s+/g, ""), (char) => char.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(GAP), "giu")
      : undefined;
  registeredSecrets.set(secret, fuzzy);
}

const SECRET_PATTERNS: RegExp[] = [
  /nmv_usr_[A-Za-z0-9._~+/=-]+/gi,
  /(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi,
  /([?&](?:token|access_token|api_key)=)[^&\s]+/gi,
];

/** Every registered secret, in any case and with whitespace inserted, and anything shaped like a NemoVideo token. */
export function redactRegistered(text: string): string {
  let out = text;
  for (const [secret, fuzzy] of registeredSecrets) {
    out = out.split(secret).join("[redacted]");
    if (fuzzy) out = out.replace(fuzzy, "[redacted]");
  }
  return out.replace(SECRET_PATTERNS[0]!, "[redacted]");
}

export function redactSecrets(text: string): string {
  let out = redactRegistered(text);
  out = out.replace(SECRET_PATTERNS[1]!, "$1[redacted]");
  out = out.replace(SECRET_PATTERNS[2]!, "$1[redacted]");
  return out;
}

/** A copy of `value` (JSON-like) with every string passed through `redact`. */
export function redactDeep<T>(value: T, redact: (text: string) => string = redactSecrets): T {
  if (typeof value === "string") return redact(value) as T;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, redact)) as T;
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, redactDeep(inner, redact)])) as T;
  }
  return value;
}
