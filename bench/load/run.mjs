// bench/load: (1) 50 tool calls in flight at once through one MCP session of the built bin
// (stdio, then Streamable HTTP) against the fake NemoVideo on loopback, next to the same 50
// calls issued one by one (the reference, same run, same server); 20 CLI processes at once;
// (2) a 15-minute agent edit time-compressed to 30 s through edit_video, memory sampled after
// GC every second in the client's own process, the stream's start as the baseline.
//   npm run bench:load              (RUNS=3 by default)
//   BENCH_SMOKE=1 npm run bench:load  (1 run, a 6 s stream, records nothing)
// Runs under `node --import tsx` so it shares the checks in tests/load/*.ts with the test suite.
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, totalmem, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { startFakeNemo } from "../../tests/fake-nemo/server.ts";
import { checkOutcomes, checkService, latencyByKind, makeDistinctMedia, peakRssOf, planCalls, runConcurrently, runSequentially } from "../../tests/load/calls.ts";
import { endlessAgentScript, judgeMemory, runStreamClient } from "../../tests/load/stream.ts";
import { startHttpServer } from "../../tests/e2e/http-server.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const SMOKE = Boolean(process.env.BENCH_SMOKE) && process.env.BENCH_SMOKE !== "0";
const RUNS = SMOKE ? 1 : Number(process.env.RUNS ?? 3);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`RUNS must be a positive integer, got ${process.env.RUNS}`);
const CALLS = 50;
const UPLOADS = Math.ceil(CALLS / 3);
const CLI_PROCESSES = 20;
// The fake answers at once; the real service is a round trip away. Timed batches add this much
// before every answer, so the concurrency ratio means something (the cold batch runs at 0).
const LATENCY_MS = Number(process.env.LATENCY_MS ?? 50);
const STREAM_MS = SMOKE ? 6000 : 30_000;
const TARGETS = { errors: 0, speedup_at_least: 1.5, heap_margin_mb: 1, rss_margin_mb: 16, heap_slope_mb_per_min: 1 };
const BIN = join(root, "dist/cli.js");

const work = await mkdtemp(join(tmpdir(), "vm-bench-load-"));
const fake = await startFakeNemo();
const env = {
  PATH: process.env.PATH ?? "",
  HOME: work,
  NEMO_API_BASE: fake.url,
  NEMO_WEB_BASE: "https://nemovideo.example",
  VIDEO_MAKER_HOME: join(work, "home"),
  VIDEO_MAKER_OUTPUT_DIR: join(work, "out"),
};
const r1 = (n) => Math.round(n * 10) / 10;
const mb = (bytes) => r1(bytes / 1024 / 1024);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
const sessionNow = () => [...fake.sessions.keys()][0];

/** One batch: its wall time and latencies, after checking every answer and what the service saw. */
async function batch(client, label, mode, files, seed) {
  const since = fake.requests.length;
  const uploadsSince = fake.uploads.length;
  const cold = fake.tokens.size === 0;
  const plan = planCalls(files, CALLS, seed);
  const { wallMs, outcomes } = mode === "concurrent" ? await runConcurrently(client, plan) : await runSequentially(client, plan);
  const kinds = { upload: UPLOADS, state: plan.filter((c) => c.kind === "get_state").length, credits: plan.filter((c) => c.kind === "get_credits").length };
  const problems = [
    ...checkOutcomes(outcomes, { credits: 100, sessionId: sessionNow() }),
    ...(await checkService(fake, {
      since,
      uploadsSince,
      files,
      routes: { ...(cold ? { anonymousToken: 1, createSession: 1 } : {}), upload: kinds.upload, state: kinds.state, credits: kinds.credits },
    })),
  ];
  if (problems.length > 0) throw new Error(`${label}: ${problems.length} problem(s):\n${problems.join("\n")}`);
  console.error(`${label}: ${CALLS} calls ${mode} in ${r1(wallMs)} ms, errors 0`);
  return { wall_ms: r1(wallMs), latency_ms: latencyByKind(outcomes), errors: 0 };
}

let media = 0;
const freshFiles = () => makeDistinctMedia(work, UPLOADS, `m${media++}`);

