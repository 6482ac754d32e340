// bench/inspect: looking at a 20-minute 1080p H.264 recording (`video-maker inspect`), next to
// the cheapest thing that reads every frame of it: one plain ffmpeg decode, measured in the same run.
// The issue's budget: inspect ≤ 0.1× the recording's duration on 2 cores, memory bounded.
//   npm run bench:inspect            (20 minutes of 1080p; BENCH_SMOKE=1: 1 minute of 360p)
import { execFile, spawn } from "node:child_process";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { machineBusyS, otherLoad, waitFor, watchTree } from "../render/measure.mjs";

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const SMOKE = process.env.BENCH_SMOKE === "1";
const P = SMOKE ? { height: 360, minutes: 1 } : { height: 1080, minutes: 20 };
const TARGETS = { inspect_vs_duration_at_most: 0.1, ffmpeg_peak_mb_below: 500 };
const work = join(here, "tmp");
const at = (name) => join(work, name);
const ffmpeg = (args) => run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", ...args], { maxBuffer: 1 << 20 });

/**
 * A recording: one minute of six 10-second shots (x264 veryfast crf 23, keyframe every 2 s),
 * copied over and over to the length, and a voice (a tone) that pauses 1.5 s every 8 s.
 */
async function makeRecording() {
  const w = Math.round((P.height * 16) / 9 / 2) * 2;
  const size = `${w}x${P.height}`;
  const shots = [
    `testsrc2=size=${size}:rate=30:duration=10`,
    `smptehdbars=size=${size}:rate=30:duration=10`,
    `mandelbrot=size=${size}:rate=30,trim=duration=10`,
    `gradients=size=${size}:rate=30:speed=0.05:duration=10`,
    `testsrc=size=${size}:rate=30:duration=10`,
    `cellauto=size=${size}:rate=30:rule=110,trim=duration=10`,
  ];
  const inputs = shots.flatMap((shot) => ["-f", "lavfi", "-i", shot]);
  const concat = `${shots.map((_, i) => `[${i}:v]`).join("")}concat=n=${shots.length}:v=1:a=0,format=yuv420p[v]`;
  await ffmpeg([...inputs, "-filter_complex", concat, "-map", "[v]", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-g", "60", at("minute.mp4")]);
  const seconds = P.minutes * 60;
  const voice = `'if(between(mod(t-4,8),0,1.5)*gte(t,4),0,0.4*sin(2*PI*300*t))'`;
  await ffmpeg(["-f", "lavfi", "-i", `aevalsrc=${voice}:s=48000:d=${seconds}`, "-c:a", "aac", "-b:a", "128k", at("voice.m4a")]);
  await ffmpeg(["-stream_loop", String(P.minutes - 1), "-i", at("minute.mp4"), "-i", at("voice.m4a"), "-map", "0:v", "-map", "1:a", "-c", "copy", "-t", String(seconds), at("recording.mp4")]);
  return seconds;
}

async function measure(command, args, env) {
  const busy0 = await machineBusyS();
  const start = performance.now();
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  const watcher = watchTree(child.pid);
  const stdout = await waitFor(child, `${command} ${args[0]}`);
  const wallS = (performance.now() - start) / 1000;
  const processes = await watcher.stop();
  const cpuS = processes.reduce((sum, p) => sum + p.cpuS, 0);
  const ffmpegPeakMb = Math.max(0, ...processes.filter((p) => p.comm === "ffmpeg").map((p) => p.hwm / 2 ** 20));
  const nodePeakMb = Math.max(0, ...processes.filter((p) => p.comm === "node").map((p) => p.hwm / 2 ** 20));
  const other = otherLoad((await machineBusyS()) - busy0, cpuS, wallS);
  return { wallS, cpuS, ffmpegPeakMb, nodePeakMb, other, stdout };
}

const r2 = (n) => Math.round(n * 100) / 100;
await rm(work, { recursive: true, force: true });
await mkdir(work, { recursive: true });
try {
  const seconds = await makeRecording();
  const env = { ...process.env, VIDEO_MAKER_BACKEND: "local", VIDEO_MAKER_HOME: at("home"), VIDEO_MAKER_OUTPUT_DIR: at("out") };
  const floor = await measure("ffmpeg", ["-hide_banner", "-nostdin", "-loglevel", "error", "-i", at("recording.mp4"), "-f", "null", "-"], env);
  const inspect = await measure(process.execPath, [join(root, "dist", "cli.js"), "inspect", at("recording.mp4"), "--json"], env);
  const answer = JSON.parse(inspect.stdout);
  const result = {
    date: new Date().toISOString().slice(0, 10),
    machine: `${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    smoke: SMOKE,
    recording: { seconds, height: P.height },
    found: { scenes: answer.scenes.length, pauses: answer.pauses.length, tiles: answer.tiles.length, loudness_lufs: answer.loudness?.integrated_lufs },
    inspect_s: r2(inspect.wallS),
    inspect_cpu_s: r2(inspect.cpuS),
    decode_floor_s: r2(floor.wallS),
    decode_floor_cpu_s: r2(floor.cpuS),
    inspect_vs_duration: r2(inspect.wallS / seconds),
    inspect_vs_floor: r2(inspect.wallS / floor.wallS),
    inspect_cpu_vs_floor_cpu: r2(inspect.cpuS / floor.cpuS),
    ffmpeg_peak_mb: Math.round(inspect.ffmpegPeakMb),
    node_peak_mb: Math.round(inspect.nodePeakMb),
    other_load_cores: r2(Math.max(inspect.other, floor.other)),
  };
  // On a shared machine the wall time follows the others' load; the CPU ratio against the plain decode does not.
  result.pass = {
    inspect_vs_duration: result.inspect_vs_duration <= TARGETS.inspect_vs_duration_at_most,
    ffmpeg_memory: result.ffmpeg_peak_mb < TARGETS.ffmpeg_peak_mb_below,
    // Six shots a minute; one change of shot (mandelbrot → gradients) scores near scdet's threshold of 10.
    found_scenes: answer.scenes.length >= 0.8 * ((seconds / 60) * 6 - 1),
  };
  console.log(JSON.stringify(result, null, 2));
  if (!SMOKE) await writeFile(join(here, "last-result.json"), `${JSON.stringify(result, null, 2)}\n`);
  const gated = SMOKE ? ["ffmpeg_memory", "found_scenes"] : Object.keys(result.pass);
  if (gated.some((name) => !result.pass[name])) process.exitCode = 1;
} finally {
  await rm(work, { recursive: true, force: true });
}
