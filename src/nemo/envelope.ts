import { redactSecrets } from "../core/errors.js";
import { plainText } from "../core/plain-text.js";
import type { ServiceFailure } from "./errors.js";

/**
 * NemoVideo answers in one of a few shapes: `{"code":0,"message","data"}`,
 * `{"success":true,"data"}` (render endpoints), a bare object, `{"detail":…}` (the ADK
 * gateway) or, from proxies, an HTML page. This reads all of them.
 */

export type EnvelopeResult = { ok: true; data: unknown } | { ok: false; failure: ServiceFailure };

type Bag = Record<string, unknown>;

export function readEnvelope(httpStatus: number, bodyText: string, retryAfterSeconds?: number): EnvelopeResult {
  const withRetry = retryAfterSeconds !== undefined ? { retryAfterSeconds } : {};
  let body: unknown;
  try {
    body = bodyText.trim() === "" ? undefined : JSON.parse(bodyText);
  } catch {
    body = undefined;
    if (httpStatus < 400) {
      return {
        ok: false,
        failure: { httpStatus, serviceMessage: "the answer was not valid JSON", unreadable: true, ...withRetry },
      };
    }
  }

  if (httpStatus >= 400) {
    const bag = isBag(body) ? body : undefined;
    const code = bag ? numericCode(bag["code"]) : undefined;
    return {
      ok: false,
      failure: {
        httpStatus,
        ...(code !== undefined ? { code } : {}),
        ...messageOf(bag),
        ...withRetry,
      },
    };
  }

  if (!isBag(body)) {
    // A 2xx with an empty body or a bare value: nothing to unwrap.
    return { ok: true, data: body ?? {} };
  }

  const code = numericCode(body["code"]);
  if (code !== undefined && code !== 0 && code !== 200) {
    return { ok: false, failure: { httpStatus, code, ...messageOf(body), ...withRetry } };
  }
  if (body["success"] === false) {
    return { ok: false, failure: { httpStatus, ...(code !== undefined ? { code } : {}), ...messageOf(body) } };
  }
  if ("data" in body && body["data"] !== undefined && body["data"] !== null) return { ok: true, data: body["data"] };
  return { ok: true, data: body };
}

function isBag(value: unknown): value is Bag {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function numericCode(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^-?\d+$/.test(value.trim())) return Number(value);
  return undefined;
}

function messageOf(bag: Bag | undefined): { serviceMessage?: string } {
  if (!bag) return {};
  for (const key of ["message", "msg", "error", "detail", "errorMessage"]) {
    const value = bag[key];
    if (typeof value === "string" && value.trim()) return { serviceMessage: clean(value) };
  }
  return {};
}

/** Service text shown to a person: plain (no escapes, controls or bidi overrides), one line, bounded, never a token. */
export function clean(text: string, max = 200): string {
  const single = redactSecrets(plainText(text)).replace(/\s+/g, " ").trim();
  return single.length > max ? `${single.slice(0, max - 1)}…` : single;
}

/** `Retry-After` as seconds: either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw.trim())) return Number(raw.trim());
  const at = Date.parse(raw);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}
