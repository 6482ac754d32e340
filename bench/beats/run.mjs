// Finding the beat of a 3-minute song (sync_to_music's analysis): wall time, the CPU of ffmpeg
// (children of this process, from /proc/self/stat) and of Node, over RUNS runs. Needs `npm run build`.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { detectBeats } from "../../dist/local/beats.js";

const RUNS = Number(process.env.RUNS ?? 3);
const SECONDS = 180;
const dir = mkdtempSync(join(tmpdir(), "vm-bench-beats-"));
const song = join(dir, "song.mp3");
// 100 BPM from 0.2 s: kick on 1 and 3, a noise snare on 2 and 4, hats on every eighth, a bass note; stereo MP3 192k.
const pattern =
  "0.2*sin(2*PI*110*t)+gte(t,0.2)*(eq(mod(floor((t-0.2)/0.6),2),0)*0.9*sin(2*PI*55*t)*exp(-mod(t-0.2,0.6)*30)" +
  "+eq(mod(floor((t-0.2)/0.6),2),1)*0.5*(2*random(0)-1)*exp(-mod(t-0.2,0.6)*25)+0.15*(2*random(1)-1)*exp(-mod(t-0.2,0.3)*80))";
execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", `aevalsrc=exprs='${pattern}':s=44100:d=${SECONDS}`, "-ac", "2", "-c:a", "libmp3lame", "-b:a", "192k", song]);

/** CPU seconds of waited-for children (ffmpeg and its guard): cutime + cstime, in clock ticks of 1/100 s. */
const childCpu = () => {
  const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
  return (Number(fields[13]) + Number(fields[14])) / 100;
};

const media = { id: "media-1", name: "song.mp3", path: song, kind: "audio", has_audio: true, has_video: false };
const rows = [];
for (let run = 0; run < RUNS; run++) {
  const started = performance.now();
  const node = process.cpuUsage();
  const children = childCpu();
  const found = await detectBeats("ffmpeg", media, 0, SECONDS * 1000);
  const nodeCpu = process.cpuUsage(node);
  rows.push({
    wall_s: +((performance.now() - started) / 1000).toFixed(2),
    ffmpeg_cpu_s: +(childCpu() - children).toFixed(2),
    node_cpu_s: +((nodeCpu.user + nodeCpu.system) / 1e6).toFixed(2),
    bpm: found.ok ? +found.beats.bpm.toFixed(2) : found.why,
    beats: found.ok ? found.beats.beatsMs.length : 0,
  });
}
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({ song_s: SECONDS, cpus: cpus().length, load_average_1m: +loadavg()[0].toFixed(1), node: process.version, rows }, null, 2));
