import {
  type Draft,
  type Segment,
  type Track,
  draftDurationMs,
  draftTitle,
  segmentName,
  segmentText,
  segmentVolumePercent,
  timedSegments,
  trackName,
  trackType,
} from "./draft.js";
import {
  countNoun,
  formatRange,
  formatSeconds,
  quoteLabel,
  segmentLabel,
  segmentNoun,
  trackItemsText,
  trackKind,
  trackKindLabel,
} from "./summary.js";

/**
 * Sentences naming what an edit changed, e.g. `BGM track 2: volume 50% → 35%`.
 *
 * About a third of the agent's edits end without any text, so this is often the only
 * answer a person gets; it has to name the change in their words (tracks, clips, seconds),
 * never in draft keys. Order is fixed (tracks in timeline order, then length, title and
 * other settings) so the same edit always reads the same.
 */
export function diffDrafts(before: Draft, after: Draft): string[] {
  const lines: string[] = [];

  for (const op of align(before.t, after.t, trackPairScore)) {
    if (op.kind === "removed") {
      const track = before.t[op.from]!;
      lines.push(`Removed ${trackKindLabel(trackKind(track))} track ${op.from + 1} (${trackNames(track)})`);
    } else if (op.kind === "added") {
      const track = after.t[op.to]!;
      lines.push(`Added ${trackKindLabel(trackKind(track))} track ${op.to + 1}: ${trackItemsText(track)}`);
    } else {
      lines.push(...diffTrack(before.t[op.from]!, after.t[op.to]!, op.to + 1));
    }
  }

  const lengthBefore = formatSeconds(draftDurationMs(before));
  const lengthAfter = formatSeconds(draftDurationMs(after));
  if (lengthBefore !== lengthAfter) lines.push(`Length ${lengthBefore}s → ${lengthAfter}s`);

  const titleBefore = draftTitle(before);
  const titleAfter = draftTitle(after);
  if (titleBefore !== titleAfter) lines.push(`Title: ${quoted(titleBefore)} → ${quoted(titleAfter)}`);

  // Keys we cannot name (canvas size, fps, …): say that something changed, once.
  if (stableJson(settingsOf(before)) !== stableJson(settingsOf(after))) lines.push("Timeline settings changed");

  return lines;
}

// --- one track ---------------------------------------------------------------

function diffTrack(before: Track, after: Track, number: number): string[] {
  if (stableJson(before) === stableJson(after)) return [];
  const kind = trackKind(after);
  const prefix = `${trackKindLabel(kind)} track ${number}: `;
  const lines: string[] = [];

  const ops = matchSegments(before.sg, after.sg);
  const added = ops.filter((op) => op.kind === "added").map((op) => quoteLabel(segmentLabel(after, op.to)));
  const removed = ops.filter((op) => op.kind === "removed").map((op) => quoteLabel(segmentLabel(before, op.from)));
  if (added.length > 0 || removed.length > 0) {
    const parts: string[] = [];
    if (added.length > 0) parts.push(`added ${listNames(added)}`);
    if (removed.length > 0) parts.push(`removed ${listNames(removed)}`);
    lines.push(
      before.sg.length === after.sg.length
        ? `${prefix}${parts.join("; ")}`
        : `${prefix}${countNoun(kind, before.sg.length)} → ${countNoun(kind, after.sg.length)} (${parts.join("; ")})`,
    );
  }

  const timedBefore = timedSegments(before);
  const timedAfter = timedSegments(after);
  const pairs = ops.filter((op): op is Paired => op.kind === "paired").sort((a, b) => a.to - b.to);
  for (const { from, to } of pairs) {
    const a = before.sg[from]!;
    const b = after.sg[to]!;
    if (stableJson(a) === stableJson(b)) continue;
    const label = quoteLabel(segmentLabel(after, to));
    // With one segment the track number already says which; name it only when there are several.
    const who = after.sg.length > 1 ? `${label} ` : "";
    const changes: string[] = [];

    if (kind === "title") {
      const textA = segmentText(a) ?? segmentName(a);
      const textB = segmentText(b) ?? segmentName(b);
      if (textA !== textB) changes.push(`text ${quoted(textA)} → ${quoted(textB)}`);
    } else if (segmentName(a) !== segmentName(b)) {
      changes.push(`${segmentNoun(kind, 1)} ${quoted(segmentName(a))} → ${quoted(segmentName(b))}`);
    }

    const volumeA = segmentVolumePercent(a);
    const volumeB = segmentVolumePercent(b);
    if (volumeA !== volumeB) changes.push(`${who}volume ${percent(volumeA)} → ${percent(volumeB)}`);

    const rangeA = formatRange(timedBefore[from]!.startMs, timedBefore[from]!.endMs);
    const rangeB = formatRange(timedAfter[to]!.startMs, timedAfter[to]!.endMs);
    if (rangeA !== rangeB) changes.push(`${label} now ${rangeB} (was ${rangeA})`);

    if (changes.length === 0) changes.push(`${label} changed`);
    for (const change of changes) lines.push(prefix + change);
  }

  const { sg: _a, ...restBefore } = before;
  const { sg: _b, ...restAfter } = after;
  if (stableJson(restBefore) !== stableJson(restAfter)) {
    const nameA = trackName(before);
    const nameB = trackName(after);
    lines.push(prefix + (nameA !== nameB ? `renamed ${quoted(nameA)} → ${quoted(nameB)}` : "track settings changed"));
  }
  return lines;
}

