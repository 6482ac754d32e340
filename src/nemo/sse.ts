import { createParser, type EventSourceParser } from "eventsource-parser";
import { VideoMakerError } from "../core/errors.js";

/**
 * Reading the agent's ADK `/run_sse` stream. Frames are `data: <json>` only; the
 * stream ends when the connection closes. Heartbeats (comments, empty or non-JSON data)
 * mean "still working". Thoughts are hidden, tool calls and results are internal and
 * only surface as progress. Text comes as `partial` chunks followed by one complete
 * event; the complete one wins, the joined partials are the fallback.
 */

export type AgentActivity =
  | { kind: "heartbeat" }
  | { kind: "thought" }
  | { kind: "tool_call"; name: string; label: string }
  | { kind: "tool_result"; name: string; label: string }
  | { kind: "text"; partial: boolean };

export interface AdkStreamSummary {
  /** Complete (non-partial) texts, joined; the latest ones when there were more than MAX_REPLY_CHARS. */
  finalText: string;
  /** Partial text received after the last complete text. */
  pendingPartialText: string;
  /** From an `{"error":…}` frame or an event's errorCode/errorMessage. */
  errorMessage?: string;
  /** Distinct tool names, in the order first called (at most MAX_TOOL_NAMES). */
  toolCalls: string[];
  events: number;
  heartbeats: number;
}

type Bag = Record<string, unknown>;

/**
 * An edit may stream for 15 minutes: nothing kept per event may grow with the stream. The
 * reply keeps the latest complete texts up to this many characters (a person reads the end
 * of a long agent turn, and an MCP host should not get megabytes back).
 */
export const MAX_REPLY_CHARS = 6000;
const MAX_TOOL_NAMES = 50;

/** One frame larger than this is refused: the parser would otherwise hold a line that never ends. */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;

export class AdkStreamReader {
  private readonly parser: EventSourceParser;
  private readonly finals: string[] = [];
  private finalsChars = 0;
  private finalsDropped = false;
  private partial = "";
  private errorMessage: string | undefined;
  /** The error came after a complete reply (a trailing notice, not a failed edit, when it is the temporary-issue one). */
  private errorAfterReply = false;
  private readonly toolCalls = new Set<string>();
  private events = 0;
  private heartbeats = 0;
  /** Bytes fed since the last complete frame or comment. */
  private unframedBytes = 0;

  constructor(private readonly onActivity: (activity: AgentActivity) => void = () => {}) {
    this.parser = createParser({
      onEvent: (message) => {
        this.unframedBytes = 0;
        this.onData(message.data);
      },
      onComment: () => {
        this.unframedBytes = 0;
        this.heartbeat();
      },
    });
  }

  private readonly decoder = new TextDecoder("utf-8");

  /** Feed raw bytes; a UTF-8 character split across chunks is held until it is whole. */
  pushBytes(chunk: Uint8Array): void {
    this.unframedBytes += chunk.byteLength;
    if (this.unframedBytes > MAX_FRAME_BYTES) {
      throw new VideoMakerError(
        "bad_response",
        `The NemoVideo agent sent one message larger than ${MAX_FRAME_BYTES / 1024 / 1024} MB; it was not read.`,
      );
    }
    this.parser.feed(this.decoder.decode(chunk, { stream: true }));
  }

  /** Feed decoded text; the parser copes with CRLF and frames split anywhere. */
  push(text: string): void {
    this.parser.feed(text);
  }

  /** The stream closed: flush a last frame that had no blank line after it. */
  finish(): AdkStreamSummary {
    // A blank line ends a last frame that had none; after a complete frame it is a no-op.
    this.parser.feed(`${this.decoder.decode()}\n\n`);
    this.parser.reset();
    return this.summary();
  }

  summary(): AdkStreamSummary {
    // NemoVideo's skill: a trailing "I encountered a temporary issue" after a complete reply is
    // not an error (the edit went through); only as the sole answer does it mean one.
    const finals = this.finals.length > 1 && isTemporaryIssue(this.finals.at(-1)!) ? this.finals.slice(0, -1) : this.finals;
    const errorMessage =
      this.errorMessage !== undefined && !(this.errorAfterReply && isTemporaryIssue(this.errorMessage)) ? this.errorMessage : undefined;
    return {
      finalText: `${finals.length > 0 && this.finalsDropped ? "… " : ""}${finals.join("\n\n")}`.trim(),
      pendingPartialText: this.partial.trim(),
      ...(errorMessage !== undefined ? { errorMessage } : {}),
      toolCalls: [...this.toolCalls],
      events: this.events,
      heartbeats: this.heartbeats,
    };
  }

  /** The text for the person: complete texts, else whatever partials arrived. */
  reply(): string {
    const summary = this.summary();
    return summary.finalText || summary.pendingPartialText;
  }

