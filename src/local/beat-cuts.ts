/**
 * Where the cuts go when they follow the music: pure, tested with tables. The video track is
 * a row of pieces (clips, photos) played one after another, a transition overlapping a piece
 * with the one before it; a cut is where a piece starts. Moving the cut into piece i changes
 * only the length of piece i-1 (its in-point stays), and every later piece moves with it, so
 * the cuts are placed left to right, each on the beat nearest to where it was.
 */

export interface Piece {
  durationMs: number;
  /** Overlap with the piece before (its incoming transition); 0 without one. */
  transitionMs: number;
  /** Shortest and longest this piece may become (longest: its footage, or as it is when a cut set its end). */
  minMs: number;
  maxMs: number;
  /** Its incoming cut stays where it is (a jump cut inside one clip, or a cut not asked for). */
  keepCut?: boolean;
}

export interface CutMove {
  /** The piece the cut leads into. */
  index: number;
  fromMs: number;
  toMs: number;
  onBeat: boolean;
}

export interface CutPlan {
  durations: number[];
  moves: CutMove[];
}

/** The beats a cut may land on: every `every`-th beat, counted from the music's first. */
export function cutBeats(beatsMs: readonly number[], every: number): number[] {
  return beatsMs.filter((_, k) => k % every === 0);
}

/**
 * How many beats apart cuts may land when the person says `auto`: 1, 2 or 4 (a bar of 4/4),
 * the most that keeps a typical piece at least 4 grid steps long, so no cut moves by more than
 * an eighth of a typical piece.
 */
export function autoEvery(durationsMs: readonly number[], periodMs: number): number {
  const sorted = [...durationsMs].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  for (const every of [4, 2]) if (median >= 4 * every * periodMs) return every;
  return 1;
}

/**
 * Each cut onto the nearest beat within `maxMoveMs` that leaves the piece before it between
 * its shortest and longest; a cut with no such beat stays as near to where it was as those
 * limits allow. The video's end stays where it was when the last piece can take the change.
 */
export function planCuts(pieces: readonly Piece[], beatsMs: readonly number[], maxMoveMs: number): CutPlan {
  const durations = pieces.map((p) => p.durationMs);
  const moves: CutMove[] = [];
  if (pieces.length === 0) return { durations, moves };
  const originalStarts: number[] = [];
  let cursor = 0;
  pieces.forEach((p, i) => {
    const start = i === 0 ? 0 : cursor - p.transitionMs;
    originalStarts.push(start);
    cursor = start + p.durationMs;
  });
  const originalEnd = cursor;

  let previousStart = 0;
  for (let i = 1; i < pieces.length; i++) {
    const before = pieces[i - 1]!;
    const fromMs = originalStarts[i]!;
    // The piece before lasts (cut + its overlap with this piece - its own start).
    const lengthFor = (cut: number): number => cut + pieces[i]!.transitionMs - previousStart;
    const fits = (cut: number): boolean => lengthFor(cut) >= before.minMs && lengthFor(cut) <= before.maxMs;
    if (pieces[i]!.keepCut) {
      // Kept: the piece before keeps its length, and the cut moves with the cuts before it.
      previousStart += before.durationMs - pieces[i]!.transitionMs;
      continue;
    }
    let toMs: number;
    let onBeat = false;
    const beat = beatsMs
          .filter((b) => Math.abs(b - fromMs) <= maxMoveMs && fits(b))
          .sort((a, b) => Math.abs(a - fromMs) - Math.abs(b - fromMs))[0];
    if (beat !== undefined) {
      toMs = beat;
      onBeat = true;
    } else {
      // Where it was, or as close as the piece before allows now that earlier cuts moved.
      const lowest = previousStart + before.minMs - pieces[i]!.transitionMs;
      const highest = previousStart + before.maxMs - pieces[i]!.transitionMs;
      toMs = Math.min(highest, Math.max(lowest, fromMs));
    }
    durations[i - 1] = lengthFor(toMs);
    moves.push({ index: i, fromMs, toMs, onBeat });
    previousStart = toMs;
  }
  const last = pieces.at(-1)!;
  durations[pieces.length - 1] = Math.min(last.maxMs, Math.max(last.minMs, originalEnd - previousStart));
  return { durations, moves };
}
