import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { FakeNemo, RouteKey } from "../fake-nemo/server.js";

/**
 * Many tool calls in flight at once through one MCP client session: the plan (which call,
 * which file), the run (all at once, or one by one for the reference), and the checks that
 * every answer belongs to its own request and that the service saw exactly what was asked.
 * Shared by tests/load and bench/load.
 */

const run = promisify(execFile);

export type CallKind = "upload_media" | "get_state" | "get_credits";
export const CALL_KINDS: CallKind[] = ["upload_media", "get_state", "get_credits"];

export interface PlannedCall {
  index: number;
  kind: CallKind;
  /** upload_media: the one file this call uploads. */
  file?: string;
}

export interface CallOutcome extends PlannedCall {
  ms: number;
  result?: CallToolResult;
  thrown?: string;
}

/**
 * Real, byte-distinct media: one short clip and one tone made by ffmpeg, then remuxed (no
 * re-encode) into `count` files alternating mp4/mp3, each with its own title tag. One ffmpeg
 * run per kind keeps this cheap on two cores.
 */
export async function makeDistinctMedia(dir: string, count: number, tag: string): Promise<string[]> {
  const ffmpeg = (args: string[]) => run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", ...args]);
  const clip = join(dir, `base-${tag}.mp4`);
  const tone = join(dir, `base-${tag}.mp3`);
  await ffmpeg([
    "-f", "lavfi", "-i", "testsrc=size=160x90:rate=10:duration=1",
    "-f", "lavfi", "-i", "sine=frequency=440:duration=1",
    "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", clip,
  ]);
  await ffmpeg(["-f", "lavfi", "-i", "sine=frequency=220:duration=1", tone]);
  const files = Array.from({ length: count }, (_, i) => join(dir, `${tag} ${String(i).padStart(2, "0")} ✓.${i % 2 ? "mp3" : "mp4"}`));
  const outputs = (ext: string, base: string) => {
    const args = ["-i", base];
    files.forEach((file, i) => {
      if (file.endsWith(ext)) args.push("-map", "0", "-c", "copy", "-metadata", `title=${tag}-${i}`, file);
    });
    return args;
  };
  await ffmpeg(outputs(".mp4", clip));
  await ffmpeg(outputs(".mp3", tone));
  return files;
}

/** `total` calls cycling upload / state / credits, each upload with its own file; shuffled when a seed is given. */
export function planCalls(files: string[], total: number, seed?: number): PlannedCall[] {
  const uploads = [...files];
  const plan: PlannedCall[] = [];
  for (let i = 0; i < total; i++) {
    const kind = CALL_KINDS[i % CALL_KINDS.length]!;
    if (kind === "upload_media") {
      const file = uploads.shift();
      if (!file) throw new Error(`planCalls needs ${Math.ceil(total / 3)} files, got ${files.length}`);
      plan.push({ index: i, kind, file });
    } else plan.push({ index: i, kind });
  }
  if (seed !== undefined) shuffle(plan, seed);
  return plan;
}

