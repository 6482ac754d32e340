// bench/render: the render sweep. Each case (fast cuts of 8/50/200 shots in 60 s; promos of
// 15/60/300 s with a shot every ~4 s, transitions, titles and ducked music; a 20-minute
// 1080p recording with 150 pauses cut by remove_silence) is rendered through the real
// LocalBackend path (upload → applyEdits → exportVideo, dist/) in a child process, its ffmpeg
// watched from here, and next to it the floor: ffmpeg encoding as many plain testsrc2
// frames (plus sound) with the renderer's own encoder arguments.
//   npm run bench:render   (RUNS=1 by default; CASES=cuts-8,pause-cut picks cases; KEEP=1 keeps the work folder;
//   MEDIA_DIR=<folder> takes the media a KEEP=1 run made instead of making them again;
//   PARALLEL=n measures n cases at once, longest first: memory and CPU seconds stay each
//   process's own, wall times do not, so read cpu_ratio then). The result file is written
//   after every case (`complete: false` until the last), so a sweep cut short keeps what it measured.
//   BENCH_SMOKE=1: 360p, short; records nothing; fails when ffmpeg's peak memory for the
//   ~100-segment pause cut goes over SMOKE_MEMORY_BUDGET_MB, or an output is wrong.
import { spawn } from "node:child_process";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { cases, makeMedia, params } from "./cases.mjs";
import { floorOnce, machineBusyS, otherLoad, probeOutput, waitFor, watchTree } from "./measure.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const SMOKE = Boolean(process.env.BENCH_SMOKE) && process.env.BENCH_SMOKE !== "0";
const RUNS = SMOKE ? 1 : Number(process.env.RUNS ?? 1);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`RUNS must be a positive integer, got ${process.env.RUNS}`);
const FFMPEG = process.env.FFMPEG_PATH?.trim() || "ffmpeg";
const FFPROBE = process.env.FFPROBE_PATH?.trim() || "ffprobe";
/** From measurements (bench/README.md): the smoke pause cut (100 cuts, 360p) peaked at 1051 MB with an input per clip, 99 MB with lanes. */
const SMOKE_MEMORY_BUDGET_MB = Number(process.env.SMOKE_MEMORY_BUDGET_MB ?? 300);
const TARGETS = {
  ffmpeg_peak_mb_below: 1536,
  cost_vs_base_at_most: 1.25,
  promo_300_vs_60_at_most: 1.25,
  preview_vs_real_time_at_most: 0.15,
  preview_mb_at_most: 8,
  pause_cut_floor_ratio_at_most: 1.1,
  loudness_cpu_ratio_at_most: 1.1,
  node_peak_rss_mb_below: 200,
};

const P = params(SMOKE);
const wanted = process.env.CASES?.split(",").map((s) => s.trim()).filter(Boolean);
const CASES = cases(P, SMOKE).filter((c) => !wanted || wanted.includes(c.name) || c.base);
const PARALLEL = Number(process.env.PARALLEL ?? 1);
if (!Number.isInteger(PARALLEL) || PARALLEL < 1) throw new Error(`PARALLEL must be a positive integer, got ${process.env.PARALLEL}`);
const MEDIA_DIR = process.env.MEDIA_DIR?.trim();
const work = await mkdtemp(join(tmpdir(), "vm-bench-render-"));
const mediaDir = MEDIA_DIR || join(work, "media");
if (!MEDIA_DIR) await mkdir(mediaDir);
const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(NEMO_|VIDEO_MAKER_)/.test(k)));
let renders = 0;

