import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";
import { z } from "zod";
import { isAllowedServiceUrl } from "../config.js";
import type { Draft } from "../core/draft.js";
import { VideoMakerError, redactSecrets } from "../core/errors.js";
import { publishFile, temporaryPathFor } from "../core/output.js";
import type { NemoHttp } from "./http.js";
import { networkError, sleep } from "./http.js";
import { clean } from "./envelope.js";

/**
 * Cloud export: start a render with a fresh id, poll it (quickly at first, backing off
 * to ~10 s), then stream the file to a temporary name and publish it. Both documented
 * status shapes are accepted (`outputUrl` or `output.url`, wrapped in `data` or not).
 */

export interface RenderStatus {
  status: "pending" | "processing" | "completed" | "failed";
  progress: number;
  url?: string;
  error?: string;
}

export interface RenderTiming {
  /** Delay before each poll; the last value repeats. */
  pollScheduleMs: number[];
  /** Give up polling after this long (the job can be resumed later). */
  deadlineMs: number;
}

export const DEFAULT_RENDER_TIMING: RenderTiming = {
  pollScheduleMs: [1000, 1500, 2000, 3000, 5000, 8000, 10_000],
  deadlineMs: 20 * 60_000,
};

let lastRenderStamp = 0;

/** `render_<ms timestamp>`, strictly increasing within a process so a retry never reuses one. */
export function newRenderId(now = Date.now()): string {
  lastRenderStamp = Math.max(now, lastRenderStamp + 1);
  return `render_${lastRenderStamp}`;
}

export async function startRender(
  http: NemoHttp,
  renderId: string,
  sessionId: string,
  draft: Draft,
  signal?: AbortSignal,
): Promise<RenderStatus> {
  const data = await http.json({
    method: "POST",
    path: "/api/render/proxy/lambda",
    json: { id: renderId, sessionId, draft, output: { format: "mp4", quality: "high" } },
    ...(signal ? { signal } : {}),
  });
  return checkedRenderStatus(data);
}

export async function getRenderStatus(http: NemoHttp, renderId: string, signal?: AbortSignal): Promise<RenderStatus> {
  const data = await http.json({
    method: "GET",
    path: `/api/render/proxy/lambda/${encodeURIComponent(renderId)}`,
    idempotent: true,
    ...(signal ? { signal } : {}),
  });
  return checkedRenderStatus(data);
}

/** Status words vary and unknown ones mean "still going"; a status that is not a word at all is a broken answer. */
const RenderAnswerSchema = z.looseObject({
  status: z.string().optional(),
  progress: z.union([z.number(), z.string()]).nullish(),
});

function checkedRenderStatus(data: unknown): RenderStatus {
  if (!RenderAnswerSchema.safeParse(unwrapRenderAnswer(data)).success) {
    throw new VideoMakerError("bad_response", "NemoVideo's render status could not be read.");
  }
  return readRenderStatus(data);
}

/** The status sits in `data` or beside the envelope keys; sometimes in a second `data` level. */
function unwrapRenderAnswer(value: unknown): unknown {
  return isBag(value) && isBag(value["data"]) && value["status"] === undefined ? value["data"] : value;
}

type Bag = Record<string, unknown>;
const isBag = (value: unknown): value is Bag => typeof value === "object" && value !== null && !Array.isArray(value);

const COMPLETED = new Set(["completed", "complete", "succeeded", "success", "done", "finished"]);
const FAILED = new Set(["failed", "failure", "error", "errored", "cancelled", "canceled"]);
const PROCESSING = new Set(["processing", "running", "rendering", "in_progress", "started"]);

/** Reads either documented status shape; tolerant of a second `data` level and of 0–1 progress. */
export function readRenderStatus(value: unknown): RenderStatus {
  const unwrapped = unwrapRenderAnswer(value);
  const bag: Bag = isBag(unwrapped) ? unwrapped : {};
  const rawStatus = String(bag["status"] ?? "pending").toLowerCase();
  const status: RenderStatus["status"] = COMPLETED.has(rawStatus)
    ? "completed"
    : FAILED.has(rawStatus)
      ? "failed"
      : PROCESSING.has(rawStatus)
        ? "processing"
        : "pending";
  let progress = Number(bag["progress"] ?? 0);
  if (!Number.isFinite(progress)) progress = 0;
  if (progress > 0 && progress <= 1 && !Number.isInteger(progress)) progress *= 100;
  progress = Math.max(0, Math.min(100, Math.round(status === "completed" ? 100 : progress)));
  const output = bag["output"];
  const url =
    stringOf(bag["outputUrl"]) ??
    stringOf(bag["output_url"]) ??
    (isBag(output) ? (stringOf(output["url"]) ?? stringOf(output["outputUrl"])) : stringOf(output)) ??
    stringOf(bag["url"]) ??
    stringOf(bag["downloadUrl"]);
  const errorValue = bag["error"] ?? bag["errorMessage"] ?? bag["message"];
  const error = status === "failed" && errorValue !== undefined ? clean(String(isBag(errorValue) ? (errorValue["message"] ?? "") : errorValue)) : undefined;
  return { status, progress, ...(url ? { url } : {}), ...(error ? { error } : {}) };
}

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() ? value.trim() : undefined;
}

