// One long agent edit through the MCP edit_video tool (the real server, jobs and NemoVideo
// client from dist/, an SDK client over in-memory transports), in a process of its own so its
// memory is measured alone. Run with --expose-gc: every sample is taken after a full GC.
//   node --expose-gc bench/load/stream-client.mjs '<json: apiBase, home, totalMs, idleMs, sampleMs, waitSeconds, warmUp>'
// Prints one JSON line: samples, the final tool result, progress notification count, timings.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { loadConfig } from "../../dist/config.js";
import { createLogger } from "../../dist/mcp/logger.js";
import { createServer } from "../../dist/mcp/server.js";
import { NemoBackend } from "../../dist/nemo/backend.js";

if (typeof global.gc !== "function") throw new Error("run with node --expose-gc");
const job = JSON.parse(process.argv[2] ?? "{}");

const config = loadConfig({ NEMO_API_BASE: job.apiBase, NEMO_WEB_BASE: "https://nemovideo.example", VIDEO_MAKER_HOME: job.home, VIDEO_MAKER_OUTPUT_DIR: `${job.home}/out` });
// The client's clock, compressed: the 15-minute and 5-minute limits scaled down together.
// NemoVideo's own recovery waits (30 s, then every 60 s) on the same compressed clock.
const scale = job.totalMs / (15 * 60_000);
const dropRecovery = { firstWaitMs: Math.round(30_000 * scale), everyMs: Math.round(60_000 * scale) };
const backend = new NemoBackend(config, { streamLimits: { totalMs: job.totalMs, idleMs: job.idleMs }, dropRecovery, language: "en" });
const created = await createServer(config, { backend, logger: createLogger({ stderr: false }) });
const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
const client = new Client({ name: "bench-load", version: "1.0.0" });
await created.server.connect(serverTransport);
await client.connect(clientTransport);

// Token, session and one short edit first, so the baseline is a warm client (JIT done) about to stream.
await client.callTool({ name: "get_state", arguments: {} });
if (job.warmUp) {
  const warm = await client.callTool({ name: "edit_video", arguments: { instruction: "warm up", wait_seconds: 55 } });
  if (warm.structuredContent?.status !== "completed") throw new Error(`the warm-up edit ended ${JSON.stringify(warm)}`);
}

const samples = [];
const started = performance.now();
const sample = () => {
  global.gc();
  const m = process.memoryUsage();
  samples.push({ s: (performance.now() - started) / 1000, rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, resources: process.getActiveResourcesInfo().length });
};
sample();
const sampler = setInterval(sample, job.sampleMs);

let progressNotes = 0;
let calls = 1;
let result = await client.callTool(
  { name: "edit_video", arguments: { instruction: "make a 15-minute director's cut with captions", wait_seconds: job.waitSeconds } },
  undefined,
  { onprogress: () => progressNotes++, timeout: 120_000 },
);
while (result.structuredContent?.status === "running") {
  calls++;
  result = await client.callTool(
    { name: "get_job", arguments: { job_id: result.structuredContent.job_id, wait_seconds: job.waitSeconds } },
    undefined,
    { onprogress: () => progressNotes++, timeout: 120_000 },
  );
}
const streamS = (performance.now() - started) / 1000;
clearInterval(sampler);
sample();

await client.close();
await created.cleanup();
await backend.close();
console.log(JSON.stringify({ streamS, calls, progressNotes, result, samples }));
