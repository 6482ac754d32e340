/**
 * ADK-style SSE for the fake: event builders, canned scripts, and the chunking writer.
 *
 * ADK's `/run_sse` writes `data: <json>\n\n` per event, no `event:`/`id:` lines, no end marker.
 * Events use camelCase keys (`invocationId`, `turnComplete`, `functionCall`, …) and omit unset
 * fields. A function response event carries `role: "user"`, as ADK does.
 */
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { SseScript } from "./types.js";

export interface AdkEventOptions {
  partial?: boolean;
  author?: string;
  /** Extra options: */
  invocationId?: string;
  turnComplete?: boolean;
  id?: string;
  role?: string;
}

function adkEvent(parts: object[], opts: AdkEventOptions = {}): Record<string, unknown> {
  const event: Record<string, unknown> = {
    content: { role: opts.role ?? "model", parts },
    author: opts.author ?? "nemo_agent",
    id: opts.id ?? randomUUID(),
    invocationId: opts.invocationId ?? `e-${randomUUID()}`,
    timestamp: Date.now() / 1000,
    actions: { stateDelta: {}, artifactDelta: {}, requestedAuthConfigs: {} },
  };
  if (opts.partial !== undefined) event.partial = opts.partial;
  if (opts.turnComplete !== undefined) event.turnComplete = opts.turnComplete;
  return event;
}

export function adkText(text: string, opts: AdkEventOptions = {}): Record<string, unknown> {
  return adkEvent([{ text }], opts);
}

/** Hidden reasoning: a text part with `thought: true` (never for the person). */
export function adkThought(text: string, opts: AdkEventOptions = {}): Record<string, unknown> {
  return adkEvent([{ text, thought: true }], opts);
}

export function adkFunctionCall(
  name: string,
  args: Record<string, unknown>,
  opts: AdkEventOptions & { callId?: string } = {},
): Record<string, unknown> {
  return adkEvent([{ functionCall: { id: opts.callId ?? `adk-${randomUUID()}`, name, args } }], opts);
}

export function adkFunctionResponse(
  name: string,
  response: Record<string, unknown>,
  opts: AdkEventOptions & { callId?: string } = {},
): Record<string, unknown> {
  return adkEvent([{ functionResponse: { id: opts.callId ?? `adk-${randomUUID()}`, name, response } }], {
    role: "user",
    ...opts,
  });
}

/** An exception inside the stream: one `data: {"error": "..."}` frame (then the close). */
export function adkError(message: string): { error: string } {
  return { error: message };
}

export const DEFAULT_FINAL_TEXT =
  'Added the title "Urban Dreams" 🎬 — 已添加标题. Click the Export button to render.';
export const DEFAULT_PARTIALS = ['Added the title "Urban Dreams" 🎬 — ', "已添加标题. Click the Export button to render."];

export const TITLE_SEGMENT = { id: "title-1", st: 0, d: 3000, tx: "Urban Dreams" };
export const BGM_SEGMENT = { id: "bgm-1", st: 0, d: 10000, n: "Lo-fi", v: 0.35 };

/** Appends `{tt, sg:[segment]}` unless a segment with that id is already in the draft. */
function appendTrackOnce(draft: any, tt: number, segment: { id: string; st: number; d: number }): void {
  if (!draft || typeof draft !== "object") return;
  if (!Array.isArray(draft.t)) draft.t = [];
  const exists = draft.t.some(
    (track: any) => Array.isArray(track?.sg) && track.sg.some((sg: any) => sg?.id === segment.id),
  );
  if (!exists) draft.t.push({ tt, sg: [{ ...segment }] });
  const end = segment.st + segment.d;
  if (typeof draft.d !== "number" || draft.d < end) draft.d = end;
}

export function addTitleTrack(draft: any): void {
  appendTrackOnce(draft, 7, TITLE_SEGMENT);
}

export function addBgmTrack(draft: any): void {
  appendTrackOnce(draft, 1, BGM_SEGMENT);
}

/**
 * The default edit: a thought, a tool call + draft change + tool result, two partial text chunks,
 * then the complete final text (Chinese and an emoji in it, so chunk splits hit multi-byte chars).
 */
export function defaultSseScript(message: string): SseScript {
  const invocationId = `e-${randomUUID()}`;
  const callId = `adk-${randomUUID()}`;
  return {
    steps: [
      { event: adkThought(`The user asked: "${message}". A title overlay fits.`, { invocationId }) },
      {
        event: adkFunctionCall(
          "add_text_overlay",
          { text: "Urban Dreams", start_ms: 0, duration_ms: 3000 },
          { invocationId, callId },
        ),
      },
      { mutateDraft: addTitleTrack },
      {
        event: adkFunctionResponse(
          "add_text_overlay",
          { status: "success", track_type: 7, segment_id: "title-1" },
          { invocationId, callId },
        ),
      },
      { event: adkText(DEFAULT_PARTIALS[0]!, { partial: true, invocationId }) },
      { event: adkText(DEFAULT_PARTIALS[1]!, { partial: true, invocationId }) },
      { event: adkText(DEFAULT_FINAL_TEXT, { invocationId, turnComplete: true }) },
    ],
  };
}

