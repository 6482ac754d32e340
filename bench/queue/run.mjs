// Four `video-maker export` started at once on one home, with the render queue (the default, one
// at a time) and without it (VIDEO_MAKER_RENDER_SLOTS=4): wall time until all four have finished,
// the most ffmpeg renders seen at once, and the peak of their summed RSS (sampled from /proc every
// 50 ms). Linux only. `npm run build` first.
//
//   node bench/queue/run.mjs            # SECONDS=8 RES=720 EXPORTS=4 by default
//   BENCH_SMOKE=1 node bench/queue/run.mjs   # CI: 2 s at 240p, three exports; fails when the queue
//                                            # lets two renders overlap or an export fails
import { execFile, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const BIN = resolve("dist/cli.js");
const SMOKE = process.env.BENCH_SMOKE === "1";
const SECONDS = Number(process.env.SECONDS ?? (SMOKE ? 2 : 8));
const RES = Number(process.env.RES ?? (SMOKE ? 240 : 720));
const EXPORTS = Number(process.env.EXPORTS ?? (SMOKE ? 3 : 4));

const root = mkdtempSync(join(tmpdir(), "vm-bench-queue-"));
const photo = join(root, "photo.png");
execFileSync("ffmpeg", ["-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=1920x1080", "-frames:v", "1", photo]);

/** ffmpeg renders writing into `out`: their pids and RSS in kB. */
function rendersInto(out) {
  const found = [];
  for (const pid of readdirSync("/proc").filter((entry) => /^\d+$/.test(entry))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      if (!cmdline[0]?.endsWith("ffmpeg") || !cmdline.some((arg) => arg.startsWith(out))) continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      found.push(rss ? Number(rss[1]) : 0);
    } catch {
      // ended meanwhile
    }
  }
  return found;
}

async function run(label, slots) {
  const dir = mkdtempSync(join(root, `${label}-`));
  const env = { PATH: process.env.PATH, HOME: dir, VIDEO_MAKER_HOME: join(dir, "home"), VIDEO_MAKER_OUTPUT_DIR: join(dir, "out"), VIDEO_MAKER_BACKEND: "local", VIDEO_MAKER_RENDER_SLOTS: String(slots) };
  const ops = join(dir, "ops.json");
  writeFileSync(ops, JSON.stringify([{ op: "add_image", media: photo, duration: SECONDS, ken_burns: "zoom_in" }, { op: "set_format", resolution: RES }]));
  execFileSync(process.execPath, [BIN, "apply", ops], { env });
  let most = 0;
  let peakKb = 0;
  const sampler = setInterval(() => {
    const renders = rendersInto(env.VIDEO_MAKER_OUTPUT_DIR);
    most = Math.max(most, renders.length);
    peakKb = Math.max(peakKb, renders.reduce((sum, kb) => sum + kb, 0));
  }, 50);
  const started = Date.now();
  const codes = await Promise.all(
    Array.from({ length: EXPORTS }, (_, i) =>
      new Promise((done) => spawn(process.execPath, [BIN, "export", "--name", `e${i}`], { env, stdio: "ignore" }).once("exit", done)),
    ),
  );
  clearInterval(sampler);
  return { label, slots, wallS: (Date.now() - started) / 1000, exitCodes: codes, mostAtOnce: most, peakFfmpegRssMb: Math.round(peakKb / 1024) };
}

const results = [await run("queued", 1), await run("all-at-once", EXPORTS)];
const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
const ffmpegVersion = await new Promise((done) => execFile("ffmpeg", ["-version"], (_, out) => done(/ffmpeg version (\S+)/.exec(out)?.[1])));
const summary = { exports: EXPORTS, seconds: SECONDS, resolution: RES, node: process.version, ffmpeg: ffmpegVersion, loadBefore: load, results };
console.log(JSON.stringify(summary, null, 2));
rmSync(root, { recursive: true, force: true });
if (!SMOKE) writeFileSync(resolve("bench/queue/last-result.json"), `${JSON.stringify(summary, null, 2)}\n`);
const failed = results.flatMap((r) => r.exitCodes.filter((code) => code !== 0).map((code) => `${r.label}: an export exited with ${code}`));
if (results[0].mostAtOnce > 1) failed.push(`queued: ${results[0].mostAtOnce} renders ran at once (the queue allows 1)`);
if (failed.length > 0) {
  console.error(failed.join("\n"));
  process.exit(1);
}
