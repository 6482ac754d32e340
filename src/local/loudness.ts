import type { Trace } from "../core/debug.js";
import { type LoudnessLevel, type LoudnessOutcome, type LoudnessReport, SILENCE_LUFS, TRUE_PEAK_CEILING } from "../core/loudness.js";
import { parseLoudnessSummary } from "../inspect/parse.js";
import { type Mp4Encoding, SAMPLE_RATE } from "./compile-context.js";
import { runFfmpeg } from "./ffmpeg.js";

/**
 * Delivering at a loudness target in two passes: the render writes its mix losslessly beside
 * a video-only file; the mix is measured (EBU R128, ebur128 with true peak); then ONE linear gain
 * is applied while the video is copied, not encoded again, and the sound is encoded to AAC once.
 * One gain for the whole mix keeps ducking and fades where the edit put them.
 */

/**
 * Peaks the gain would push over this (dBFS) are taken down by a lookahead limiter. A margin
 * under the −1 dBTP ceiling: the limiter sees samples, not the peaks between them, and the AAC
 * encode adds a few tenths of a dB (measured: −2.0 dBFS limited → −1.9 dBTP after AAC 192k).
 */
export const LIMITER_DBFS = TRUE_PEAK_CEILING - 1;
/**
 * The most the limiter may take off the loudest peaks. Past this a limiter is heard (and the
 * loudness it takes off is no longer small), so the gain is held back instead and the answer says
 * the file is quieter than the target.
 */
export const MAX_LIMITING_DB = 6;

/** The share of an export's progress that is pass 1; measuring and applying the loudness take the rest. */
export const RENDER_SHARE = 0.95;

export interface GainPlan {
  gain: number;
  outcome: Exclude<LoudnessOutcome, "off">;
}

/** The gain that brings `measured` to `target`, held back when it would need more than MAX_LIMITING_DB of limiting. */
export function planGain(measured: LoudnessLevel, target: number): GainPlan {
  if (measured.dbtp === null || measured.lufs <= SILENCE_LUFS) return { gain: 0, outcome: "silent" };
  const wanted = target - measured.lufs;
  const allowed = LIMITER_DBFS + MAX_LIMITING_DB - measured.dbtp;
  if (wanted > allowed) return { gain: round2(allowed), outcome: "peak_limited" };
  return { gain: round2(wanted), outcome: "normalised" };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/**
 * The gain and the limiter. alimiter with `level=0` does not re-level its output and with
 * `latency=1` gives every sample back in place: under its limit it is bit-transparent (checked
 * with ffmpeg 5.1), so it only ever touches the peaks over LIMITER_DBFS.
 */
export function gainFilter(gain: number): string {
  const limit = Math.pow(10, LIMITER_DBFS / 20).toFixed(4);
  return `volume=${gain.toFixed(2)}dB,alimiter=limit=${limit}:level=0:attack=5:release=50:latency=1`;
}

/** Pass 2: the video of pass 1 copied, the mix through the gain, encoded to AAC once, moov at the front. */
export function deliveryArgs(request: { videoPath: string; mixPath: string; outputPath: string; gain: number; encoding: Mp4Encoding }): string[] {
  return [
    "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
    "-i", request.videoPath,
    "-i", request.mixPath,
    "-map", "0:v:0", "-map", "1:a:0",
    "-c:v", "copy",
    "-af", gainFilter(request.gain),
    "-c:a", "aac", "-b:a", request.encoding.audioBitrate, "-ar", String(SAMPLE_RATE), "-ac", "2",
    "-movflags", "+faststart",
    "-f", "mp4",
    "-progress", "pipe:1", "-nostats",
    request.outputPath,
  ];
}

export interface MeasureOptions {
  signal?: AbortSignal;
  trace?: Trace;
  durationMs?: number;
  onProgress?: (fraction: number) => void;
}

/** Integrated loudness and true peak of a file's first sound stream (the sound alone is decoded). */
export async function measureLoudness(ffmpegPath: string, path: string, options: MeasureOptions = {}): Promise<LoudnessLevel> {
  let summary: string[] = [];
  await runFfmpeg(
    ffmpegPath,
    [
      "-hide_banner", "-nostdin", "-nostats", "-loglevel", "info",
      "-progress", "pipe:1",
      "-i", path,
      "-map", "0:a:0",
      // framelog=verbose: the per-frame lines stay out of an info-level log; the summary stays in.
      "-af", "ebur128=peak=true:framelog=verbose",
      "-f", "null", "-",
    ],
    {
      activity: "loudness measurement",
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.trace ? { trace: options.trace } : {}),
      ...(options.durationMs ? { durationMs: options.durationMs } : {}),
      ...(options.onProgress ? { onProgress: (fraction: number) => options.onProgress!(fraction) } : {}),
      onStderrLine: (line) => {
        // ebur128 also prints an empty summary when the graph is set up: the last one counts.
        if (/ebur128.*Summary:/.test(line)) summary = [line];
        else if (summary.length > 0 && summary.length < 16) summary.push(line);
      },
    },
  );
  const found = parseLoudnessSummary(summary);
  if (!found) return { lufs: SILENCE_LUFS, dbtp: null };
  return { lufs: found.integratedLufs, dbtp: Number.isFinite(found.truePeakDbtp) ? found.truePeakDbtp : null };
}