/** What the agent sometimes adds after a complete reply (SKILL.md: ignore it if the replies before were normal). */
export const TEMPORARY_ISSUE_TEXT = "I encountered a temporary issue. Please try again in a moment.";

/**
 * The default edit, complete, then a trailing "I encountered a temporary issue": as a last text
 * event (`"text"`) or as an error frame (`"error"`).
 */
export function trailingIssueSseScript(message: string, as: "text" | "error"): SseScript {
  const script = defaultSseScript(message);
  script.steps.push({ event: as === "text" ? adkText(TEMPORARY_ISSUE_TEXT, { turnComplete: true }) : adkError(TEMPORARY_ISSUE_TEXT) });
  return script;
}

/** An edit that changes the draft (adds BGM) and says nothing: ~30% of real edits. */
export function noTextSseScript(): SseScript {
  const invocationId = `e-${randomUUID()}`;
  const callId = `adk-${randomUUID()}`;
  return {
    steps: [
      { event: adkFunctionCall("add_bgm", { name: "Lo-fi", volume: 0.35 }, { invocationId, callId }) },
      { mutateDraft: addBgmTrack },
      {
        event: adkFunctionResponse("add_bgm", { status: "success", track_type: 1, segment_id: "bgm-1" }, {
          invocationId,
          callId,
        }),
      },
    ],
  };
}

/**
 * `count` heartbeats, `intervalMs` apart, then the close — and no event at all. The heartbeats
 * rotate through the three documented shapes: a comment, an empty `data:` frame, non-JSON data.
 */
export function heartbeatOnlySseScript(count: number, intervalMs: number): SseScript {
  const steps: SseScript["steps"] = [];
  for (let i = 0; i < count; i++) {
    steps.push({ delayMs: intervalMs });
    const kind = i % 3;
    if (kind === 0) steps.push({ comment: "heartbeat" });
    else if (kind === 1) steps.push({ emptyData: true });
    else steps.push({ raw: "data: heartbeat\n\n" });
  }
  return { steps };
}

/** A partial text chunk, then the connection drops (no clean end). */
export function droppedSseScript(options: { agentAddsBgmAfterMs?: number } = {}): SseScript {
  const invocationId = `e-${randomUUID()}`;
  const goesOn = options.agentAddsBgmAfterMs;
  return {
    steps: [
      { event: adkThought("Working out where the captions go.", { invocationId }) },
      { event: adkText("Adding captions to your ", { partial: true, invocationId }) },
      { delayMs: 20 },
      goesOn === undefined ? { drop: true } : { drop: true, afterMs: goesOn, thenMutateDraft: addBgmTrack },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Writing

export type SseChunking = "whole" | "tiny" | "random";

/** mulberry32: a tiny deterministic PRNG. */
export function makeRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Chunk sizes for `bytes`. `tiny`: 1–3 bytes, and always a cut inside every multi-byte UTF-8
 * character (after its lead byte) and between every CR and LF. `random`: 1–400 bytes, skewed small.
 */
export function planChunks(bytes: Buffer, mode: SseChunking, rng: () => number): number[] {
  if (mode === "whole" || bytes.length === 0) return [bytes.length];
  const sizes: number[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    let size: number;
    if (mode === "tiny") {
      size = 1 + Math.floor(rng() * 3);
      for (let i = pos; i < pos + size && i < bytes.length; i++) {
        const b = bytes[i]!;
        const forcedCut = b >= 0xc0 || (b === 0x0d && bytes[i + 1] === 0x0a);
        if (forcedCut) {
          size = i + 1 - pos;
          break;
        }
      }
    } else {
      size = rng() < 0.5 ? 1 + Math.floor(rng() * 8) : 9 + Math.floor(rng() * 392);
    }
    size = Math.min(size, bytes.length - pos);
    sizes.push(size);
    pos += size;
  }
  return sizes;
}

/** Writes bytes to an SSE response, chunked per mode, waiting for each write to flush. */
export class SseWriter {
  private gone = false;
  private readonly goneWaiters = new Set<() => void>();

  constructor(
    private readonly res: ServerResponse,
    private readonly rng: () => number,
  ) {
    const onGone = () => {
      this.gone = true;
      for (const wake of this.goneWaiters) wake();
      this.goneWaiters.clear();
    };
    res.once("close", onGone);
    res.socket?.once("close", onGone);
  }

  get closed(): boolean {
    return this.gone || this.res.destroyed || this.res.writableEnded;
  }

  /** Resolves after `ms`, or early when the connection goes. */
  sleep(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.goneWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.goneWaiters.add(done);
    });
  }

  async write(bytes: Buffer, mode: SseChunking): Promise<boolean> {
    let pos = 0;
    for (const size of planChunks(bytes, mode, this.rng)) {
      if (this.closed) return false;
      await this.writeOne(bytes.subarray(pos, pos + size));
      pos += size;
      if (mode !== "whole") await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return !this.closed;
  }

  private writeOne(chunk: Buffer): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.goneWaiters.delete(done);
        resolve();
      };
      this.goneWaiters.add(done);
      try {
        this.res.write(chunk, () => done());
      } catch {
        done();
      }
    });
  }
}
