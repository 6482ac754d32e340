/**
 * The beat of a piece of music, from a loudness envelope (one RMS level in dB per short frame,
 * measured by ffmpeg's astats: see beats.ts). Pure functions, each tested with tables.
 *
 * Why this little DSP is written here: ffmpeg 5.1 has no onset or tempo filter, and the npm
 * libraries that find tempo either need the Web Audio API (web-audio-beat-detector,
 * realtime-bpm-analyzer, bpm-detective), are GPL/AGPL WebAssembly (aubiojs, essentia.js) or
 * are unmaintained (music-tempo). ffmpeg does the decoding, mixing down, resampling and the
 * loudness measure; what is left is the textbook minimum: rises in loudness are onsets, the
 * autocorrelation of those rises gives the beat period, and a least-squares line through the
 * onsets that fall on it gives the exact period and where the beats are.
 */

export interface Envelope {
  /** Length of one frame. */
  frameMs: number;
  /**
   * Per frequency band, the RMS level of each frame in dB (-Infinity for digital silence), from
   * the start of the stretch: the whole sound, where kick and bass are loudest, and the highs,
   * where snares and hats are heard.
   */
  bands: ReadonlyArray<readonly number[]>;
}

export interface Beats {
  bpm: number;
  periodMs: number;
  /** Every beat in the stretch, from its start; each on an onset where one is near, else on the grid. */
  beatsMs: number[];
  /** Share of the grid's beats that had an onset on them (0…1). */
  onBeat: number;
}

export type BeatsOrWhy = { ok: true; beats: Beats } | { ok: false; why: string };

/** Tempi outside this range are not looked for (a beat faster than 200 BPM is heard as a half-time one). */
export const MIN_BPM = 60;
export const MAX_BPM = 200;
/** Tempo most music sits near; between two octave-related candidates the closer one wins (as librosa does). */
const PRIOR_BPM = 120;
/** How far below the loudest frame a level still counts: quieter than that is taken as silence. */
const RANGE_DB = 50;
/** Below this autocorrelation, or with fewer of the grid's beats on onsets, the music has no steady beat. */
const MIN_CLARITY = 0.15;
const MIN_ON_BEAT = 0.6;
/** The level an onset rises in is taken over this long: at least one cycle of a 50 Hz kick. */
const LEVEL_WINDOW_MS = 20;
/** Shorter music is too little to tell a steady beat from chance. */
const MIN_LENGTH_MS = 4000;
/** At least this many beats are needed to call something a beat. */
const MIN_BEATS = 8;

/**
 * Onset strength: how much louder each frame is than the one before (rises only), in dB, with
 * the level taken over the last `window` frames (a frame of 5 or 10 ms is shorter than one cycle
 * of a kick drum, whose level would otherwise rise and fall within every cycle).
 */
export function onsetStrength(levelsDb: readonly number[], window: number): number[] {
  const finite = levelsDb.filter(Number.isFinite);
  if (finite.length === 0) return levelsDb.map(() => 0);
  const floor = Math.max(...finite) - RANGE_DB;
  const power = levelsDb.map((l) => 10 ** ((Number.isFinite(l) ? Math.max(l, floor) : floor) / 10));
  let sum = 0;
  const level = power.map((p, i) => {
    sum += p - (i >= window ? power[i - window]! : 0);
    return 10 * Math.log10(Math.max(sum, 1e-30) / Math.min(window, i + 1));
  });
  return level.map((l, i) => (i === 0 ? 0 : Math.max(0, l - level[i - 1]!)));
}

/**
 * Frames that are the largest within `radius` frames either side and at least `threshold`
 * (a plateau counts once, at its first frame).
 */
export function pickPeaks(strength: readonly number[], radius: number, threshold: number): number[] {
  const peaks: number[] = [];
  for (let i = 0; i < strength.length; i++) {
    const value = strength[i]!;
    if (value < threshold || value <= 0) continue;
    let isPeak = true;
    for (let j = Math.max(0, i - radius); j <= Math.min(strength.length - 1, i + radius) && isPeak; j++) {
      if (j < i ? strength[j]! >= value : strength[j]! > value) isPeak = false;
    }
    if (isPeak) peaks.push(i);
  }
  return peaks;
}