export interface Delivery {
  ffmpegPath: string;
  /** Pass 1's outputs: the video alone, and the mix as float WAV. */
  videoPath: string;
  mixPath: string;
  outputPath: string;
  target: number;
  encoding: Mp4Encoding;
  durationMs: number;
  signal?: AbortSignal;
  trace?: Trace;
  killGraceMs?: number;
  /** 0–1 over the delivery's own steps, with a line for a person. */
  onProgress?: (fraction: number, message: string) => void;
}

/** Under this many dB over the ceiling after the AAC encode, a file is taken as at the ceiling (the meter's own rounding). */
const CEILING_TOLERANCE_DB = 0.05;

/**
 * Measures the mix, applies its one gain while muxing, and measures what the file delivers. Should
 * the AAC encode still lift a true peak over the ceiling, the gain is lowered by the excess and the
 * sound encoded once more (audio only: the video is copied either way).
 */
export async function deliverAtLoudness(delivery: Delivery): Promise<LoudnessReport> {
  const common = { ...(delivery.signal ? { signal: delivery.signal } : {}), ...(delivery.trace ? { trace: delivery.trace } : {}) };
  delivery.onProgress?.(0, "loudness: measuring");
  const measured = await measureLoudness(delivery.ffmpegPath, delivery.mixPath, common);
  const plan = planGain(measured, delivery.target);
  let gain = plan.gain;
  let delivered: LoudnessLevel | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    const step = `loudness: gain ${gain >= 0 ? "+" : ""}${gain.toFixed(1)} dB`;
    await runFfmpeg(delivery.ffmpegPath, deliveryArgs({ ...delivery, gain }), {
      ...common,
      durationMs: delivery.durationMs,
      ...(delivery.killGraceMs !== undefined ? { killGraceMs: delivery.killGraceMs } : {}),
      onProgress: (fraction) => delivery.onProgress?.(0.1 + 0.8 * fraction, step),
    });
    delivery.onProgress?.(0.9, "loudness: checking the file");
    delivered = await measureLoudness(delivery.ffmpegPath, delivery.outputPath, common);
    const over = delivered.dbtp === null ? 0 : delivered.dbtp - TRUE_PEAK_CEILING;
    if (over <= CEILING_TOLERANCE_DB || plan.outcome === "silent") break;
    gain = round2(gain - over - 0.2);
  }
  return { target: delivery.target, ceiling: TRUE_PEAK_CEILING, outcome: plan.outcome, measured, gain, ...(delivered ? { delivered } : {}) };
}
