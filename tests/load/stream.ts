import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import type { SseScript, SseStep } from "../fake-nemo/server.js";
import { adkFunctionCall, adkFunctionResponse, adkText, adkThought } from "../fake-nemo/server.js";

/**
 * Load, part 2: a 15-minute agent edit, time-compressed. The fake streams an agent that
 * works for longer than the limit, with a heartbeat every few ms and thousands of events;
 * the client's limits are scaled down by the same factor, so it believes 15 minutes passed.
 * Shared by tests/load and bench/load.
 */

const run = promisify(execFile);
const FIFTEEN_MINUTES_MS = 15 * 60_000;
const TOOLS = ["add_captions", "trim_clip", "add_transition", "analyze_video", "add_text_overlay", "adjust_volume"];

export interface Streamed {
  /** Bytes the fake has written so far (updated as it plays). */
  bytes: number;
  frames: number;
  events: number;
}

/**
 * An agent that never stops on its own within `playMs`: per cycle, heartbeats of all three
 * documented shapes `heartbeatMs` apart, a thought, a tool call and its result (a draft change
 * now and then), two partial text chunks and the complete text they add up to.
 */
export function endlessAgentScript(playMs: number, heartbeatMs: number, streamed: Streamed): SseScript {
  const steps: SseStep[] = [];
  const frame = (text: string, isEvent: boolean): SseStep => {
    // A note the fake plays back as it goes: what it has sent, for the figures.
    const bytes = Buffer.byteLength(text);
    steps.push({ mutateDraft: () => ((streamed.bytes += bytes), (streamed.frames += 1), (streamed.events += isEvent ? 1 : 0)) });
    return { raw: text };
  };
  const event = (body: object) => frame(`data: ${JSON.stringify(body)}\n\n`, true);
  const heartbeats = ["comment", "empty", "text"] as const;
  let elapsed = 0;
  for (let cycle = 0; elapsed < playMs; cycle++) {
    for (const kind of heartbeats) {
      steps.push({ delayMs: heartbeatMs });
      elapsed += heartbeatMs;
      steps.push(frame(kind === "comment" ? ": still working\n\n" : kind === "empty" ? "data:\n\n" : "data: heartbeat\n\n", false));
    }
    const tool = TOOLS[cycle % TOOLS.length]!;
    steps.push(event(adkThought(`Cycle ${cycle}: deciding how to ${tool.replace(/_/g, " ")}.`)));
    steps.push(event(adkFunctionCall(tool, { cycle, segment: `clip-${cycle % 12}`, detail: "x".repeat(200) })));
    if (cycle % 500 === 0) steps.push({ mutateDraft: (draft) => draft.t.push({ tt: 7, sg: [{ id: `cap-${cycle}`, st: 0, d: 1000, tx: `Caption ${cycle}` }] }) });
    steps.push(event(adkFunctionResponse(tool, { status: "success", cycle })));
    steps.push(event(adkText(`Step ${cycle}: `, { partial: true })));
    steps.push(event(adkText(`${tool.replace(/_/g, " ")} done — 第${cycle}步.`, { partial: true })));
    steps.push(event(adkText(`Step ${cycle}: ${tool.replace(/_/g, " ")} done — 第${cycle}步.`)));
  }
  return { steps };
}

export interface MemorySample {
  s: number;
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  resources: number;
}

export interface StreamRun {
  streamS: number;
  calls: number;
  progressNotes: number;
  result: { isError?: boolean; structuredContent?: Record<string, unknown>; content: Array<{ type: string; text?: string }> };
  samples: MemorySample[];
}

export interface StreamRunOptions {
  apiBase: string;
  home: string;
  /** How long the compressed 15 minutes last for the client. */
  compressedMs: number;
  sampleMs: number;
  waitSeconds: number;
  /** Play one edit first (queue a short script for it), so JIT warm-up is not read as growth. */
  warmUp: boolean;
}