function shuffle<T>(items: T[], seed: number): void {
  let state = seed >>> 0 || 1;
  const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

function argsOf(call: PlannedCall): Record<string, unknown> {
  return call.kind === "upload_media" ? { paths: [call.file] } : {};
}

async function callOne(client: Client, call: PlannedCall): Promise<CallOutcome> {
  const started = performance.now();
  try {
    const result = (await client.callTool({ name: call.kind, arguments: argsOf(call) })) as CallToolResult;
    return { ...call, ms: performance.now() - started, result };
  } catch (error) {
    return { ...call, ms: performance.now() - started, thrown: error instanceof Error ? error.message : String(error) };
  }
}

/** Every call issued before the first answer comes back. */
export async function runConcurrently(client: Client, plan: PlannedCall[]): Promise<{ wallMs: number; outcomes: CallOutcome[] }> {
  const started = performance.now();
  const outcomes = await Promise.all(plan.map((call) => callOne(client, call)));
  return { wallMs: performance.now() - started, outcomes };
}

/** The reference: the same calls, each waiting for the one before. */
export async function runSequentially(client: Client, plan: PlannedCall[]): Promise<{ wallMs: number; outcomes: CallOutcome[] }> {
  const started = performance.now();
  const outcomes: CallOutcome[] = [];
  for (const call of plan) outcomes.push(await callOne(client, call));
  return { wallMs: performance.now() - started, outcomes };
}

export interface Expectation {
  sessionId?: string;
  credits: number;
}

/** What is wrong with the answers, one line each; empty when every answer matches its own request. */
export function checkOutcomes(outcomes: CallOutcome[], expected: Expectation): string[] {
  const problems: string[] = [];
  const sessions = new Set<string>();
  for (const outcome of outcomes) {
    const label = `call ${outcome.index} (${outcome.kind}${outcome.file ? ` ${basename(outcome.file)}` : ""})`;
    if (outcome.thrown) {
      problems.push(`${label} threw: ${outcome.thrown}`);
      continue;
    }
    const result = outcome.result!;
    const text = result.content.map((block) => (block.type === "text" ? block.text : "")).join("\n");
    if (result.isError) {
      problems.push(`${label} failed: ${text}`);
      continue;
    }
    const out = result.structuredContent as Record<string, any> | undefined;
    if (outcome.kind === "upload_media") {
      const name = basename(outcome.file!);
      const names = (out?.uploaded ?? []).map((media: { name: string }) => media.name);
      if (names.length !== 1 || names[0] !== name) problems.push(`${label} answered for ${JSON.stringify(names)}`);
      if (out?.rejected?.length) problems.push(`${label} rejected ${JSON.stringify(out.rejected)}`);
      if (!text.includes(name)) problems.push(`${label} text does not name its file: ${text}`);
    } else if (outcome.kind === "get_state") {
      if (typeof out?.session_id !== "string") problems.push(`${label} has no session id`);
      else sessions.add(out.session_id);
      if (typeof out?.timeline !== "string" || !out.timeline.startsWith("Timeline")) problems.push(`${label} timeline: ${out?.timeline}`);
    } else if (out?.available !== expected.credits || out?.frozen !== 0 || out?.total !== expected.credits) {
      problems.push(`${label} answered ${JSON.stringify(out)}`);
    }
  }
  if (sessions.size > 1) problems.push(`get_state saw ${sessions.size} sessions: ${[...sessions].join(", ")}`);
  if (expected.sessionId && sessions.size === 1 && !sessions.has(expected.sessionId)) {
    problems.push(`get_state named session ${[...sessions][0]}, the service has ${expected.sessionId}`);
  }
  return problems;
}

export interface ServiceExpectation {
  /** Requests per route since `since` (an index into fake.requests); routes not named must see none. */
  routes: Partial<Record<RouteKey, number>>;
  since: number;
  /** Files that must have arrived, each once, with exactly their own bytes. */
  files: string[];
  /** Index into fake.uploads where this batch's uploads start. */
  uploadsSince: number;
}

/** What the fake service saw, against what the batch asked for: counts per route, one token, one session, every file's own bytes. */
export async function checkService(fake: FakeNemo, expected: ServiceExpectation): Promise<string[]> {
  const problems: string[] = [];
  const requests = fake.requests.slice(expected.since);
  const counts = new Map<string, number>();
  for (const request of requests) {
    const route = request.route ?? `unrouted ${request.method} ${request.path}`;
    counts.set(route, (counts.get(route) ?? 0) + 1);
  }
  for (const [route, count] of counts) {
    const want = expected.routes[route as RouteKey] ?? 0;
    if (count !== want) problems.push(`the service got ${count} ${route} request(s), expected ${want}`);
  }
  for (const [route, want] of Object.entries(expected.routes)) {
    if (want && !counts.has(route)) problems.push(`the service got no ${route} request, expected ${want}`);
  }
  const bearers = new Set(requests.map((r) => r.headers.authorization).filter((value): value is string => Boolean(value)));
  if (bearers.size !== 1) problems.push(`requests carried ${bearers.size} different tokens`);
  if (fake.tokens.size !== 1) problems.push(`the service issued ${fake.tokens.size} tokens`);
  if (fake.sessions.size !== 1) problems.push(`the service holds ${fake.sessions.size} sessions`);

  const arrived = fake.uploads.slice(expected.uploadsSince);
  const byName = new Map(arrived.map((upload) => [upload.filename, upload]));
  if (arrived.length !== expected.files.length) problems.push(`${arrived.length} uploads arrived, expected ${expected.files.length}`);
  for (const file of expected.files) {
    const upload = byName.get(basename(file));
    if (!upload) {
      problems.push(`${basename(file)} never arrived`);
      continue;
    }
    const sha256 = createHash("sha256").update(await readFile(file)).digest("hex");
    if (upload.sha256 !== sha256) problems.push(`${basename(file)} arrived with another file's bytes`);
  }
  return problems;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** p50/p95 latency per call kind, in ms. */
export function latencyByKind(outcomes: CallOutcome[]): Record<CallKind, { p50: number; p95: number; n: number }> {
  const table = {} as Record<CallKind, { p50: number; p95: number; n: number }>;
  for (const kind of CALL_KINDS) {
    const ms = outcomes.filter((o) => o.kind === kind).map((o) => o.ms);
    table[kind] = { p50: round(percentile(ms, 50)), p95: round(percentile(ms, 95)), n: ms.length };
  }
  return table;
}

const round = (n: number) => Math.round(n * 10) / 10;

/** The kernel's high-water mark of a process's resident memory (Linux), in bytes. */
export async function peakRssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) * 1024;
}
