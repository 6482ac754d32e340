// bench/render: watching processes (peak memory, CPU) and the encode floor each render is compared with.
import { execFile, spawn } from "node:child_process";
import { readFile, readdir, rm } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";

const run = promisify(execFile);
const readText = (path) => readFile(path, "utf8").catch(() => "");

/**
 * Every process below `pid` (Linux: /proc/<pid>/task/<tid>/children). ffmpeg starts no
 * processes, so its (many) threads are not walked: the watcher must stay cheap, as it runs
 * on the same two cores as what it measures.
 */
async function descendants(pid, comm) {
  if (comm === "ffmpeg") return [];
  const found = [];
  const tasks = await readdir(`/proc/${pid}/task`).catch(() => []);
  for (const tid of tasks) {
    for (const child of (await readText(`/proc/${pid}/task/${tid}/children`)).split(/\s+/).filter(Boolean)) {
      found.push(Number(child), ...(await descendants(child, (await readText(`/proc/${child}/comm`)).trim())));
    }
  }
  return found;
}

/**
 * Polls /proc every 100 ms for the processes at and below `pid` and keeps each one's
 * kernel-kept peak RSS (VmHWM: a high-water mark, so sampling misses no peak) and CPU time.
 */
export function watchTree(pid) {
  const seen = new Map(); // pid → { comm, args, hwm, cpuS }
  const tick = 1 / 100; // USER_HZ
  let stopped = false;
  const poll = async () => {
    for (const p of [pid, ...(await descendants(pid, (await readText(`/proc/${pid}/comm`)).trim()))]) {
      const [comm, status, stat] = await Promise.all([readText(`/proc/${p}/comm`), readText(`/proc/${p}/status`), readText(`/proc/${p}/stat`)]);
      if (!stat) continue;
      const hwm = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const cpuS = (Number(fields[11]) + Number(fields[12])) * tick; // utime + stime
      const entry = seen.get(p) ?? { comm: comm.trim(), args: (await readText(`/proc/${p}/cmdline`)).split("\0"), hwm: 0, cpuS: 0 };
      entry.hwm = Math.max(entry.hwm, hwm);
      if (Number.isFinite(cpuS)) entry.cpuS = Math.max(entry.cpuS, cpuS);
      seen.set(p, entry);
    }
  };
  const loop = (async () => {
    while (!stopped) {
      await poll();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return [...seen.values()];
    },
  };
}

/** CPU seconds the whole machine has been busy (all cores, all processes), from /proc/stat. */
export async function machineBusyS() {
  const [user, nice, system, , , irq, softirq, steal] = (await readText("/proc/stat")).split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq + steal) / 100;
}

/** Cores kept busy by other processes while we ran: how shared the machine was during a measurement. */
export const otherLoad = (busyS, ourCpuS, wallS) => Math.max(0, (busyS - ourCpuS) / wallS);

export function waitFor(child, what) {
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (d) => (stdout += d));
  child.stderr?.setEncoding("utf8").on("data", (d) => (stderr = (stderr + d).slice(-8000)));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${what} failed (code ${code}, signal ${signal})\n${stderr}`));
    });
  });
}

/** The renderer's own output arguments, from `-c:v` up to the output path (so `-t`, `-r`, faststart, progress too). */
export function encoderArgs(args) {
  const from = args.indexOf("-c:v");
  if (from < 0) throw new Error("no -c:v in the compiled arguments");
  return args.slice(from, args.length - 1);
}

/** The renderer's global options that are not about logging (`-cpuflags …`), so the floor runs the same way. */
function globalArgs(args) {
  const at = args.indexOf("-cpuflags");
  return at >= 0 && at < args.indexOf("-i") ? args.slice(at, at + 2) : [];
}

/** The floor: plain testsrc2 frames + a tone, same size, rate and length, same encoder arguments. */
export async function floorOnce(ffmpeg, ffprobe, compiled, output) {
  const { width, height, frame_rate: rate } = compiled;
  const args = [
    "-hide_banner", "-nostdin", "-y", "-loglevel", "error", ...globalArgs(compiled.args),
    "-f", "lavfi", "-i", `testsrc2=size=${width}x${height}:rate=${rate.num}/${rate.den}`,
    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
    "-map", "0:v", "-map", "1:a",
    ...encoderArgs(compiled.args),
    output,
  ];
  const busyBefore = await machineBusyS();
  const started = performance.now();
  const child = spawn(ffmpeg, args, { stdio: ["ignore", "pipe", "pipe"] });
  const watch = watchTree(child.pid);
  let info;
  try {
    await waitFor(child, "floor ffmpeg");
  } finally {
    [info] = await watch.stop();
  }
  const ms = performance.now() - started;
  const busyS = (await machineBusyS()) - busyBefore;
  const probe = await probeOutput(ffprobe, output);
  await rm(output, { force: true });
  return { ms, ffmpeg_peak_rss: info?.hwm ?? NaN, ffmpeg_cpu_s: info?.cpuS ?? NaN, other_load_cores: otherLoad(busyS, info?.cpuS ?? 0, ms / 1000), probe, args };
}

export async function probeOutput(ffprobe, file) {
  const { stdout } = await run(ffprobe, ["-v", "error", "-show_entries", "format=duration:stream=codec_type,codec_name,profile,width,height,pix_fmt,r_frame_rate,nb_frames,duration,sample_rate,channels", "-of", "json", file]);
  const info = JSON.parse(stdout);
  const video = info.streams.find((s) => s.codec_type === "video");
  const audio = info.streams.find((s) => s.codec_type === "audio");
  return {
    duration_s: Number(info.format.duration),
    video: video && { codec: video.codec_name, profile: video.profile, size: `${video.width}x${video.height}`, pix_fmt: video.pix_fmt, rate: video.r_frame_rate, frames: Number(video.nb_frames), duration_s: Number(video.duration) },
    audio: audio && { codec: audio.codec_name, sample_rate: Number(audio.sample_rate), channels: audio.channels, duration_s: Number(audio.duration) },
  };
}
