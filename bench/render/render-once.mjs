// bench/render child: one render through the real LocalBackend code path (dist/), in a process
// of its own so its peak RSS is Node's alone. upload → applyEdits → exportVideo; prints one JSON
// line: timings, the compiled encoder arguments (for the floor), and this process's peak RSS.
//   node bench/render/render-once.mjs <job.json>
// job.json: { home, outDir, media: [paths], ops: [...], preview?: true, loudness?: -14 | "off" }
// With `preview`, the studio's preview rendition (renderPreview) follows the export, timed alone.
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { performance } from "node:perf_hooks";

const job = JSON.parse(await readFile(process.argv[2], "utf8"));
const { loadConfig } = await import("../../dist/config.js");
const { LocalBackend } = await import("../../dist/local/backend.js");
const { compileRender } = await import("../../dist/local/compile.js");
const { locateFont } = await import("../../dist/local/fonts.js");
const { probeFfmpeg } = await import("../../dist/local/ffmpeg.js");

/**
 * CPU seconds of every child process this one has waited for (cutime + cstime of /proc/self/stat):
 * the guards and each ffmpeg they ran, however short (a poller misses runs of a few hundred ms).
 */
function childrenCpuS() {
  const stat = readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields 16 and 17 of stat(5), counted from the state (field 3) here.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

/** Peak and current resident set from the kernel (kB → bytes); VmHWM is the high-water mark. */
async function memory() {
  const status = await readFile("/proc/self/status", "utf8");
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) * 1024;
  return { hwm: kb("VmHWM"), rss: kb("VmRSS") };
}

const config = loadConfig({ ...process.env, VIDEO_MAKER_BACKEND: "local", VIDEO_MAKER_HOME: job.home });
const backend = new LocalBackend(config);
try {
  await backend.newSession("en");
  const t0 = performance.now();
  const uploaded = await backend.upload({ paths: job.media });
  if (uploaded.rejected.length > 0) throw new Error(`rejected: ${JSON.stringify(uploaded.rejected)}`);
  const t1 = performance.now();
  const edit = await backend.applyEdits(job.ops);
  const t2 = performance.now();

  // The arguments the renderer will use (compileRender is the pure function exportVideo calls),
  // so the floor can encode with exactly the same settings.
  const state = await backend.getState();
  const compiled = compileRender(state.draft, await backend.listMedia(), {
    outputPath: "OUT.mp4",
    workDir: "/tmp/unused",
    fontFile: await locateFont(),
    features: await probeFfmpeg(config.ffmpegPath),
  });
  const beforeExport = await memory();

  const cpuBefore = childrenCpuS();
  // When the loudness steps start, pass 1 (its ffmpeg and guard) has been waited for: what follows is theirs.
  let cpuAtDelivery;
  const onProgress = (event) => {
    if (cpuAtDelivery === undefined && event.message.startsWith("loudness:")) cpuAtDelivery = childrenCpuS();
  };
  const t3 = performance.now();
  const result = await backend.exportVideo({ outputDir: job.outDir, fileName: "promo.mp4", ...(job.loudness !== undefined ? { loudness: job.loudness } : {}) }, { onProgress });
  const t4 = performance.now();
  const cpuAfter = childrenCpuS();
  const exportCpuS = cpuAfter - cpuBefore;
  const after = await memory();
  let preview;
  if (job.preview) {
    const t5 = performance.now();
    const video = await backend.renderPreview();
    preview = { ms: performance.now() - t5, file: video.file, bytes: video.bytes, width: video.width, height: video.height, duration_s: video.durationSeconds };
  }

  process.stdout.write(
    `${JSON.stringify({
      file: result.file,
      bytes: result.bytes,
      timeline: edit.timeline,
      segments: edit.outline.filter((line) => /^(clip|image)-/.test(line)).length,
      upload_ms: t1 - t0,
      apply_edits_ms: t2 - t1,
      export_ms: t4 - t3,
      export_children_cpu_s: exportCpuS,
      ...(cpuAtDelivery !== undefined ? { loudness_steps_cpu_s: cpuAfter - cpuAtDelivery } : {}),
      ...(result.loudness ? { loudness: result.loudness } : {}),
      compiled: {
        args: compiled.args,
        duration_ms: compiled.durationMs,
        width: compiled.width,
        height: compiled.height,
        frame_rate: compiled.frameRate,
        filtergraph_chars: compiled.filtergraph.length,
        // Quoted expressions hold commas of their own.
        filters: compiled.filtergraph.replace(/'[^']*'/g, "''").split(/[;,]/).length,
        inputs: compiled.args.filter((arg) => arg === "-i").length,
      },
      node_rss_before_export: beforeExport.rss,
      node_peak_rss: after.hwm,
      ...(preview ? { preview } : {}),
    })}\n`,
  );
} finally {
  await backend.close();
}