function trackNames(track: Track): string {
  const kind = trackKind(track);
  if (track.sg.length === 0) return "empty";
  if (track.sg.length > 4) return countNoun(kind, track.sg.length);
  return track.sg
    .map((_, i) => {
      const label = segmentLabel(track, i);
      return kind === "title" ? quoteLabel(label) : label.text;
    })
    .join(", ");
}

function listNames(names: string[]): string {
  const shown = names.slice(0, 3).join(", ");
  return names.length > 3 ? `${shown} and ${names.length - 3} more` : shown;
}

function quoted(text: string | undefined): string {
  return text === undefined ? "(none)" : `"${text}"`;
}

function percent(value: number | undefined): string {
  return value === undefined ? "default" : `${value}%`;
}

// --- matching ------------------------------------------------------------------

type Paired = { kind: "paired"; from: number; to: number };
type Op = Paired | { kind: "removed"; from: number } | { kind: "added"; to: number };

/** Tracks pair only with the same type; an untouched track is preferred over a changed one. */
function trackPairScore(a: Track, b: Track): number {
  if (trackType(a) !== trackType(b)) return 0;
  return stableJson(a) === stableJson(b) ? 2 : 1;
}

function idOf(segment: Segment): string | undefined {
  return segment.id === undefined ? undefined : String(segment.id);
}

/**
 * Segments with an id on both sides pair by id (the agent may reorder them); the rest pair
 * by position, allowing for insertions so that one new clip does not make every later clip
 * look changed.
 */
function matchSegments(before: Segment[], after: Segment[]): Op[] {
  const ops: Op[] = [];
  const afterById = new Map<string, number>();
  after.forEach((segment, i) => {
    const id = idOf(segment);
    if (id !== undefined && !afterById.has(id)) afterById.set(id, i);
  });
  const usedBefore = new Set<number>();
  const usedAfter = new Set<number>();
  before.forEach((segment, i) => {
    const id = idOf(segment);
    const j = id === undefined ? undefined : afterById.get(id);
    if (j !== undefined && !usedAfter.has(j)) {
      ops.push({ kind: "paired", from: i, to: j });
      usedBefore.add(i);
      usedAfter.add(j);
    }
  });
  const restBefore = before.map((_, i) => i).filter((i) => !usedBefore.has(i));
  const restAfter = after.map((_, i) => i).filter((i) => !usedAfter.has(i));
  const score = (i: number, j: number): number => {
    const a = before[i]!;
    const b = after[j]!;
    if (idOf(a) !== undefined && idOf(b) !== undefined) return 0; // different ids: different segments
    return stableJson(a) === stableJson(b) ? 2 : 1;
  };
  for (const op of align(restBefore, restAfter, score)) {
    if (op.kind === "paired") ops.push({ kind: "paired", from: restBefore[op.from]!, to: restAfter[op.to]! });
    else if (op.kind === "removed") ops.push({ kind: "removed", from: restBefore[op.from]! });
    else ops.push({ kind: "added", to: restAfter[op.to]! });
  }
  return ops;
}

/**
 * Order-preserving alignment maximising the total pair score (0 = may not pair). Walking
 * forward and preferring a pair at each tie keeps plain edits positional.
 */
function align<T>(a: readonly T[], b: readonly T[], score: (x: T, y: T) => number): Op[] {
  const n = a.length;
  const m = b.length;
  const best: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  const pair = (i: number, j: number): number => score(a[i]!, b[j]!);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const s = pair(i, j);
      const diagonal = s > 0 ? s + best[i + 1]![j + 1]! : -1;
      best[i]![j] = Math.max(diagonal, best[i + 1]![j]!, best[i]![j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m) {
      const s = pair(i, j);
      if (s > 0 && s + best[i + 1]![j + 1]! === best[i]![j]) {
        ops.push({ kind: "paired", from: i++, to: j++ });
        continue;
      }
      if (best[i + 1]![j] === best[i]![j]) {
        ops.push({ kind: "removed", from: i++ });
        continue;
      }
      ops.push({ kind: "added", to: j++ });
      continue;
    }
    if (i < n) ops.push({ kind: "removed", from: i++ });
    else ops.push({ kind: "added", to: j++ });
  }
  return ops;
}

// --- settings ------------------------------------------------------------------

/** Everything but the tracks and the keys already reported (length and title). */
function settingsOf(draft: Draft): Record<string, unknown> {
  const { t: _tracks, d: _duration, ...rest } = draft as Record<string, unknown>;
  for (const key of ["m", "meta", "metadata"]) {
    const meta = rest[key];
    if (meta && typeof meta === "object" && !Array.isArray(meta)) {
      const { title: _title, name: _name, ...named } = meta as Record<string, unknown>;
      // Keys starting with "_" are the editor's bookkeeping (e.g. the ids given), not a setting a person changed.
      const others = Object.fromEntries(Object.entries(named).filter(([key]) => !key.startsWith("_")));
      // A metadata object that only held the title is not a setting of its own.
      if (Object.keys(others).length > 0) rest[key] = others;
      else delete rest[key];
    }
  }
  return rest;
}

/** JSON with sorted keys, so key order (which the service does not keep) never counts as a change. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
    }
    return v;
  });
}
