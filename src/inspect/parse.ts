/**
 * Pure readers of what one analysis pass of ffmpeg logs on stderr: scdet's scene cuts,
 * silencedetect's pauses and ebur128's summary. Times are in the file's own time (seconds
 * from its first frame); the caller subtracts the container's start time.
 */

export interface SceneCut {
  atSeconds: number;
  /** scdet's score, 0–100: how different the picture is from the frame before. */
  score: number;
}

export interface Span {
  startSeconds: number;
  endSeconds: number;
}

export interface Loudness {
  /** EBU R128 integrated loudness over the whole file. */
  integratedLufs: number;
  /** The highest true (inter-sample) peak. */
  truePeakDbtp: number;
  /** EBU R128 loudness range. */
  rangeLu: number;
}

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

/** `[scdet @ 0x…] lavfi.scd.score: 28.662, lavfi.scd.time: 2` → cuts, in time order, one per moment. */
export function parseSceneCuts(lines: readonly string[], startSeconds = 0): SceneCut[] {
  const cuts = new Map<number, SceneCut>();
  for (const line of lines) {
    const match = /lavfi\.scd\.score:\s*([\d.]+),\s*lavfi\.scd\.time:\s*(-?[\d.]+)/.exec(line);
    if (!match) continue;
    const atSeconds = round3(Math.max(0, Number(match[2]) - startSeconds));
    if (atSeconds === 0) continue; // The first frame is a start, not a cut.
    cuts.set(atSeconds, { atSeconds, score: round3(Number(match[1])) });
  }
  return [...cuts.values()].sort((a, b) => a.atSeconds - b.atSeconds);
}

/** silencedetect's `silence_start` / `silence_end` lines → pauses; one still open runs to the end. */
export function parsePauses(lines: readonly string[], endSeconds: number, startSeconds = 0): Span[] {
  const pauses: Span[] = [];
  let open: number | undefined;
  for (const line of lines) {
    const start = /silence_start:\s*(-?[\d.]+)/.exec(line);
    if (start) {
      open = Math.max(0, Number(start[1]) - startSeconds);
      continue;
    }
    const end = /silence_end:\s*(-?[\d.]+)/.exec(line);
    if (end && open !== undefined) {
      pauses.push({ startSeconds: round3(open), endSeconds: round3(Math.min(endSeconds, Number(end[1]) - startSeconds)) });
      open = undefined;
    }
  }
  if (open !== undefined && open < endSeconds) pauses.push({ startSeconds: round3(open), endSeconds: round3(endSeconds) });
  return pauses;
}

/** What is not a pause, from 0 to the end: where someone speaks (or anything sounds). */
export function speechBetween(pauses: readonly Span[], endSeconds: number): Span[] {
  const speech: Span[] = [];
  let from = 0;
  for (const pause of pauses) {
    if (pause.startSeconds > from) speech.push({ startSeconds: round3(from), endSeconds: round3(pause.startSeconds) });
    from = Math.max(from, pause.endSeconds);
  }
  if (endSeconds > from) speech.push({ startSeconds: round3(from), endSeconds: round3(endSeconds) });
  return speech;
}

/**
 * ebur128's closing summary. It prints `I: -23.0 LUFS`, `LRA: 1.2 LU` and, with peak=true,
 * `Peak: -3.1 dBFS` under "True peak". Silence measures `-70.0 LUFS` and `-inf` peaks.
 */
export function parseLoudnessSummary(lines: readonly string[]): Loudness | undefined {
  const summary = lines.slice(lines.findLastIndex((line) => /Summary:/.test(line)));
  if (summary.length === 0 || !/Summary:/.test(summary[0] ?? "")) return undefined;
  const value = (pattern: RegExp): number | undefined => {
    for (const line of summary) {
      const match = pattern.exec(line);
      if (match) return match[1] === "-inf" ? Number.NEGATIVE_INFINITY : Number(match[1]);
    }
    return undefined;
  };
  const integratedLufs = value(/\bI:\s*(-?[\d.]+|-inf)\s*LUFS/);
  const rangeLu = value(/\bLRA:\s*(-?[\d.]+)\s*LU\b/);
  const truePeakDbtp = value(/\bPeak:\s*(-?[\d.]+|-inf)\s*dBFS/);
  if (integratedLufs === undefined || truePeakDbtp === undefined) return undefined;
  return { integratedLufs, truePeakDbtp, rangeLu: rangeLu ?? 0 };
}

/**
 * The moments a contact sheet shows: a tile per scene (the strongest cuts when there are more
 * scenes than tiles), each a little inside its scene so a cut's first frame is not a blend; a
 * single shot gets evenly spaced tiles instead.
 */
export function sheetMoments(durationSeconds: number, cuts: readonly SceneCut[], maxTiles: number): number[] {
  if (!(durationSeconds > 0)) return [0];
  const inside = (t: number): number => round3(Math.min(Math.max(0, durationSeconds - 0.05), t));
  if (cuts.length > 0) {
    const strongest = [...cuts].sort((a, b) => b.score - a.score).slice(0, maxTiles - 1);
    const starts = [0, ...strongest.map((c) => c.atSeconds).sort((a, b) => a - b)];
    return starts.map((start, i) => {
      const next = starts[i + 1] ?? durationSeconds;
      return inside(start + Math.min(0.5, (next - start) / 4));
    });
  }
  const count = Math.max(1, Math.min(maxTiles, Math.ceil(durationSeconds)));
  return Array.from({ length: count }, (_, i) => inside(((i + 0.5) * durationSeconds) / count));
}

/** 12.3456 → "0:12.3"; 3725.2 → "1:02:05.2": a time label a person reads off a tile. */
export function clockLabel(seconds: number): string {
  const tenths = Math.round(seconds * 10);
  const h = Math.floor(tenths / 36000);
  const m = Math.floor((tenths % 36000) / 600);
  const s = (tenths % 600) / 10;
  const ss = s.toFixed(1).padStart(4, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}