/** One render in a fresh child (fresh project home), with its ffmpeg watched from here. */
async function renderOnce(kase, { loudness } = {}) {
  const n = renders++;
  const jobPath = join(work, `job-${n}.json`);
  const outDir = join(work, `out-${n}`);
  await writeFile(jobPath, JSON.stringify({ home: join(work, `home-${n}`), outDir, media: kase.media.map((m) => join(mediaDir, m)), ops: kase.ops, preview: Boolean(kase.preview) && loudness === undefined, ...(loudness !== undefined ? { loudness } : {}) }));
  const busyBefore = await machineBusyS();
  const started = performance.now();
  const child = spawn(process.execPath, [join(root, "bench/render/render-once.mjs"), jobPath], { cwd: root, env: baseEnv, stdio: ["ignore", "pipe", "pipe"] });
  const watch = watchTree(child.pid);
  let stdout;
  let tree;
  try {
    stdout = await waitFor(child, `render ${kase.name}`);
  } finally {
    tree = await watch.stop();
  }
  const wallS = (performance.now() - started) / 1000;
  const busyS = (await machineBusyS()) - busyBefore;
  const result = JSON.parse(stdout.trim().split("\n").pop());
  const graphs = tree.filter((f) => f.comm === "ffmpeg" && f.args.some((a) => a.startsWith("-filter_complex")));
  // The preview rendition writes into the state folder's previews/; the export does not.
  const isPreview = (f) => f.args.some((a) => a.includes("/local/previews/"));
  const renderFfmpeg = graphs.filter((f) => !isPreview(f));
  if (renderFfmpeg.length !== 1) throw new Error(`expected one render ffmpeg, saw ${renderFfmpeg.length}`);
  const previewFfmpeg = graphs.filter(isPreview);
  return {
    ...result,
    ...(result.preview ? { preview: { ...result.preview, ffmpeg_cpu_s: previewFfmpeg[0]?.cpuS, ffmpeg_peak_rss: previewFfmpeg[0]?.hwm } } : {}),
    ffmpeg_peak_rss: renderFfmpeg[0].hwm,
    ffmpeg_cpu_s: renderFfmpeg[0].cpuS,
    other_load_cores: otherLoad(busyS, tree.reduce((sum, f) => sum + f.cpuS, 0), wallS),
  };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const mb = (bytes) => Number((bytes / 1024 / 1024).toFixed(1));
const r2 = (n) => Number(n.toFixed(2));

/** Renders a case RUNS times, each followed by its floor; checks the output is what was asked for. */
async function measure(kase) {
  const renderRuns = [];
  const floorRuns = [];
  const offRuns = [];
  let probe;
  let previewProbe;
  for (let i = 0; i < RUNS; i++) {
    const r = await renderOnce(kase);
    if (i === 0) probe = await probeOutput(FFPROBE, r.file);
    if (i === 0 && r.preview) previewProbe = await probeOutput(FFPROBE, r.preview.file);
    await rm(r.file, { force: true });
    renderRuns.push(r);
    const f = await floorOnce(FFMPEG, FFPROBE, r.compiled, join(work, `floor-${kase.name}-${i}.mp4`));
    floorRuns.push(f);
    if (kase.loudnessAB && !SMOKE) {
      // The same export with loudness off, right after: one pass, no measuring, no gain.
      const off = await renderOnce(kase, { loudness: "off" });
      await rm(off.file, { force: true });
      offRuns.push(off);
      console.error(
        `${kase.name} ${i + 1}/${RUNS} loudness on vs off: ${r.export_children_cpu_s.toFixed(1)} vs ${off.export_children_cpu_s.toFixed(1)} CPU s, ` +
          `${(r.export_ms / 1000).toFixed(1)} vs ${(off.export_ms / 1000).toFixed(1)} s; ${JSON.stringify(r.loudness)}`,
      );
    }
    console.error(
      `${kase.name} ${i + 1}/${RUNS}: ${r.segments} segments, ${(r.compiled.duration_ms / 1000).toFixed(1)} s out; render ${(r.export_ms / 1000).toFixed(1)} s ` +
        `(ffmpeg ${mb(r.ffmpeg_peak_rss)} MB, ${r.ffmpeg_cpu_s.toFixed(1)} CPU s, ${r.compiled.inputs} inputs, ${r.compiled.filters} filters), ` +
        `floor ${(f.ms / 1000).toFixed(1)} s (${f.ffmpeg_cpu_s.toFixed(1)} CPU s); other load ${r.other_load_cores.toFixed(2)} / ${f.other_load_cores.toFixed(2)} cores` +
        (r.preview ? `; preview ${(r.preview.ms / 1000).toFixed(1)} s, ${mb(r.preview.bytes)} MB, ${r.preview.width}x${r.preview.height}` : ""),
    );
  }
  const first = renderRuns[0];
  const outS = first.compiled.duration_ms / 1000;
  const frameS = first.compiled.frame_rate.den / first.compiled.frame_rate.num;
  const problems = [];
  const v = probe.video;
  if (v?.codec !== "h264" || v.profile !== "High" || v.pix_fmt !== "yuv420p") problems.push(`video is ${JSON.stringify(v)}`);
  if (v?.size !== `${first.compiled.width}x${first.compiled.height}`) problems.push(`size ${v?.size}`);
  if (Math.abs(v.duration_s - outS) > frameS + 1e-6) problems.push(`video lasts ${v.duration_s} s, not ${outS} s`);
  if (Math.round(outS / frameS) !== v.frames) problems.push(`${v.frames} frames, not ${Math.round(outS / frameS)}`);
  if (kase.seconds !== null && Math.abs(outS - kase.seconds) > frameS + 1e-6) problems.push(`timeline is ${outS} s, not ${kase.seconds} s`);
  if (probe.audio?.codec !== "aac" || Math.abs(probe.audio.duration_s - outS) > 0.05) problems.push(`audio is ${JSON.stringify(probe.audio)}`);
  if (floorRuns[0].probe.video?.frames !== v?.frames) problems.push(`the floor has ${floorRuns[0].probe.video?.frames} frames`);
  if (previewProbe) {
    const pv = previewProbe.video;
    if (pv?.codec !== "h264" || Math.abs(pv.duration_s - outS) > frameS + 1e-6) problems.push(`preview video is ${JSON.stringify(pv)}`);
    if (pv?.size !== `${first.preview.width}x${first.preview.height}`) problems.push(`preview size ${pv?.size}`);
    if (previewProbe.audio?.codec !== "aac" || Math.abs(previewProbe.audio.duration_s - outS) > 0.05) problems.push(`preview audio is ${JSON.stringify(previewProbe.audio)}`);
  }
  const previewS = first.preview ? median(renderRuns.map((r) => r.preview.ms)) / 1000 : undefined;
  const renderS = median(renderRuns.map((r) => r.export_ms)) / 1000;
  const floorS = median(floorRuns.map((f) => f.ms)) / 1000;
  return {
    name: kase.name,
    segments: first.segments,
    output_s: r2(outS),
    inputs: first.compiled.inputs,
    filters: first.compiled.filters,
    render_s: r2(renderS),
    render_runs_s: renderRuns.map((r) => r2(r.export_ms / 1000)),
    floor_s: r2(floorS),
    floor_ratio: r2(renderS / floorS),
    render_cpu_s: r2(median(renderRuns.map((r) => r.ffmpeg_cpu_s))),
    floor_cpu_s: r2(median(floorRuns.map((f) => f.ffmpeg_cpu_s))),
    cost_per_output_s: Number((renderS / outS).toFixed(3)),
    ffmpeg_peak_mb: mb(Math.max(...renderRuns.map((r) => r.ffmpeg_peak_rss))),
    floor_ffmpeg_peak_mb: mb(Math.max(...floorRuns.map((f) => f.ffmpeg_peak_rss))),
    node_peak_mb: mb(Math.max(...renderRuns.map((r) => r.node_peak_rss))),
    upload_s: r2(median(renderRuns.map((r) => r.upload_ms)) / 1000),
    apply_edits_s: r2(median(renderRuns.map((r) => r.apply_edits_ms)) / 1000),
    other_load_cores: { render: renderRuns.map((r) => r2(r.other_load_cores)), floor: floorRuns.map((f) => r2(f.other_load_cores)) },
    output_ok: problems.length === 0,
    ...(problems.length ? { output_problems: problems } : {}),
    memory_gate: Boolean(kase.memoryGate),
    ...(offRuns.length > 0 ? { loudness: loudnessCost(renderRuns, offRuns) } : {}),
    ...(previewS !== undefined
      ? {
          preview: {
            size: `${first.preview.width}x${first.preview.height}`,
            s: r2(previewS),
            runs_s: renderRuns.map((r) => r2(r.preview.ms / 1000)),
            vs_real_time: r2(previewS / outS),
            mb: mb(Math.max(...renderRuns.map((r) => r.preview.bytes))),
            ffmpeg_cpu_s: r2(median(renderRuns.map((r) => r.preview.ffmpeg_cpu_s ?? 0))),
            vs_export: r2(previewS / renderS),
          },
        }
      : {}),
  };
}

/**
 * What delivering at a loudness target costs (issue 18: at most +10%): CPU seconds of every process
 * the export ran (pass 1, measuring, pass 2, checking) against the same export with loudness off, run
 * by run (each pair back to back, so they share the machine's load), and the wall times for information.
 */
function loudnessCost(onRuns, offRuns) {
  const pairs = onRuns.map((on, i) => ({ on, off: offRuns[i] }));
  return {
    on_cpu_s: pairs.map((p) => r2(p.on.export_children_cpu_s)),
    off_cpu_s: pairs.map((p) => r2(p.off.export_children_cpu_s)),
    cpu_ratio: r2(median(pairs.map((p) => p.on.export_children_cpu_s / p.off.export_children_cpu_s))),
    // Measuring the mix, pass 2 and measuring the file: exact, where the ratio above carries the noise of two whole renders.
    steps_cpu_s: onRuns.map((r) => r2(r.loudness_steps_cpu_s ?? NaN)),
    steps_share: r2(median(onRuns.map((r) => (r.loudness_steps_cpu_s ?? NaN) / r.export_children_cpu_s))),
    on_s: pairs.map((p) => r2(p.on.export_ms / 1000)),
    off_s: pairs.map((p) => r2(p.off.export_ms / 1000)),
    wall_ratio: r2(median(pairs.map((p) => p.on.export_ms / p.off.export_ms))),
    delivered: onRuns[0].loudness,
  };
}

const run = promisify(execFile);
const ffmpegVersion = /ffmpeg version (\S+)/.exec((await run(FFMPEG, ["-hide_banner", "-version"])).stdout)?.[1] ?? "unknown";
const model = /^model name\s*:\s*(.*)$/m.exec(await readFile("/proc/cpuinfo", "utf8").catch(() => ""))?.[1] ?? cpus()[0]?.model;

/** The figures measured so far, relative to the base case, and what passed; `complete` once every case is in. */
function summarize(measured) {
  const results = CASES.map((c) => measured.find((r) => r.name === c.name)).filter(Boolean).map((r) => ({ ...r }));
  // Cost per output second relative to the base case: in wall time, and as render/floor ratios
  // (the floor of the same run absorbs how busy the machine was), and in CPU seconds.
  const base = results.find((r) => CASES.find((c) => c.name === r.name)?.base) ?? results[0];
  for (const r of results) {
    r.cpu_ratio = r2(r.render_cpu_s / r.floor_cpu_s);
    r.cost_vs_base = r2(r.cost_per_output_s / base.cost_per_output_s);
    r.floor_ratio_vs_base = r2(r.floor_ratio / base.floor_ratio);
    // The steadiest of the three on a shared machine: CPU seconds, each against its own floor.
    r.cpu_ratio_vs_base = r2(r.render_cpu_s / r.floor_cpu_s / (base.render_cpu_s / base.floor_cpu_s));
  }
  const byName = Object.fromEntries(results.map((r) => [r.name, r]));
  const pass = { outputs: results.every((r) => r.output_ok), ffmpeg_memory: results.every((r) => r.ffmpeg_peak_mb < TARGETS.ffmpeg_peak_mb_below) };
  pass.node_rss = results.every((r) => r.node_peak_mb < TARGETS.node_peak_rss_mb_below);
  if (byName["cuts-200"]) pass.cost_200_segments = byName["cuts-200"].cpu_ratio_vs_base <= TARGETS.cost_vs_base_at_most;
  if (byName["promo-300"] && byName["promo-60"]) {
    const ratio = byName["promo-300"].cpu_ratio / byName["promo-60"].cpu_ratio;
    pass.cost_300_vs_60 = ratio <= TARGETS.promo_300_vs_60_at_most;
    byName["promo-300"].cpu_ratio_vs_promo_60 = r2(ratio);
    byName["promo-300"].floor_ratio_vs_promo_60 = r2(byName["promo-300"].floor_ratio / byName["promo-60"].floor_ratio);
  }
  if (byName["pause-cut"] && !SMOKE) pass.pause_cut_floor = byName["pause-cut"].floor_ratio <= TARGETS.pause_cut_floor_ratio_at_most;
  if (byName["promo-60"]?.preview && !SMOKE) {
    const preview = byName["promo-60"].preview;
    pass.preview_speed = preview.vs_real_time <= TARGETS.preview_vs_real_time_at_most;
    pass.preview_size = preview.mb <= TARGETS.preview_mb_at_most;
  }
  if (byName["promo-60"]?.loudness) pass.loudness_cost = byName["promo-60"].loudness.cpu_ratio <= TARGETS.loudness_cpu_ratio_at_most;
  const gated = results.find((r) => r.memory_gate);
  if (SMOKE && gated) pass.smoke_memory_budget = gated.ffmpeg_peak_mb <= SMOKE_MEMORY_BUDGET_MB;
  const complete = results.length === CASES.length;
  pass.all = complete && Object.values(pass).every(Boolean);
  return {
    date: new Date().toISOString().slice(0, 10),
    machine: `${cpus().length} × ${model}, ${Math.round(totalmem() / 1024 ** 3)} GiB, Node ${process.version}`,
    ffmpeg: ffmpegVersion,
    command: SMOKE ? "BENCH_SMOKE=1 node bench/render/run.mjs" : `${PARALLEL > 1 ? `PARALLEL=${PARALLEL} ` : ""}npm run bench:render`,
    runs: RUNS,
    parallel: PARALLEL,
    smoke: SMOKE,
    complete,
    targets: { ...TARGETS, ...(SMOKE ? { smoke_memory_budget_mb: SMOKE_MEMORY_BUDGET_MB } : {}) },
    cases: results,
    pass,
  };
}

const measured = [];
try {
  if (!MEDIA_DIR) {
    const t = performance.now();
    await makeMedia(FFMPEG, mediaDir, P);
    console.error(`media made in ${((performance.now() - t) / 1000).toFixed(1)} s (${work})`);
  }
  // In parallel the longest go first (the pause cut's length is known only once cut), so the run ends soonest.
  const queue = PARALLEL > 1 ? [...CASES].sort((a, b) => (b.seconds ?? Infinity) - (a.seconds ?? Infinity)) : [...CASES];
  const worker = async () => {
    while (queue.length > 0) {
      measured.push(await measure(queue.shift()));
      // Saved after every case, so a sweep cut short keeps what it measured.
      if (!SMOKE && !wanted) await writeFile(join(root, "bench/render/last-result.json"), `${JSON.stringify(summarize(measured), null, 2)}\n`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, queue.length) }, worker));
} finally {
  if (process.env.KEEP) console.error(`kept ${work}`);
  else await rm(work, { recursive: true, force: true });
}
const summary = summarize(measured);
console.log(JSON.stringify(summary, null, 2));
// The smoke run gates on what does not depend on how busy the machine is: memory and the outputs.
process.exitCode = SMOKE ? (summary.pass.outputs && summary.pass.smoke_memory_budget !== false ? 0 : 1) : summary.pass.all ? 0 : 1;