/**
 * The beat period (in frames, with a fraction) where the onset strength best repeats itself:
 * autocorrelation over the lags of MIN_BPM…MAX_BPM, weighted towards PRIOR_BPM by octaves, and
 * refined between frames by a parabola through the best lag and its neighbours. `clarity` is
 * the normalised autocorrelation there (1 = the same onsets exactly one period apart, ~0 = none).
 */
export function estimatePeriod(strength: readonly number[], frameMs: number): { periodFrames: number; clarity: number } | undefined {
  const n = strength.length;
  const mean = strength.reduce((sum, v) => sum + v, 0) / Math.max(1, n);
  const x = strength.map((v) => v - mean);
  const energy = x.reduce((sum, v) => sum + v * v, 0);
  const minLag = Math.max(2, Math.floor(60000 / MAX_BPM / frameMs));
  const maxLag = Math.ceil(60000 / MIN_BPM / frameMs);
  if (energy <= 0 || n < maxLag * 2) return undefined;
  const r = new Map<number, number>();
  const at = (lag: number): number => {
    let value = r.get(lag);
    if (value === undefined) {
      let sum = 0;
      for (let i = 0; i + lag < n; i++) sum += x[i]! * x[i + lag]!;
      // Unbiased: longer lags overlap fewer frames.
      value = (sum / (n - lag)) * (n / energy);
      r.set(lag, value);
    }
    return value;
  };
  let best = -1;
  let bestScore = -Infinity;
  for (let lag = minLag; lag <= maxLag; lag++) {
    const bpm = 60000 / (lag * frameMs);
    const score = at(lag) * Math.exp(-0.5 * Math.log2(bpm / PRIOR_BPM) ** 2);
    if (score > bestScore) {
      bestScore = score;
      best = lag;
    }
  }
  const [before, peak, after] = [at(best - 1), at(best), at(best + 1)];
  const curve = before - 2 * peak + after;
  const shift = curve < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (before - after)) / curve)) : 0;
  return { periodFrames: best + shift, clarity: peak };
}

/**
 * The beat grid through the onsets: the phase where the onsets (weighted by strength) fall
 * closest to a grid of `periodMs`, then a least-squares line through the onsets on that grid,
 * time = phase + k·period, which gives the period to a fraction of a frame.
 */
export function fitGrid(
  onsets: ReadonlyArray<{ atMs: number; strength: number }>,
  periodMs: number,
): { phaseMs: number; periodMs: number } {
  const tolerance = toleranceFor(periodMs);
  let phase = 0;
  let bestScore = -Infinity;
  for (let candidate = 0; candidate < periodMs; candidate += 1) {
    let score = 0;
    for (const onset of onsets) {
      const off = distanceToGrid(onset.atMs, candidate, periodMs);
      score += onset.strength * Math.exp(-0.5 * (off / (tolerance / 2)) ** 2);
    }
    if (score > bestScore) {
      bestScore = score;
      phase = candidate;
    }
  }
  let period = periodMs;
  // Twice: the refined line may take in onsets the first grid missed.
  for (let round = 0; round < 2; round++) {
    const points = onsets
      .filter((o) => distanceToGrid(o.atMs, phase, period) <= tolerance)
      .map((o) => ({ k: Math.round((o.atMs - phase) / period), t: o.atMs }));
    const ks = new Set(points.map((p) => p.k));
    if (ks.size < 2) break;
    const meanK = points.reduce((s, p) => s + p.k, 0) / points.length;
    const meanT = points.reduce((s, p) => s + p.t, 0) / points.length;
    const slope = points.reduce((s, p) => s + (p.k - meanK) * (p.t - meanT), 0) / points.reduce((s, p) => s + (p.k - meanK) ** 2, 0);
    // A line that strays more than 5% from the autocorrelation's period is a bad fit, not a better tempo.
    if (!(Math.abs(slope / periodMs - 1) < 0.05)) break;
    period = slope;
    phase = meanT - slope * meanK;
    phase = ((phase % period) + period) % period;
  }
  return { phaseMs: phase, periodMs: period };
}

