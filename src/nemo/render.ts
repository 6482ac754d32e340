import { z } from "zod";
import type { Draft } from "../core/draft.js";
import { VideoMakerError } from "../core/errors.js";
import type { NemoHttp } from "./http.js";
import { sleep } from "./http.js";
import { clean } from "./envelope.js";

/**
 * Cloud export: start a render with a fresh id, poll it (quickly at first, backing off
 * to ~10 s); download.ts then fetches the file. Both documented status shapes are
 * accepted (`outputUrl` or `output.url`, wrapped in `data` or not).
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

/** The service's reason for a failed render (already plain text), kept for the message after a retry. */
const failureReasons = new WeakMap<VideoMakerError, string>();

export function renderFailed(reason: string | undefined, triedTwice = false): VideoMakerError {
  const what = triedTwice ? "The cloud render failed twice (the second time as a new render)" : "The cloud render failed";
  const error = new VideoMakerError(
    "render_failed",
    `${what}${reason ? `: ${reason}` : ""}. Nothing was charged for the export; try exporting again${triedTwice ? " later" : ""}.`,
  );
  if (reason) failureReasons.set(error, reason);
  return error;
}

/** Why a render failed, as the service said it or as the failed start was explained. */
export function renderFailureReason(error: VideoMakerError): string | undefined {
  return error.code === "render_failed" ? failureReasons.get(error) : error.message.replace(/\.$/, "");
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
    if (status.status === "failed") throw renderFailed(status.error);
    if (Date.now() > deadline) {
      throw new VideoMakerError(
        "timeout",
        `The render is still running after ${Math.round(timing.deadlineMs / 60_000)} minutes. It may still finish: check it again later.`,
      );
    }
  }
}