export interface PollOptions {
  timing?: Partial<RenderTiming>;
  signal?: AbortSignal;
  onStatus?: (status: RenderStatus) => void;
}

export async function pollRender(http: NemoHttp, renderId: string, options: PollOptions = {}): Promise<RenderStatus & { url: string } | RenderStatus> {
  const timing = { ...DEFAULT_RENDER_TIMING, ...options.timing };
  const deadline = Date.now() + timing.deadlineMs;
  for (let attempt = 0; ; attempt++) {
    const delay = timing.pollScheduleMs[Math.min(attempt, timing.pollScheduleMs.length - 1)] ?? 5000;
    await sleep(delay, options.signal);
    const status = await getRenderStatus(http, renderId, options.signal);
    options.onStatus?.(status);
    if (status.status === "completed") return status;
    if (status.status === "failed") {
      throw new VideoMakerError(
        "render_failed",
        `The cloud render failed${status.error ? `: ${status.error}` : ""}. Nothing was charged for the export; try exporting again.`,
      );
    }
    if (Date.now() > deadline) {
      throw new VideoMakerError(
        "timeout",
        `The render is still running after ${Math.round(timing.deadlineMs / 60_000)} minutes. It may still finish: check it again later.`,
      );
    }
  }
}

export interface DownloadOptions {
  signal?: AbortSignal;
  onBytes?: (received: number, total: number | undefined) => void;
  maxRedirects?: number;
}

const MAX_REDIRECTS = 5;

/**
 * Downloads the finished render to `desiredPath` (never replacing a file) and returns
 * where it landed. Tries the URL the service gave, then the authenticated proxy route.
 */
export async function downloadRender(
  http: NemoHttp,
  renderId: string,
  url: string | undefined,
  desiredPath: string,
  options: DownloadOptions = {},
): Promise<{ path: string; bytes: number }> {
  const attempts: Array<{ url: URL; auth: boolean }> = [];
  const given = url ? allowedDownloadUrl(url, http.apiBase) : undefined;
  if (given) attempts.push({ url: given, auth: isApiUrl(http, given) });
  attempts.push({ url: http.url(`/api/render/proxy/${encodeURIComponent(renderId)}/download`), auth: true });

  // Every attempt's reason is kept: the fallback's failure alone would hide why the link failed.
  const reasons: string[] = url && !given ? ["the link the service gave is not https"] : [];
  for (const attempt of attempts) {
    const temp = temporaryPathFor(desiredPath, renderId);
    try {
      const bytes = await fetchToFile(http, attempt.url, attempt.auth, temp, options);
      const path = await publishFile(temp, desiredPath);
      return { path, bytes };
    } catch (error) {
      await rm(temp, { force: true });
      if (options.signal?.aborted) throw new VideoMakerError("cancelled", "The download was cancelled.");
      const reason = error instanceof VideoMakerError ? error.message : "the video could not be downloaded";
      if (!reasons.includes(reason)) reasons.push(reason);
    }
  }
  throw new VideoMakerError(
    "download_failed",
    `The render finished but the video could not be downloaded (${reasons.join("; ") || "unknown error"}). Try the export again.`,
  );
}

/**
 * https anywhere, plain http only on loopback, and never a step down from https to http:
 * a link (or a redirect) from an https page must not send us to plain http, even on loopback.
 */
export function allowedDownloadUrl(raw: string, from: URL): URL | undefined {
  try {
    const url = new URL(raw, from);
    if (!isAllowedServiceUrl(url)) return undefined;
    if (from.protocol === "https:" && url.protocol !== "https:") return undefined;
    return url;
  } catch {
    return undefined;
  }
}

