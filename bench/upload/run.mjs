// bench/upload: a 500 MB upload through video-maker's client vs `curl -F` to the same
// fake NemoVideo server in the same run. Reports RSS growth and the throughput ratio.
//   npm run bench:upload            (RUNS=3 SIZE_MB=500 by default)
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { open, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { machine, median, root, peakRssGrowthMb, startFakeService } from "../transfer-shared.mjs";

const run = promisify(execFile);
const SIZE_MB = Number(process.env.SIZE_MB ?? 500);
const RUNS = Number(process.env.RUNS ?? 3);
const work = await mkdtemp(join(tmpdir(), "vm-bench-upload-"));

// A real MP4 header (so the client's content check passes) padded to SIZE_MB.
const head = join(work, "head.mp4");
await run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=320x180:rate=10:duration=1", "-c:v", "libx264", head]);
const file = join(work, "big.mp4");
{
  const out = await open(file, "w");
  const headBytes = await (await import("node:fs/promises")).readFile(head);
  await out.write(headBytes);
  const block = createHash("sha512").update("x").digest();
  const chunk = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < chunk.length; i += block.length) block.copy(chunk, i);
  let written = headBytes.length;
  const target = SIZE_MB * 1024 * 1024;
  while (written < target) {
    const n = Math.min(chunk.length, target - written);
    await out.write(chunk, 0, n);
    written += n;
  }
  await out.close();
}
const bytes = SIZE_MB * 1024 * 1024;

// The fake server in its own process, a token and a session ready.
const service = await startFakeService();
const { url, token, sessionId } = service;

async function viaCurl() {
  const args = ["-sS", "-o", "/dev/null", "-w", "%{http_code} %{time_total}", "-X", "POST"];
  for (const [k, v] of Object.entries(service.headers)) args.push("-H", `${k}: ${v}`);
  args.push("-F", `files=@${file};type=video/mp4`, `${url}/api/upload-video/nemo_agent/me/${sessionId}`);
  const { stdout } = await run("curl", args);
  const [code, seconds] = stdout.trim().split(" ");
  if (code !== "200") throw new Error(`curl answered ${code}`);
  return Number(seconds) * 1000;
}

async function viaClient() {
  const home = join(work, `home-${Math.random().toString(16).slice(2)}`);
  const { stdout } = await run(process.execPath, ["--expose-gc", join(root, "bench/upload/client-upload.mjs"), file], {
    env: { ...process.env, NEMO_API_BASE: url, NEMO_TOKEN: token, VIDEO_MAKER_HOME: home },
    maxBuffer: 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split("\n").pop());
}

const curlMs = [];
const client = [];
try {
  await viaCurl(); // warm-up: page cache holds the file for both
  for (let i = 0; i < RUNS; i++) {
    curlMs.push(await viaCurl());
    client.push(await viaClient());
  }
} finally {
  service.stop();
  await rm(work, { recursive: true, force: true });
}

const mbps = (ms) => bytes / 1024 / 1024 / (ms / 1000);
const curlMedian = median(curlMs);
const clientMedian = median(client.map((c) => c.elapsedMs));
const rssGrowthMb = peakRssGrowthMb(client);
const ratio = mbps(clientMedian) / mbps(curlMedian);
const summary = {
  date: new Date().toISOString().slice(0, 10),
  machine: machine(),
  file_mb: SIZE_MB,
  runs: RUNS,
  client_mb_s: Number(mbps(clientMedian).toFixed(1)),
  curl_mb_s: Number(mbps(curlMedian).toFixed(1)),
  throughput_ratio: Number(ratio.toFixed(2)),
  peak_rss_growth_mb: Number(rssGrowthMb.toFixed(1)),
  targets: { rss_growth_mb_below: 64, throughput_ratio_at_least: 0.8 },
  pass: rssGrowthMb < 64 && ratio >= 0.8,
};
console.log(JSON.stringify(summary, null, 2));
// BENCH_SMOKE=1 (CI): prove the benchmark runs end to end on a small file; record nothing, gate nothing.
if (!process.env.BENCH_SMOKE) {
  await writeFile(join(root, "bench/upload/last-result.json"), `${JSON.stringify(summary, null, 2)}\n`);
  process.exitCode = summary.pass ? 0 : 1;
}
