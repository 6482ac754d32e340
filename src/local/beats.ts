import type { Trace } from "../core/debug.js";
import type { MediaFacts } from "./media.js";
import { type BeatsOrWhy, findBeats } from "./beat-grid.js";
import { runFfmpeg } from "./ffmpeg.js";

/**
 * The beats of a piece of music, in source time. ffmpeg decodes it, mixes it down to mono at
 * 16 kHz and measures the RMS level of every 5 ms frame, of the whole sound and of its highs
 * (astats reset each frame, printed by ametadata on stderr, one named instance per band);
 * beat-grid.ts finds the beat in those levels.
 */

export const FRAME_MS = 5;
/** 16 kHz keeps the snares' and hats' attack (up to 8 kHz); the high band starts where they are heard over bass and voice. */
const SAMPLE_RATE = 16000;
const HIGH_BAND_HZ = 2000;
type Band = "full" | "high";
/** Longer stretches are analysed up to this much: a beat found in 15 minutes holds for the rest. */
export const MAX_ANALYSED_MS = 15 * 60_000;

export interface BeatOptions {
  signal?: AbortSignal;
  trace?: Trace;
}

export async function detectBeats(
  ffmpegPath: string,
  media: MediaFacts,
  fromMs: number,
  toMs: number,
  options: BeatOptions = {},
): Promise<BeatsOrWhy> {
  const lengthMs = Math.min(toMs - fromMs, MAX_ANALYSED_MS);
  const samples = Math.round((SAMPLE_RATE * FRAME_MS) / 1000);
  const bands: Record<Band, number[]> = { full: [], high: [] };
  const levels = (band: Band): string =>
    `astats=metadata=1:reset=1:measure_perchannel=none:measure_overall=RMS_level,ametadata@${band}=print:key=lavfi.astats.Overall.RMS_level`;
  const args = [
    "-hide_banner", "-nostdin", "-loglevel", "info",
    ...(fromMs > 0 ? ["-ss", (fromMs / 1000).toFixed(3)] : []),
    "-t", (lengthMs / 1000).toFixed(3),
    "-i", media.path,
    "-vn", "-sn", "-dn",
    "-filter_complex", [
      `[0:a:0]aresample=${SAMPLE_RATE},aformat=sample_fmts=flt:channel_layouts=mono,asetnsamples=n=${samples}:p=0,asplit=2[full][high]`,
      `[full]${levels("full")}[fullout]`,
      `[high]highpass=f=${HIGH_BAND_HZ},${levels("high")}[highout]`,
    ].join(";"),
    "-map", "[fullout]", "-map", "[highout]",
    "-f", "null", "-",
  ];
  await runFfmpeg(ffmpegPath, args, {
    activity: `search for the beat in "${media.name}"`,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.trace ? { trace: options.trace } : {}),
    onStderrLine: (line) => {
      const parsed = parseLevelLine(line);
      if (!parsed) return;
      const band = bands[parsed.band];
      // Bounded: one number per band and frame of at most MAX_ANALYSED_MS.
      if (band.length * FRAME_MS < MAX_ANALYSED_MS) band.push(parsed.db);
    },
  });
  const found = findBeats({ frameMs: FRAME_MS, bands: [bands.full, bands.high] });
  if (!found.ok) return found;
  return { ok: true, beats: { ...found.beats, beatsMs: found.beats.beatsMs.map((b) => fromMs + b) } };
}

/** Pure: one ametadata line → its band and the frame's RMS level in dB (-Infinity for digital silence). */
export function parseLevelLine(line: string): { band: Band; db: number } | undefined {
  const match = /\[ametadata@(full|high) @ [^\]]*\] lavfi\.astats\.Overall\.RMS_level=(-?inf|-?[\d.]+(?:e[-+]?\d+)?)/i.exec(line);
  if (!match) return undefined;
  const text = match[2]!.toLowerCase();
  return { band: match[1] as Band, db: text.endsWith("inf") ? -Infinity : Number(text) };
}
