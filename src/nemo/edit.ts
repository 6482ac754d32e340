import type { EditResult, OperationContext } from "../core/backend.js";
import { diffDrafts } from "../core/diff.js";
import type { Draft } from "../core/draft.js";
import { VideoMakerError, redactSecrets } from "../core/errors.js";
import { type GuiNames, translateGui } from "../core/gui.js";
import { summarizeTimeline } from "../core/summary.js";
import { type StreamLimits, runAgentStream } from "./edit-stream.js";
import type { NemoHttp } from "./http.js";
import { fetchDraft } from "./state.js";

/**
 * One edit by the agent, told as the person should hear it: the draft is read before and
 * after the stream, so the changes come from the state, not from the agent's words; the
 * agent's activity becomes progress lines; a stream that ended early is reported with what
 * it did change; and the reply's GUI language is translated. Nothing here resends the
 * instruction, since a resent edit is charged twice.
 */

export interface EditOptions {
  streamLimits?: Partial<StreamLimits>;
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
  // The agent may quote a secret (the bearer token): nothing it says is passed on as it came.
  stream.reply = redactSecrets(stream.reply);
  if (stream.summary.errorMessage) {
    throw new VideoMakerError(
      "upstream",
      `The NemoVideo agent stopped with an error: ${stream.summary.errorMessage}. The edit was not resent; check the timeline before trying again.`,
    );
  }
  let after: Draft;
  try {
    after = await fetchDraft(http, sessionId, context.signal);
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
    if (changes.length === 0 && !stream.reply) {
      throw new VideoMakerError(
        stream.ending === "dropped" ? "stream_dropped" : "timeout",
        `${why} and the timeline did not change. The edit was not resent automatically (that could charge twice); send it again if you want it.`,
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
