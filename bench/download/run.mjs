// bench/download: a finished render downloaded through video-maker's client, through a bare
// undici request piped to a file, and with `curl -o`, from the same fake NemoVideo server in the
// same run. Reports the client's RSS growth and its throughput against both references.
//   npm run bench:download          (RUNS=3 SIZE_MB=500 by default)
import { execFile } from "node:child_process";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { machine, median, root, peakRssGrowthMb, startFakeService } from "../transfer-shared.mjs";

const run = promisify(execFile);
const SIZE_MB = Number(process.env.SIZE_MB ?? 500);
const RUNS = Number(process.env.RUNS ?? 3);
const bytes = SIZE_MB * 1024 * 1024;
const work = await mkdtemp(join(tmpdir(), "vm-bench-download-"));

// The fake server in its own process; its renders complete on the first poll, SIZE_MB each.
const service = await startFakeService({ render: { fileBytes: bytes, pollsToComplete: 1 } });
const { url, token, sessionId, api } = service;
const auth = { headers: service.headers };
const renderId = `render_${Date.now()}`;
await api("/api/render/proxy/lambda", { method: "POST", ...auth, body: JSON.stringify({ id: renderId, sessionId, draft: { t: [] }, output: { format: "mp4" } }) });
const { outputUrl } = await api(`/api/render/proxy/lambda/${renderId}`, auth);
if (!outputUrl) throw new Error("the fake render did not complete");

async function viaCurl() {
  const target = join(work, "curl.mp4");
  const { stdout } = await run("curl", ["-sS", "-o", target, "-w", "%{http_code} %{time_total}", outputUrl]);
  const [code, seconds] = stdout.trim().split(" ");
  if (code !== "200" || (await stat(target)).size !== bytes) throw new Error(`curl answered ${code}`);
  await rm(target);
  return Number(seconds) * 1000;
}

async function viaNode(mode) {
  const target = join(work, `${mode}-${Math.random().toString(16).slice(2)}.mp4`);
  const { stdout } = await run(process.execPath, ["--expose-gc", join(root, "bench/download/client-download.mjs"), mode, url, renderId, outputUrl, target], {
    env: { ...process.env, NEMO_TOKEN: token },
    maxBuffer: 1024 * 1024,
  });
  const result = JSON.parse(stdout.trim().split("\n").pop());
  if (result.bytes !== bytes || (await stat(result.path)).size !== bytes) throw new Error(`the client saved ${result.bytes} bytes`);
  await rm(result.path);
  return result;
}

const curlMs = [];
const client = [];
const bare = [];
try {
  await viaCurl(); // warm-up
  for (let i = 0; i < RUNS; i++) {
    curlMs.push(await viaCurl());
    bare.push(await viaNode("undici"));
    client.push(await viaNode("client"));
  }
} finally {
  service.stop();
  await rm(work, { recursive: true, force: true });
}

const mbps = (ms) => bytes / 1024 / 1024 / (ms / 1000);
const curlMedian = median(curlMs);
const clientMedian = median(client.map((c) => c.elapsedMs));
const bareMedian = median(bare.map((c) => c.elapsedMs));
const rssGrowthMb = peakRssGrowthMb(client);
const ratio = mbps(clientMedian) / mbps(curlMedian);
const ratioToBare = mbps(clientMedian) / mbps(bareMedian);
const summary = {
  date: new Date().toISOString().slice(0, 10),
  machine: machine(),
  file_mb: SIZE_MB,
  runs: RUNS,
  client_mb_s: Number(mbps(clientMedian).toFixed(1)),
  bare_undici_mb_s: Number(mbps(bareMedian).toFixed(1)),
  curl_mb_s: Number(mbps(curlMedian).toFixed(1)),
  ratio_to_bare_undici: Number(ratioToBare.toFixed(2)),
  ratio_to_curl: Number(ratio.toFixed(2)),
  peak_rss_growth_mb: Number(rssGrowthMb.toFixed(1)),
  bare_undici_peak_rss_growth_mb: Number(peakRssGrowthMb(bare).toFixed(1)),
  // No issue set download targets; these say "no worse than the bare Node path, and never the file in memory".
  targets: { ratio_to_bare_undici_at_least: 0.8, rss_growth_below_file_size: true },
  pass: ratioToBare >= 0.8 && rssGrowthMb < SIZE_MB,
};
console.log(JSON.stringify(summary, null, 2));
// BENCH_SMOKE=1 (CI): prove the benchmark runs end to end on a small file; record nothing, gate nothing.
if (!process.env.BENCH_SMOKE) {
  await writeFile(join(root, "bench/download/last-result.json"), `${JSON.stringify(summary, null, 2)}\n`);
  process.exitCode = summary.pass ? 0 : 1;
}