/** The API's own routes (`<base>/api/…`): a file link on the same host is a CDN path and gets no token. */
function isApiUrl(http: NemoHttp, url: URL): boolean {
  const apiRoot = http.url("/api/");
  return url.origin === apiRoot.origin && url.pathname.startsWith(apiRoot.pathname);
}

/** Only the scheme and host of an address (a path or query may carry a signature). */
function originOf(raw: string, base: URL): string {
  try {
    return new URL(raw, base).origin;
  } catch {
    return "an invalid address";
  }
}

async function fetchToFile(
  http: NemoHttp,
  start: URL,
  auth: boolean,
  temp: string,
  options: DownloadOptions,
): Promise<number> {
  let url = start;
  const maxRedirects = options.maxRedirects ?? MAX_REDIRECTS;
  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = { accept: "video/mp4,*/*" };
    // The bearer token only ever goes to the API's own routes, never to a CDN (even one on the API's host).
    if (auth && isApiUrl(http, url)) {
      const token = await http.tokens?.current(options.signal);
      if (token) headers["authorization"] = `Bearer ${token.token}`;
    }
    let response;
    try {
      response = await http.raw(url, {
        method: "GET",
        headers,
        signal: options.signal ?? null,
        headersTimeout: http.timeouts.headersMs,
        bodyTimeout: http.timeouts.bodyMs,
      });
    } catch (error) {
      throw networkError(error, options.signal);
    }
    const status = response.statusCode;
    if (status >= 300 && status < 400 && response.headers["location"]) {
      await response.body.dump();
      if (hop >= maxRedirects) {
        throw new VideoMakerError("download_failed", `the download link redirected more than ${maxRedirects} times (a redirect loop?)`);
      }
      // Each hop is checked again: a redirect must not lead to plain http or off https.
      const location = String(response.headers["location"]);
      const next = allowedDownloadUrl(location, url);
      if (!next) {
        throw new VideoMakerError("download_failed", `the download link redirected to an address that is not https (${originOf(location, url)})`);
      }
      url = next;
      continue;
    }
    if (status < 200 || status >= 300) {
      await response.body.dump().catch(() => {});
      throw new VideoMakerError("download_failed", `the server answered HTTP ${status}`, { httpStatus: status });
    }
    const type = String(response.headers["content-type"] ?? "");
    // A CDN or proxy error page with HTTP 200 must not be saved under the video's name.
    if (/^\s*(text\/|application\/(json|xml)\b)/i.test(type)) {
      await response.body.dump().catch(() => {});
      throw new VideoMakerError("download_failed", "the server sent a page instead of the video");
    }
    const lengthHeader = response.headers["content-length"];
    const expected = lengthHeader !== undefined ? Number(lengthHeader) : undefined;
    let received = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        received += chunk.byteLength;
        options.onBytes?.(received, expected);
        callback(null, chunk);
      },
    });
    // A trickle keeps the per-chunk timeout happy forever; a floor on the average speed does not.
    const { minDownloadBytesPerSecond: floor, slowDownloadWindowMs: windowMs } = http.timeouts;
    let stalled = false;
    let windowStartBytes = 0;
    const speedWatch =
      floor > 0
        ? setInterval(() => {
            if (((received - windowStartBytes) * 1000) / windowMs < floor) {
              stalled = true;
              counter.destroy(new Error("download too slow"));
            }
            windowStartBytes = received;
          }, windowMs)
        : undefined;
    speedWatch?.unref();
    try {
      await pipeline(response.body, counter, createWriteStream(temp, { mode: 0o644 }), {
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      if (stalled) {
        throw new VideoMakerError(
          "download_failed",
          `the download was too slow (under ${floor} bytes per second for ${Math.round(windowMs / 1000)} s, ${received} bytes${expected ? ` of ${expected}` : ""} received)`,
        );
      }
      throw new VideoMakerError(
        "download_failed",
        `the connection broke after ${received} bytes${expected ? ` of ${expected}` : ""}`,
        { cause: redactSecrets(String(error)) },
      );
    } finally {
      clearInterval(speedWatch);
    }
    if (expected !== undefined && Number.isFinite(expected) && received !== expected) {
      throw new VideoMakerError("download_failed", `the download was cut short (${received} of ${expected} bytes)`);
    }
    if (received === 0) throw new VideoMakerError("download_failed", "the downloaded file was empty");
    return received;
  }
}
