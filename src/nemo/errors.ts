import { VideoMakerError, isAbortError, redactSecrets } from "../core/errors.js";
import { acceptedExtensionsText } from "../core/media.js";

/**
 * What a failed call to NemoVideo means for the person: the service's error codes (envelope
 * `code` or HTTP status), and the calls that got no answer at all (network errors) or too
 * slow a one. Links that depend on the account (registration, claim) are added by the
 * caller, which knows the session.
 */

export const AUTH_FAILURE_CODES = new Set([1001, 1010, 1011]);

export function isAuthFailure(code: number | undefined, httpStatus: number | undefined): boolean {
  return (code !== undefined && AUTH_FAILURE_CODES.has(code)) || httpStatus === 401;
}

export interface ServiceFailure {
  /** Envelope code, when the body had one. */
  code?: number;
  httpStatus: number;
  /** The service's own message, already free of secrets; used only as extra detail. */
  serviceMessage?: string;
  retryAfterSeconds?: number;
  /** The body was not JSON at all (HTML from a proxy, cut-off JSON, plain text). */
  unreadable?: boolean;
}

export function serviceError(failure: ServiceFailure): VideoMakerError {
  const { code, httpStatus } = failure;
  const details = {
    ...(code !== undefined ? { upstreamCode: code } : {}),
    httpStatus,
    ...(failure.retryAfterSeconds !== undefined ? { retryAfterSeconds: failure.retryAfterSeconds } : {}),
  };
  const effective = code !== undefined && code !== 0 && code !== httpStatus ? code : httpStatus;

  if (isAuthFailure(code, httpStatus)) {
    return new VideoMakerError(
      "token_invalid",
      "The NemoVideo token is invalid or has expired.",
      details,
    );
  }
  switch (effective) {
    case 1002:
      return new VideoMakerError("session_lost", "The editing session no longer exists on NemoVideo.", details);
    case 2001:
      return new VideoMakerError("out_of_credits", "You are out of NemoVideo credits.", details);
    case 4001:
      return new VideoMakerError(
        "unsupported_file",
        `NemoVideo does not accept this file type. Accepted formats: ${acceptedExtensionsText()}.`,
        details,
      );
    case 4002:
      return new VideoMakerError(
        "file_too_large",
        "The file is larger than NemoVideo's 500 MB limit. Compress it or trim it shorter and try again.",
        details,
      );
    case 400:
      return new VideoMakerError(
        "missing_client_id",
        "NemoVideo refused the request because the client id header was missing.",
        details,
      );
    case 402:
      return new VideoMakerError(
        "plan_blocked",
        "Export is not available on the free plan. This is about the plan, not credits: register or upgrade your NemoVideo plan to unlock export.",
        details,
      );
    case 404:
      return new VideoMakerError("upstream", "NemoVideo could not find what was asked for (HTTP 404).", details);
    case 429:
      return new VideoMakerError(
        "rate_limited",
        `NemoVideo is rate-limiting requests right now. Wait ${waitText(failure.retryAfterSeconds)} and try again.`,
        details,
      );
    default:
      break;
  }
  if (failure.unreadable && httpStatus < 400) {
    const why = failure.serviceMessage ? ` (${failure.serviceMessage})` : "";
    return new VideoMakerError(
      "bad_response",
      `NemoVideo's answer could not be read${why}. A proxy or network filter may be in the way; try again in a moment.`,
      details,
    );
  }
  if (httpStatus >= 500) {
    return new VideoMakerError(
      "upstream",
      `NemoVideo is having trouble (HTTP ${httpStatus}). Try again in a few minutes.`,
      details,
    );
  }
  const detail = failure.serviceMessage ? `: ${failure.serviceMessage}` : "";
  return new VideoMakerError(
    "upstream",
    `NemoVideo answered with an error (${code !== undefined && code !== 0 ? `code ${code}` : `HTTP ${httpStatus}`})${detail}.`,
    details,
  );
}

/** "about 10 minutes" for a Retry-After; "a minute" when the service gave none. */
function waitText(seconds: number | undefined): string {
  if (seconds === undefined) return "a minute";
  if (seconds < 90) return `about ${Math.max(1, Math.round(seconds))} seconds`;
  if (seconds < 90 * 60) return `about ${Math.round(seconds / 60)} minutes`;
  return `about ${Math.round(seconds / 3600)} hours`;
}

// --- no answer (or too slow a one) -----------------------------------------------------

export function tooSlow(): VideoMakerError {
  return new VideoMakerError(
    "timeout",
    "NemoVideo answered too slowly (the answer did not arrive in time). Check the internet connection and try again.",
  );
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

/** Said wherever the service is out of reach: the offline engine needs no network and no account. */
export const OFFLINE_HINT = "Without a connection, the local backend (VIDEO_MAKER_BACKEND=local) edits and renders on this computer.";

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
    `Could not reach NemoVideo: ${what}. Check the internet connection and try again. ${OFFLINE_HINT}`,
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
