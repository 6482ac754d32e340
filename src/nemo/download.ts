import { createWriteStream } from "node:fs";
import { open, rm, stat } from "node:fs/promises";
import { dirname, extname } from "node:path";
import { PassThrough, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { isAllowedServiceUrl } from "../config.js";
import { VideoMakerError, redactSecrets } from "../core/errors.js";
import { publishFile, temporaryPathFor } from "../core/output.js";
import type { NemoHttp } from "./http.js";
import { networkError } from "./errors.js";

/**
 * Streams a finished render to a temporary name and publishes it. A connection that breaks
 * mid-body is picked up where it stopped (`Range`, guarded by `If-Range`) rather than failing
 * the export: exporting again renders the whole video again (30–90 s) and downloads it anew.
 */

export interface DownloadOptions {
  signal?: AbortSignal;
  onBytes?: (received: number, total: number | undefined) => void;
  maxRedirects?: number;
}

const MAX_REDIRECTS = 5;
/** Resumes per route after mid-body breaks; each must have brought new bytes. */
const MAX_RESUMES = 3;

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
    // A killed process's bytes of this same render (the temp name carries the render id, and a
    // render's file never changes): only the rest is asked for.
    const held = await stat(temp).then((info) => info.size, () => 0);
    try {
      const bytes = await fetchResuming(http, attempt.url, attempt.auth, temp, options, held > 0 ? { bytes: held, validator: undefined } : undefined);
      // Whatever the headers said, the bytes must be the container the name promises.
      if (extname(desiredPath).toLowerCase() === ".mp4") await checkMp4(temp);
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

/** How far into the file the `ftyp` box may start (after `free`/`skip`/`wide` boxes some muxers put first). */
const FTYP_SEARCH_BYTES = 4096;

/** An MP4 starts with an `ftyp` box (ISO/IEC 14496-12 4.3), at most after a few padding boxes. */
async function checkMp4(path: string): Promise<void> {
  const handle = await open(path, "r");
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(FTYP_SEARCH_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  for (let at = 0; at + 8 <= head.length; ) {
    const size = head.readUInt32BE(at);
    const type = head.toString("latin1", at + 4, at + 8);
    if (type === "ftyp") return;
    if (!["free", "skip", "wide", "pdin"].includes(type) || size < 8) break;
    at += size;
  }
  const what =
    head[0] === 0x1f && head[1] === 0x8b
      ? "gzip-compressed data"
      : head.length === 0
        ? "nothing"
        : `bytes starting ${head.subarray(0, 4).toString("hex").replace(/(..)(?=.)/g, "$1 ")}`;
  throw new VideoMakerError("download_failed", `the server sent something that is not an MP4 video (${what})`);
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

/** Where a broken download stopped: the bytes already on disk and the file they belong to. */
interface ResumePoint {
  bytes: number;
  /** A strong ETag, else Last-Modified: sent as `If-Range` so a changed file comes whole, never spliced. */
  validator: string | undefined;
}

/** A body that broke off before its end, with what is needed to ask for the rest. */
class BrokenBody extends Error {
  constructor(
    readonly reason: VideoMakerError,
    readonly bytesOnDisk: number,
    readonly validator: string | undefined,
    /** 206, or `Accept-Ranges: bytes`: asking for the rest is worth a try. */
    readonly rangesServed: boolean,
  ) {
    super(reason.message);
  }
}

/** Fetches `start` into `temp`, asking for the rest after each mid-body break that made progress. */
async function fetchResuming(
  http: NemoHttp,
  start: URL,
  auth: boolean,
  temp: string,
  options: DownloadOptions,
  held: ResumePoint | undefined,
): Promise<number> {
  let resume = held;
  for (let resumes = 0; ; resumes++) {
    try {
      return await fetchToFile(http, start, auth, temp, options, resume);
    } catch (error) {
      if (!(error instanceof BrokenBody)) throw error;
      const tries = resumes > 0 ? `, even after resuming ${resumes} time${resumes === 1 ? "" : "s"}` : "";
      const giveUp = new VideoMakerError("download_failed", `${error.reason.message}${tries}`, { cause: error.reason.cause });
      if (options.signal?.aborted || !error.rangesServed || resumes >= MAX_RESUMES || error.bytesOnDisk <= (resume?.bytes ?? 0)) throw giveUp;
      resume = { bytes: error.bytesOnDisk, validator: error.validator };
    }
  }
}

/** The first byte of a 206 answer's `Content-Range: bytes <first>-<last>/<size>`. */
function firstByteOf(contentRange: unknown): number | undefined {
  const match = /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(String(contentRange ?? "").trim());
  return match ? Number(match[1]) : undefined;
}

/** The file size a 416 answer states (`Content-Range: bytes *` then `/<size>`). */
function statedSize(contentRange: unknown): number | undefined {
  const match = /^bytes \*\/(\d+)$/.exec(String(contentRange ?? "").trim());
  return match ? Number(match[1]) : undefined;
}

function validatorOf(headers: Record<string, unknown>): string | undefined {
  const etag = headers["etag"];
  // If-Range takes only a strong ETag (RFC 9110 13.1.5); a weak one would never match.
  if (typeof etag === "string" && etag.startsWith('"')) return etag;
  const modified = headers["last-modified"];
  return typeof modified === "string" && modified ? modified : undefined;
}

async function fetchToFile(
  http: NemoHttp,
  start: URL,
  auth: boolean,
  temp: string,
  options: DownloadOptions,
  resume: ResumePoint | undefined,
): Promise<number> {
  let url = start;
  const maxRedirects = options.maxRedirects ?? MAX_REDIRECTS;
  for (let hop = 0; ; hop++) {
    // The file as it is: a compressed answer would be saved as the video (undici does not decode).
    const headers: Record<string, string> = { accept: "video/mp4,*/*", "accept-encoding": "identity" };
    if (resume) {
      headers["range"] = `bytes=${resume.bytes}-`;
      if (resume.validator) headers["if-range"] = resume.validator;
    }
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
    // Asked for the rest of a file we already hold in full (it broke after its last byte).
    if (resume && status === 416 && statedSize(response.headers["content-range"]) === resume.bytes) {
      await response.body.dump().catch(() => {});
      return resume.bytes;
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
    // A server that compresses anyway (Content-Encoding: gzip, br, …) is refused, not saved as the video.
    const encoding = String(response.headers["content-encoding"] ?? "").trim().toLowerCase();
    if (encoding && encoding !== "identity") {
      await response.body.dump().catch(() => {});
      const shown = encoding.replace(/[^a-z0-9, -]/g, "").slice(0, 40);
      throw new VideoMakerError("download_failed", `the server sent the video compressed (Content-Encoding: ${shown}) although it was asked not to`);
    }
    // 206 continues the file on disk; any other 2xx (a server that ignores Range, or a file
    // that changed since, per If-Range) is the whole file again, written from the start.
    let offset = 0;
    if (resume && status === 206) {
      if (firstByteOf(response.headers["content-range"]) !== resume.bytes) {
        await response.body.dump().catch(() => {});
        throw new VideoMakerError("download_failed", "the server resumed the download at the wrong place");
      }
      offset = resume.bytes;
    }
    const lengthHeader = response.headers["content-length"];
    const expected = lengthHeader !== undefined ? offset + Number(lengthHeader) : undefined;
    const validator = validatorOf(response.headers);
    const rangesServed = status === 206 || String(response.headers["accept-ranges"] ?? "").toLowerCase() === "bytes";
    let received = offset;
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
    let windowStartBytes = received;
    const speedWatch =
      floor > 0
        ? setInterval(() => {
            if (((received - windowStartBytes) * 1000) / windowMs < floor) {
              stalled = true;
              response.body.destroy(new Error("download too slow"));
            }
            windowStartBytes = received;
          }, windowMs)
        : undefined;
    speedWatch?.unref();
    // A broken connection ends the file rather than destroying it: every byte that arrived is
    // written, so `received` is what the file holds and a resume asks for exactly the rest.
    let broke: unknown;
    const arrived = new PassThrough();
    response.body.once("error", (error) => {
      broke = error;
      arrived.end();
    });
    response.body.pipe(arrived);
    try {
      await pipeline(arrived, counter, createWriteStream(temp, { mode: 0o644, flags: offset > 0 ? "a" : "w" }));
    } catch (error) {
      response.body.destroy();
      const code = (error as NodeJS.ErrnoException).code;
      throw new VideoMakerError("download_failed", `the video could not be written to ${dirname(temp)}${code ? ` (${code})` : ""}`);
    } finally {
      clearInterval(speedWatch);
    }
    if (broke !== undefined) {
      if (stalled) {
        throw new VideoMakerError(
          "download_failed",
          `the download was too slow (under ${floor} bytes per second for ${Math.round(windowMs / 1000)} s, ${received} bytes${expected ? ` of ${expected}` : ""} received)`,
        );
      }
      const reason = new VideoMakerError("download_failed", `the connection broke after ${received} bytes${expected ? ` of ${expected}` : ""}`, {
        cause: redactSecrets(String(broke)),
      });
      throw options.signal?.aborted ? reason : new BrokenBody(reason, received, validator, rangesServed);
    }
    if (expected !== undefined && Number.isFinite(expected) && received !== expected) {
      const reason = new VideoMakerError("download_failed", `the download was cut short (${received} of ${expected} bytes)`);
      throw received < expected ? new BrokenBody(reason, received, validator, rangesServed) : reason;
    }
    if (received === 0) throw new VideoMakerError("download_failed", "the downloaded file was empty");
    return received;
  }
}