/** The whole analysis: envelope → onsets → period → grid → beats, or why there is no steady beat. */
export function findBeats(envelope: Envelope): BeatsOrWhy {
  const { frameMs, bands } = envelope;
  const frames = Math.min(...bands.map((b) => b.length));
  const perBand = bands.map((levels) => onsetStrength(levels.slice(0, frames), Math.max(1, Math.round(LEVEL_WINDOW_MS / frameMs))));
  // A rise in any band is an onset: the bands' rises add up.
  const strength = Array.from({ length: frames }, (_, i) => perBand.reduce((sum, band) => sum + band[i]!, 0));
  const estimate = frames * frameMs >= MIN_LENGTH_MS ? estimatePeriod(strength, frameMs) : undefined;
  if (!estimate) return { ok: false, why: "too short or too quiet to find a beat" };
  if (estimate.clarity < MIN_CLARITY) return { ok: false, why: "no steady beat found" };
  const periodGuess = estimate.periodFrames * frameMs;
  const sorted = [...strength].sort((a, b) => a - b);
  // Onsets: clear rises (above the 90th percentile and a few dB), at most one per quarter beat.
  const threshold = Math.max(1.5, sorted[Math.floor(sorted.length * 0.9)] ?? 0);
  const peaks = pickPeaks(strength, Math.max(1, Math.floor(periodGuess / frameMs / 4)), threshold);
  // A rise is stamped at its frame's middle: the sound began somewhere inside that frame.
  const onsets = peaks.map((i) => ({ atMs: (i + 0.5) * frameMs, strength: strength[i]! }));
  if (onsets.length < MIN_BEATS) return { ok: false, why: "no steady beat found" };
  const grid = fitGrid(onsets, periodGuess);
  const endMs = frames * frameMs;
  const tolerance = toleranceFor(grid.periodMs);
  const firstOnset = onsets[0]!.atMs;
  const lastOnset = onsets.at(-1)!.atMs;
  const beatsMs: number[] = [];
  let expected = 0;
  let hits = 0;
  for (let t = grid.phaseMs; t < endMs; t += grid.periodMs) {
    const near = nearestOnset(onsets, t);
    const onIt = near !== undefined && Math.abs(near - t) <= tolerance;
    // Counted between the first and last onsets: an intro or a fade-out is not a missing beat.
    if (t >= firstOnset - tolerance && t <= lastOnset + tolerance) {
      expected++;
      if (onIt) hits++;
    }
    beatsMs.push(onIt ? near : t);
  }
  const onBeat = expected > 0 ? hits / expected : 0;
  if (hits < MIN_BEATS || onBeat < MIN_ON_BEAT) return { ok: false, why: "no steady beat found" };
  return { ok: true, beats: { bpm: 60000 / grid.periodMs, periodMs: grid.periodMs, beatsMs, onBeat } };
}

/** How far an onset may sit from a beat and still be on it: 50 ms, less for fast tempi. */
function toleranceFor(periodMs: number): number {
  return Math.min(50, periodMs / 6);
}

function distanceToGrid(atMs: number, phaseMs: number, periodMs: number): number {
  const offset = (((atMs - phaseMs) % periodMs) + periodMs) % periodMs;
  return Math.min(offset, periodMs - offset);
}

function nearestOnset(onsets: ReadonlyArray<{ atMs: number }>, atMs: number): number | undefined {
  let lo = 0;
  let hi = onsets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (onsets[mid]!.atMs < atMs) lo = mid + 1;
    else hi = mid;
  }
  const candidates = [onsets[lo - 1], onsets[lo]].filter((o): o is { atMs: number } => o !== undefined);
  return candidates.sort((a, b) => Math.abs(a.atMs - atMs) - Math.abs(b.atMs - atMs))[0]?.atMs;
}
