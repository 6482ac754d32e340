import type { EditResult, OperationContext } from "../core/backend.js";
import { diffDrafts } from "../core/diff.js";
import type { Draft } from "../core/draft.js";
import { VideoMakerError, redactSecrets } from "../core/errors.js";
import { plainText } from "../core/plain-text.js";
import { type GuiNames, translateGui } from "../core/gui.js";
import { summarizeTimeline } from "../core/summary.js";
import { type StreamLimits, runAgentStream } from "./edit-stream.js";
import { clean } from "./envelope.js";
import { type NemoHttp, sleep } from "./http.js";
import { fetchDraft } from "./state.js";

/**
 * One edit by the agent, told as the person should hear it: the draft is read before and
 * after the stream, so the changes come from the state, not from the agent's words; the
 * agent's activity becomes progress lines; a stream that ended early is reported with what
 * it did change; and the reply's GUI language is translated. Nothing here resends the
 * instruction, since a resent edit is charged twice.
 */

/**
 * NemoVideo's own rule after a lost stream (its skill, "SSE Disconnect Recovery"): never resend;
 * wait ~30 s and read the state, then every ~60 s; after 5 reads with no change, say what is known.
 */
export interface DropRecovery {
  firstWaitMs: number;
  everyMs: number;
  unchangedReads: number;
}

export const DEFAULT_DROP_RECOVERY: DropRecovery = { firstWaitMs: 30_000, everyMs: 60_000, unchangedReads: 5 };

export interface EditOptions {
  streamLimits?: Partial<StreamLimits>;
  dropRecovery?: Partial<DropRecovery>;
  /** What the agent's GUI language is rewritten to point at. */
  guiNames?: GuiNames;
}

export async function runEdit(
  http: NemoHttp,
  sessionId: string,
  instruction: string,
  options: EditOptions,
  context: OperationContext = {},
): Promise<EditResult> {
  const before = await fetchDraft(http, sessionId, context.signal);
  context.onProgress?.({ stage: "agent", message: "agent: reading the request" });
  let lastHeartbeatNote = 0;
  const stream = await runAgentStream(http, sessionId, instruction, {
    ...(options.streamLimits ? { limits: options.streamLimits } : {}),
    ...(context.signal ? { signal: context.signal } : {}),
    onActivity: (activity) => {
      if (activity.kind === "tool_call") context.onProgress?.({ stage: "agent", message: `agent: ${activity.label}` });
      else if (activity.kind === "thought") context.onProgress?.({ stage: "agent", message: "agent: thinking" });
      else if (activity.kind === "heartbeat" && Date.now() - lastHeartbeatNote > 10_000) {
        lastHeartbeatNote = Date.now();
        context.onProgress?.({ stage: "agent", message: "agent: still working" });
      }
    },
  });
  // The agent may quote a secret (the bearer token) or send escapes and bidi overrides: nothing
  // it says is passed on as it came.
  stream.reply = redactSecrets(plainText(stream.reply));
  if (stream.summary.errorMessage) {
    throw new VideoMakerError(
      "upstream",
      `The NemoVideo agent stopped with an error: ${clean(stream.summary.errorMessage)}. The edit was not resent; check the timeline before trying again.`,
    );
  }
  let after: Draft;
  let watched: { reads: number; waitedMs: number } | undefined;
  try {
    if (stream.ending === "closed") after = await fetchDraft(http, sessionId, context.signal);
    else ({ after, ...watched } = await watchAfterDrop(http, sessionId, before, { ...DEFAULT_DROP_RECOVERY, ...options.dropRecovery }, context));
  } catch (error) {
    throw afterEditFailure(error, stream.reply, options.guiNames);
  }
  const changes = diffDrafts(before, after);
  const timeline = summarizeTimeline(after);

  if (stream.ending !== "closed") {
    const why =
      stream.ending === "dropped"
        ? "The connection to the agent dropped before it finished"
        : stream.ending === "idle"
          ? "The agent went silent for too long"
          : "The edit ran past the 15-minute limit";
    const checked = watched ? ` in ${watched.reads} checks over ${minutesText(watched.waitedMs)}` : "";
    if (changes.length === 0) {
      const said = stream.reply ? ` The agent had said: "${translateGui(stream.reply, options.guiNames).text}"` : "";
      throw new VideoMakerError(
        stream.ending === "dropped" ? "stream_dropped" : "timeout",
        `${why} and the timeline did not change${checked}. The edit was not resent automatically (that could charge twice); send it again if you want it.${said}`,
      );
    }
    const partial = stream.reply ? ` The agent had said: "${translateGui(stream.reply, options.guiNames).text}"` : "";
    return {
      reply: `${why}, but the timeline changed: ${changes.join("; ") || "see the timeline"}.${partial}`,
      replied: false,
      changes,
      timeline,
      suggestsExport: false,
    };
  }

  if (stream.reply) {
    const translated = translateGui(stream.reply, options.guiNames);
    return { reply: translated.text, replied: true, changes, timeline, suggestsExport: translated.suggestsExport };
  }
  // About 30% of edits end without text: describe what the state says changed.
  const reply =
    changes.length > 0
      ? `Done. ${changes.join("; ")}.`
      : "The agent finished without a reply and the timeline did not change. Try a more specific instruction.";
  return { reply, replied: false, changes, timeline, suggestsExport: false };
}

