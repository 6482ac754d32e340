import { VideoMakerError } from "../core/errors.js";
import type { NemoHttp } from "./http.js";
import { networkError } from "./errors.js";
import { type AdkStreamSummary, type AgentActivity, AdkStreamReader } from "./sse.js";

/**
 * Sends one instruction to the agent and reads its stream to the end. The request is
 * sent once: if the stream drops, the caller checks the state instead of resending,
 * because a resent edit is charged twice.
 */

export interface StreamLimits {
  /** The service allows an edit up to 15 minutes. */
  totalMs: number;
  /** No byte at all (not even a heartbeat) for this long means the stream is dead. */
  idleMs: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = { totalMs: 15 * 60_000, idleMs: 5 * 60_000 };

export type StreamEnding = "closed" | "dropped" | "idle" | "total";

export interface AgentStreamResult {
  reply: string;
  summary: AdkStreamSummary;
  ending: StreamEnding;
}

export interface AgentStreamOptions {
  limits?: Partial<StreamLimits>;
  signal?: AbortSignal;
  onActivity?: (activity: AgentActivity) => void;
}

export async function runAgentStream(
  http: NemoHttp,
  sessionId: string,
  instruction: string,
  options: AgentStreamOptions = {},
): Promise<AgentStreamResult> {
  const limits = { ...DEFAULT_STREAM_LIMITS, ...options.limits };
  const controller = new AbortController();
  let stopReason: StreamEnding | undefined;
  const stop = (reason: StreamEnding) => {
    stopReason ??= reason;
    controller.abort();
  };
  const onOuterAbort = () => controller.abort();
  options.signal?.addEventListener("abort", onOuterAbort, { once: true });
  const totalTimer = setTimeout(() => stop("total"), limits.totalMs);
  let idleTimer = setTimeout(() => stop("idle"), limits.idleMs);
  const touch = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => stop("idle"), limits.idleMs);
  };

  const reader = new AdkStreamReader(options.onActivity);
  try {
    let response;
    try {
      response = await http.send({
        method: "POST",
        path: "/run_sse",
        accept: "text/event-stream",
        json: {
          app_name: "nemo_agent",
          user_id: "me",
          session_id: sessionId,
          new_message: { role: "user", parts: [{ text: instruction }] },
        },
        signal: controller.signal,
        headersTimeoutMs: limits.idleMs,
        // Idle time is watched here, where heartbeats count as life.
        bodyTimeoutMs: 0,
        answerTimeoutMs: 0,
      });
    } catch (error) {
      throw beforeStreamError(error, options.signal, stopReason);
    }
    if (!isEventStream(response.headers["content-type"])) {
      // A proxy's login or error page with HTTP 200 would otherwise read as an edit that said nothing.
      await response.body.dump().catch(() => {});
      throw new VideoMakerError(
        "bad_response",
        `NemoVideo answered with something that is not the agent's stream (a web page from a proxy or network filter, perhaps). ${NOT_RESENT}`,
      );
    }

    let ending: StreamEnding = "closed";
    try {
      for await (const chunk of response.body) {
        touch();
        reader.pushBytes(chunk as Uint8Array);
      }
    } catch (error) {
      if (options.signal?.aborted) throw new VideoMakerError("cancelled", "The edit was cancelled.");
      if (error instanceof VideoMakerError) {
        throw new VideoMakerError(error.code, `${error.message} ${NOT_RESENT}`);
      }
      ending = stopReason ?? "dropped";
    }
    const summary = reader.finish();
    http.trace?.(
      `/run_sse ended (${ending}): ${summary.events} events, ${summary.heartbeats} heartbeats, ` +
        `tools ${summary.toolCalls.join(", ") || "none"}, reply ${reader.reply().length} characters` +
        `${summary.errorMessage !== undefined ? ", with an error" : ""}`,
    );
    return { reply: reader.reply(), summary, ending };
  } finally {
    clearTimeout(totalTimer);
    clearTimeout(idleTimer);
    options.signal?.removeEventListener("abort", onOuterAbort);
  }
}

const NOT_RESENT = "The edit was not resent; check the timeline before trying again.";

function isEventStream(contentType: string | string[] | undefined): boolean {
  const value = Array.isArray(contentType) ? contentType[0] : contentType;
  // No type at all is tolerated (a bare ADK server); anything else must say it is a stream.
  return value === undefined || /^\s*text\/event-stream\b/i.test(value);
}

function beforeStreamError(error: unknown, outer: AbortSignal | undefined, stopReason: StreamEnding | undefined) {
  if (outer?.aborted) return new VideoMakerError("cancelled", "The edit was cancelled before it started.");
  if (stopReason === "idle" || stopReason === "total") {
    return new VideoMakerError(
      "timeout",
      `The NemoVideo agent did not start answering in time. ${NOT_RESENT}`,
    );
  }
  if (error instanceof VideoMakerError) {
    if (error.httpStatus === 404 && error.code === "upstream") {
      return new VideoMakerError("session_lost", "The editing session no longer exists on NemoVideo.", {
        httpStatus: 404,
      });
    }
    if (error.httpStatus === 422) {
      return new VideoMakerError(
        "upstream",
        "NemoVideo could not read the edit request (HTTP 422). This is a bug in video-maker; please report it.",
        { httpStatus: 422 },
      );
    }
    // The instruction may have reached the agent before the connection broke: resending could charge twice.
    if (error.code === "network" || error.code === "timeout") return new VideoMakerError(error.code, `${error.message} ${NOT_RESENT}`);
    return error;
  }
  return networkError(error, outer);
}