  /** Adds a complete text, dropping the oldest ones beyond MAX_REPLY_CHARS (the newest always stays, cut to size). */
  private keepFinal(text: string): void {
    const kept = text.length > MAX_REPLY_CHARS ? `${text.slice(0, MAX_REPLY_CHARS - 1)}…` : text;
    // Each text costs its length plus the blank line that joins it to the next.
    this.finals.push(kept);
    this.finalsChars += kept.length + 2;
    while (this.finals.length > 1 && this.finalsChars - 2 > MAX_REPLY_CHARS) {
      this.finalsChars -= this.finals.shift()!.length + 2;
      this.finalsDropped = true;
    }
  }

  private noteError(message: string): void {
    this.errorMessage = message;
    this.errorAfterReply = this.finals.length > 0;
  }

  private heartbeat(): void {
    this.heartbeats++;
    this.onActivity({ kind: "heartbeat" });
  }

  private onData(data: string): void {
    const trimmed = data.trim();
    if (!trimmed) return this.heartbeat();
    let event: unknown;
    try {
      event = JSON.parse(trimmed);
    } catch {
      return this.heartbeat();
    }
    if (!isBag(event)) return this.heartbeat();
    this.events++;

    if (typeof event["error"] === "string" || isBag(event["error"])) {
      const error = event["error"];
      this.noteError(typeof error === "string" ? error : String((error as Bag)["message"] ?? "unknown error"));
      return;
    }
    const errorMessage = pick(event, "errorMessage", "error_message");
    const errorCode = pick(event, "errorCode", "error_code");
    if (typeof errorMessage === "string" || typeof errorCode === "string") {
      this.noteError(String(errorMessage ?? errorCode));
    }

    const content = pick(event, "content");
    const parts = isBag(content) && Array.isArray(content["parts"]) ? content["parts"] : [];
    const partial = pick(event, "partial") === true;
    let text = "";
    for (const part of parts) {
      if (!isBag(part)) continue;
      const call = pick(part, "functionCall", "function_call");
      const result = pick(part, "functionResponse", "function_response");
      if (isBag(call)) {
        const name = String(call["name"] ?? "tool");
        if (this.toolCalls.size < MAX_TOOL_NAMES) this.toolCalls.add(name);
        this.onActivity({ kind: "tool_call", name, label: describeTool(name) });
      } else if (isBag(result)) {
        const name = String(result["name"] ?? "tool");
        this.onActivity({ kind: "tool_result", name, label: describeTool(name) });
      } else if (typeof part["text"] === "string") {
        if (part["thought"] === true) {
          this.onActivity({ kind: "thought" });
        } else {
          text += part["text"];
        }
      }
    }
    if (!text) return;
    if (partial) {
      if (this.partial.length < MAX_REPLY_CHARS) this.partial = (this.partial + text).slice(0, MAX_REPLY_CHARS);
    } else {
      // The complete event repeats the partial chunks before it.
      this.keepFinal(text);
      this.partial = "";
    }
    this.onActivity({ kind: "text", partial });
  }
}

const TEMPORARY_ISSUE = /^\s*I(?: have)? encountered a temporary issue\b/i;

function isTemporaryIssue(text: string): boolean {
  return TEMPORARY_ISSUE.test(text);
}

function isBag(value: unknown): value is Bag {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** ADK docs show camelCase; some show snake_case. */
function pick(bag: Bag, ...keys: string[]): unknown {
  for (const key of keys) if (bag[key] !== undefined) return bag[key];
  return undefined;
}

const DOUBLED = new Set(["cut", "set", "get", "split", "trim", "put", "run", "stop", "drop", "clip"]);
const VERBS = new Set([
  "add", "remove", "generate", "create", "cut", "trim", "apply", "set", "update", "render", "analyze",
  "analyse", "upload", "search", "get", "fetch", "insert", "delete", "make", "merge", "split", "change",
  "adjust", "move", "replace", "transcribe", "detect", "edit", "compose", "build", "write", "translate",
  "read", "load", "mix", "put", "run", "clip", "drop", "stop", "crop", "scale", "resize",
]);

/** `add_captions` → "adding captions": tool names as progress lines, never their arguments. */
export function describeTool(name: string): string {
  const words = name
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .split(/[_\s.-]+/)
    .filter(Boolean)
    .map((word) => word.toLowerCase());
  if (words.length === 0) return "working";
  const [first, ...rest] = words;
  if (first && VERBS.has(first)) {
    let gerund: string;
    if (DOUBLED.has(first)) gerund = `${first}${first.at(-1)}ing`;
    else if (first.endsWith("e") && !first.endsWith("ee")) gerund = `${first.slice(0, -1)}ing`;
    else gerund = `${first}ing`;
    return [gerund, ...rest].join(" ");
  }
  return words.join(" ");
}