/**
 * Reads the state after a lost stream, as NemoVideo's skill says: after `firstWaitMs`, then every
 * `everyMs`, until it differs from `before` or `unchangedReads` reads found no change. Never resends.
 */
async function watchAfterDrop(
  http: NemoHttp,
  sessionId: string,
  before: Draft,
  recovery: DropRecovery,
  context: OperationContext,
): Promise<{ after: Draft; reads: number; waitedMs: number }> {
  let after = before;
  let waitedMs = 0;
  const reads = Math.max(1, recovery.unchangedReads);
  for (let read = 1; read <= reads; read++) {
    const wait = read === 1 ? recovery.firstWaitMs : recovery.everyMs;
    context.onProgress?.({ stage: "agent", message: `connection to the agent lost; checking the timeline in ${secondsText(wait)} (${read} of ${reads})` });
    await sleep(wait, context.signal);
    waitedMs += wait;
    after = await fetchDraft(http, sessionId, context.signal);
    if (diffDrafts(before, after).length > 0) return { after, reads: read, waitedMs };
  }
  return { after, reads, waitedMs };
}

function secondsText(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`;
}

function minutesText(ms: number): string {
  return ms >= 90_000 ? `about ${Math.round(ms / 60_000)} minutes` : secondsText(ms);
}

/** What the agent did before the state read failed, kept for the message that replaces a lost session's. */
const afterEditNotes = new WeakMap<VideoMakerError, string>();

/** The note an error from after a finished edit carries ("the agent had already finished…"), or "". */
export function afterEditNote(error: VideoMakerError): string {
  return afterEditNotes.get(error) ?? "";
}

/** The edit went through (and was charged) but the state read after it failed: keep what the agent said. */
function afterEditFailure(error: unknown, reply: string, guiNames?: GuiNames): unknown {
  if (!(error instanceof VideoMakerError) || error.code === "cancelled") return error;
  const said = reply ? ` and said: "${translateGui(reply, guiNames).text}"` : "";
  const note = ` (The agent had already finished this edit${said}; it was not resent.)`;
  const wrapped = new VideoMakerError(error.code, `${error.message}${note}`, {
    ...(error.upstreamCode !== undefined ? { upstreamCode: error.upstreamCode } : {}),
    ...(error.httpStatus !== undefined ? { httpStatus: error.httpStatus } : {}),
    ...(error.link !== undefined ? { link: error.link } : {}),
    cause: error,
  });
  afterEditNotes.set(wrapped, note);
  return wrapped;
}
