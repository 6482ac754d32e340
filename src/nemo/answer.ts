import type { Dispatcher } from "undici";
import { VideoMakerError } from "../core/errors.js";

/**
 * Reading one answer from NemoVideo: bodies read with a size cap (a JSON answer is never
 * buffered past it), a JSON body handed back after it was read to look for an error
 * envelope, and the per-attempt deadline on a whole answer.
 */

export interface RawResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData["body"];
  /** True once the answer deadline cut the call short (the body then fails to read). */
  timedOut?: () => boolean;
}

/** JSON answers larger than this are refused rather than buffered. */
export const MAX_JSON_BYTES = 16 * 1024 * 1024;

export function isJson(response: RawResponse): boolean {
  const type = response.headers["content-type"];
  const value = Array.isArray(type) ? type[0] : type;
  return typeof value === "string" && /\bjson\b/i.test(value);
}

/** After reading a JSON 2xx body to check for an error envelope, hand the text back as a body. */
export function replayResponse(response: RawResponse, text: string): RawResponse {
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

export function contentLengthOf(response: RawResponse): number | undefined {
  const raw = response.headers["content-length"];
  const value = Number(Array.isArray(raw) ? raw[0] : raw);
  return raw !== undefined && Number.isFinite(value) ? value : undefined;
}

/** The per-attempt limit on a whole answer, chained to the caller's signal for cancellation. */
export class AnswerDeadline {
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