async function stdioRuns() {
  const transport = new StdioClientTransport({ command: process.execPath, args: [BIN], env, stderr: "pipe" });
  const client = new Client({ name: "bench-load", version: "1.0.0" });
  await client.connect(transport);
  try {
    const cold = await batch(client, "stdio cold", "concurrent", await freshFiles());
    fake.options.latencyMs = LATENCY_MS;
    const runs = [];
    // Alternating, so drift in how busy the machine is falls on both sides.
    for (let i = 0; i < RUNS; i++) {
      const sequential = await batch(client, `stdio run ${i + 1} reference`, "sequential", await freshFiles(), 100 + i);
      const concurrent = await batch(client, `stdio run ${i + 1}`, "concurrent", await freshFiles(), 200 + i);
      runs.push({ sequential, concurrent, speedup: r1(sequential.wall_ms / concurrent.wall_ms) });
    }
    fake.options.latencyMs = 0;
    return { cold, runs, server_peak_rss_mb: mb(await peakRssOf(transport.pid)) };
  } finally {
    await client.close();
  }
}

async function httpRun() {
  const { child, url } = await startHttpServer(env, BIN);
  try {
    const client = new Client({ name: "bench-load-http", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    fake.options.latencyMs = LATENCY_MS;
    const sequential = await batch(client, "http reference", "sequential", await freshFiles(), 300);
    const concurrent = await batch(client, "http", "concurrent", await freshFiles(), 301);
    fake.options.latencyMs = 0;
    await client.close();
    return { sequential, concurrent, speedup: r1(sequential.wall_ms / concurrent.wall_ms), server_peak_rss_mb: mb(await peakRssOf(child.pid)) };
  } finally {
    child.kill("SIGTERM");
  }
}

/** CLI processes at once on a fresh state folder: they must share one anonymous token and one session. */
async function cliRun() {
  fake.reset();
  const home = join(work, "cli-home");
  const one = (args) =>
    new Promise((done) => {
      const started = performance.now();
      const child = spawn(process.execPath, [BIN, ...args], { env: { ...env, VIDEO_MAKER_HOME: home }, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk) => (stdout += chunk));
      child.stderr.on("data", (chunk) => (stderr += chunk));
      child.once("exit", (code) => done({ code, stdout, stderr, ms: performance.now() - started }));
    });
  const started = performance.now();
  const runs = await Promise.all(Array.from({ length: CLI_PROCESSES }, (_, i) => one([i % 2 ? "state" : "credits", "--json"])));
  const wallMs = performance.now() - started;
  const failed = runs.filter((r) => r.code !== 0);
  const sessions = new Set(runs.filter((_, i) => i % 2).map((r) => JSON.parse(r.stdout).session_id));
  const problems = [
    ...failed.map((r) => `exit ${r.code}: ${r.stderr.trim()}`),
    ...(sessions.size === 1 ? [] : [`${sessions.size} sessions`]),
    ...(await checkService(fake, { since: 0, uploadsSince: 0, files: [], routes: { anonymousToken: 1, createSession: 1, credits: CLI_PROCESSES / 2, state: CLI_PROCESSES / 2 } })),
  ];
  if (problems.length > 0) throw new Error(`CLI: ${problems.join("\n")}`);
  const single = await one(["credits", "--json"]);
  console.error(`CLI: ${CLI_PROCESSES} processes at once in ${r1(wallMs)} ms (one alone: ${r1(single.ms)} ms), errors 0`);
  return { processes: CLI_PROCESSES, wall_ms: r1(wallMs), per_process_p50_ms: r1(median(runs.map((r) => r.ms))), one_alone_ms: r1(single.ms), errors: 0 };
}

async function streamRun() {
  fake.reset();
  const streamed = { bytes: 0, frames: 0, events: 0 };
  fake.enqueueSse(endlessAgentScript(1500, 2, { bytes: 0, frames: 0, events: 0 }));
  fake.enqueueSse(endlessAgentScript(STREAM_MS * 2, 2, streamed));
  const run = await runStreamClient({ apiBase: fake.url, home: join(work, "stream-home"), compressedMs: STREAM_MS, sampleMs: 1000, waitSeconds: 10, warmUp: true });
  const reply = run.result.structuredContent?.reply ?? "";
  if (run.result.isError || !/^The edit ran past the 15-minute limit/.test(reply)) throw new Error(`the stream ended: ${JSON.stringify(run.result).slice(0, 500)}`);
  const verdict = judgeMemory(run.samples, { heapMarginMb: TARGETS.heap_margin_mb, rssMarginMb: TARGETS.rss_margin_mb, heapSlopeMbPerMin: TARGETS.heap_slope_mb_per_min });
  console.error(`stream: ${streamed.events} events, ${streamed.frames} frames, ${mb(streamed.bytes)} MB in ${r1(run.streamS)} s; heap ${verdict.heapFirstThirdMb} → ${verdict.heapLastThirdMb} MB, RSS ${verdict.rssFirstThirdMb} → ${verdict.rssLastThirdMb} MB`);
  return {
    compression: Math.round((15 * 60_000) / STREAM_MS),
    wall_s: r1(run.streamS),
    events: streamed.events,
    frames: streamed.frames,
    heartbeats: streamed.frames - streamed.events,
    mb_streamed: mb(streamed.bytes),
    mcp_calls: run.calls, // edit_video, then get_job until done
    progress_notifications: run.progressNotes,
    reply_chars: reply.length,
    reply_head: reply.slice(0, 120),
    memory: verdict,
    samples: run.samples.map((s) => ({ s: r1(s.s), heap_mb: mb(s.heapUsed), rss_mb: mb(s.rss), handles: s.resources })),
  };
}

let result;
try {
  const stdio = await stdioRuns();
  const http = await httpRun();
  const cli = await cliRun();
  const stream = await streamRun();
  const speedup = median(stdio.runs.map((r) => r.speedup));
  result = {
    date: new Date().toISOString().slice(0, 10),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 1024 ** 3)} GiB, Node ${process.version}`,
    load_average_at_end: (await import("node:os")).loadavg().map(r1),
    runs: RUNS,
    smoke: SMOKE,
    calls_per_batch: CALLS,
    service_latency_ms_in_timed_batches: LATENCY_MS,
    mix: { upload_media: UPLOADS, get_state: Math.ceil((CALLS - 1) / 3), get_credits: Math.floor(CALLS / 3) },
    stdio: { ...stdio, speedup_median: speedup },
    http,
    cli,
    stream,
    targets: TARGETS,
    pass: {
      errors: true, // any error or cross-talk throws above
      speedup: speedup >= TARGETS.speedup_at_least,
      memory_flat: stream.memory.problems.length === 0,
    },
  };
} finally {
  await fake.close();
  await rm(work, { recursive: true, force: true });
}

const out = JSON.stringify(result, null, 2);
if (!SMOKE) await writeFile(join(root, "bench/load/last-result.json"), `${out}\n`);
const s = result.stdio;
console.log(
  [
    `stdio: ${CALLS} concurrent calls ${median(s.runs.map((r) => r.concurrent.wall_ms))} ms vs sequential ${median(s.runs.map((r) => r.sequential.wall_ms))} ms → ${s.speedup_median}× (median of ${RUNS}); cold ${s.cold.wall_ms} ms; server peak RSS ${s.server_peak_rss_mb} MB`,
    `stdio latency p50/p95 (last concurrent run): ${Object.entries(s.runs.at(-1).concurrent.latency_ms).map(([k, v]) => `${k} ${v.p50}/${v.p95} ms`).join(", ")}`,
    `http: ${result.http.concurrent.wall_ms} ms vs ${result.http.sequential.wall_ms} ms → ${result.http.speedup}×; server peak RSS ${result.http.server_peak_rss_mb} MB`,
    `cli: ${result.cli.processes} at once ${result.cli.wall_ms} ms (one alone ${result.cli.one_alone_ms} ms)`,
    `stream: ${result.stream.events} events / ${result.stream.mb_streamed} MB in ${result.stream.wall_s} s (${result.stream.compression}×); heap after GC ${result.stream.memory.heapFirstThirdMb} → ${result.stream.memory.heapLastThirdMb} MB, slope ${result.stream.memory.heapSlopeMbPerMin} MB/min; RSS ${result.stream.memory.rssFirstThirdMb} → ${result.stream.memory.rssLastThirdMb} MB${result.stream.memory.problems.length ? ` — ${result.stream.memory.problems.join("; ")}` : ""}`,
    `pass: ${JSON.stringify(result.pass)}`,
  ].join("\n"),
);
if (!Object.values(result.pass).every(Boolean) && !SMOKE) process.exitCode = 1;