/** Runs bench/load/stream-client.mjs (dist/, --expose-gc) with the client's limits scaled to `compressedMs`. */
export async function runStreamClient(options: StreamRunOptions): Promise<StreamRun> {
  const scale = options.compressedMs / FIFTEEN_MINUTES_MS;
  const job = {
    apiBase: options.apiBase,
    home: options.home,
    totalMs: options.compressedMs,
    idleMs: Math.round(5 * 60_000 * scale),
    sampleMs: options.sampleMs,
    waitSeconds: options.waitSeconds,
    warmUp: options.warmUp,
  };
  const { stdout } = await run(process.execPath, ["--expose-gc", resolve("bench/load/stream-client.mjs"), JSON.stringify(job)], {
    maxBuffer: 64 * 1024 * 1024,
    timeout: options.compressedMs * 3 + 60_000,
  });
  return JSON.parse(stdout.trim().split("\n").pop()!) as StreamRun;
}

export interface MemoryVerdict {
  /** Samples taken while the stream ran (the first and last are the baseline and the end). */
  samples: number;
  heapFirstThirdMb: number;
  heapLastThirdMb: number;
  heapGrowthMb: number;
  /** Least-squares slope of heapUsed after GC over the last two thirds (the first third warms up the long-stream code), MB per minute of wall time. */
  heapSlopeMbPerMin: number;
  rssFirstThirdMb: number;
  rssLastThirdMb: number;
  rssPeakMb: number;
  resourcesFirst: number;
  resourcesMax: number;
  problems: string[];
}

export interface MemoryLimits {
  /** Heap after GC, last third over first third. */
  heapMarginMb: number;
  rssMarginMb: number;
  heapSlopeMbPerMin: number;
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 100) / 100;
const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

function slopePerSecond(points: MemorySample[]): number {
  const xs = points.map((p) => p.s);
  const ys = points.map((p) => p.heapUsed);
  const mx = mean(xs);
  const my = mean(ys);
  return xs.reduce((sum, x, i) => sum + (x - mx) * (ys[i]! - my), 0) / (xs.reduce((sum, x) => sum + (x - mx) ** 2, 0) || 1);
}

/** Flat means: the last third close to the first (heap after GC and RSS), no steady climb, no handles piling up. */
export function judgeMemory(samples: MemorySample[], limits: MemoryLimits): MemoryVerdict {
  const during = samples.slice(1, -1);
  const third = Math.max(1, Math.floor(during.length / 3));
  const first = during.slice(0, third);
  const last = during.slice(-third);
  const heapFirst = mean(first.map((s) => s.heapUsed));
  const heapLast = mean(last.map((s) => s.heapUsed));
  const rssFirst = mean(first.map((s) => s.rss));
  const rssLast = mean(last.map((s) => s.rss));
  const slope = slopePerSecond(during.slice(third));
  const verdict: MemoryVerdict = {
    samples: during.length,
    heapFirstThirdMb: mb(heapFirst),
    heapLastThirdMb: mb(heapLast),
    heapGrowthMb: mb(heapLast - heapFirst),
    heapSlopeMbPerMin: mb(slope * 60),
    rssFirstThirdMb: mb(rssFirst),
    rssLastThirdMb: mb(rssLast),
    rssPeakMb: mb(Math.max(...samples.map((s) => s.rss))),
    resourcesFirst: during[0]?.resources ?? 0,
    resourcesMax: Math.max(...during.map((s) => s.resources)),
    problems: [],
  };
  if (during.length < 6) verdict.problems.push(`only ${during.length} samples during the stream`);
  if (heapLast - heapFirst > limits.heapMarginMb * 1024 * 1024) verdict.problems.push(`heap grew ${verdict.heapGrowthMb} MB (first third → last third)`);
  if (rssLast - rssFirst > limits.rssMarginMb * 1024 * 1024) verdict.problems.push(`RSS grew ${mb(rssLast - rssFirst)} MB (first third → last third)`);
  if (verdict.heapSlopeMbPerMin > limits.heapSlopeMbPerMin) verdict.problems.push(`heap climbs ${verdict.heapSlopeMbPerMin} MB/min`);
  if (verdict.resourcesMax > verdict.resourcesFirst + 10) verdict.problems.push(`active handles rose from ${verdict.resourcesFirst} to ${verdict.resourcesMax}`);
  return verdict;
}
