import type { OtioComposable, OtioTimeline, OtioTrack } from "./otio-schema.js";

/**
 * The rules of an OTIO timeline that the schema cannot say, as an editor needs them to hold
 * (OTIO's own Track::range_of_child_at_index and Transition docs): every track as long as the
 * project; transitions only between two items, never reaching further than the item on either
 * side (nor, with the transition at its other end, further than that item holds); each clip's
 * source range, and the handles its transitions draw on, inside its media's available range;
 * one rate throughout; markers inside the timeline.
 */
export function semanticProblems(doc: OtioTimeline, totalFrames: number, rate: number): string[] {
  const problems: string[] = [];
  const rates = new Set<number>();
  collectRates(doc, rates);
  if (rates.size !== 1 || !rates.has(rate)) problems.push(`rates ${[...rates].join(", ")}, not only ${rate}`);

  doc.tracks.children.forEach((child, t) => {
    if (child.OTIO_SCHEMA !== "Track.1") return void problems.push(`stack child ${t} is ${child.OTIO_SCHEMA}, not a track`);
    const name = `track ${t} (${child.name})`;
    const length = trackFrames(child);
    if (length !== totalFrames) problems.push(`${name} lasts ${length} frames, not ${totalFrames}`);
    problems.push(...trackProblems(child, name));
  });
  for (const m of doc.tracks.markers ?? []) {
    const start = m.marked_range.start_time.value;
    const end = start + m.marked_range.duration.value;
    if (start < 0 || end > totalFrames) problems.push(`marker "${m.name}" spans ${start}–${end}, outside 0–${totalFrames}`);
  }
  return problems;
}

/** A track's length: its items' durations; transitions take no time. */
export function trackFrames(t: OtioTrack): number {
  return t.children.reduce((sum, c) => sum + (c.OTIO_SCHEMA === "Transition.1" ? 0 : durationOf(c)), 0);
}

function durationOf(c: OtioComposable): number {
  if (c.OTIO_SCHEMA === "Transition.1") return 0;
  if (c.source_range) return c.source_range.duration.value;
  return c.OTIO_SCHEMA === "Track.1" ? trackFrames(c) : Number.NaN;
}

function trackProblems(t: OtioTrack, name: string): string[] {
  const problems: string[] = [];
  const kids = t.children;
  kids.forEach((c, i) => {
    const at = `${name} item ${i}`;
    if (c.OTIO_SCHEMA === "Transition.1") {
      const before = kids[i - 1];
      const after = kids[i + 1];
      if (!before || !after || before.OTIO_SCHEMA === "Transition.1" || after.OTIO_SCHEMA === "Transition.1") {
        return void problems.push(`${at}: a transition not between two items`);
      }
      if (c.in_offset.value < 0 || c.out_offset.value < 0) problems.push(`${at}: a negative offset`);
      if (c.in_offset.value > durationOf(before)) problems.push(`${at}: in_offset ${c.in_offset.value} exceeds the ${durationOf(before)} frames before it`);
      if (c.out_offset.value > durationOf(after)) problems.push(`${at}: out_offset ${c.out_offset.value} exceeds the ${durationOf(after)} frames after it`);
      return;
    }
    const into = kids[i - 1]?.OTIO_SCHEMA === "Transition.1" ? (kids[i - 1] as { out_offset: { value: number } }).out_offset.value : 0;
    const outOf = kids[i + 1]?.OTIO_SCHEMA === "Transition.1" ? (kids[i + 1] as { in_offset: { value: number } }).in_offset.value : 0;
    if (into + outOf > durationOf(c)) problems.push(`${at}: its two transitions overlap (${into} + ${outOf} > ${durationOf(c)})`);
    if (!(durationOf(c) > 0)) problems.push(`${at}: lasts ${durationOf(c)} frames`);
    if (c.OTIO_SCHEMA === "Clip.2") problems.push(...handleProblems(c, at, kids, i));
  });
  return problems;
}

/** The clip's range, widened by the handles its transitions draw on, inside its media. */
function handleProblems(c: Extract<OtioComposable, { OTIO_SCHEMA: "Clip.2" }>, at: string, kids: OtioComposable[], i: number): string[] {
  const media = c.media_references[c.active_media_reference_key];
  if (!media) return [`${at}: no media under its active key ${c.active_media_reference_key}`];
  const available = media.available_range;
  if (!available || !c.source_range) return [];
  const before = kids[i - 1];
  const after = kids[i + 1];
  const preRoll = before?.OTIO_SCHEMA === "Transition.1" ? before.in_offset.value : 0;
  const postRoll = after?.OTIO_SCHEMA === "Transition.1" ? after.out_offset.value : 0;
  const start = c.source_range.start_time.value - preRoll;
  const end = c.source_range.start_time.value + c.source_range.duration.value + postRoll;
  const from = available.start_time.value;
  const to = from + available.duration.value;
  return start < from || end > to ? [`${at} (${c.name}): uses ${start}–${end} of its media, which has ${from}–${to}`] : [];
}

function collectRates(value: unknown, rates: Set<number>): void {
  if (Array.isArray(value)) return value.forEach((v) => collectRates(v, rates));
  if (value === null || typeof value !== "object") return;
  const record = value as Record<string, unknown>;
  if (record.OTIO_SCHEMA === "RationalTime.1") rates.add(record.rate as number);
  for (const [key, v] of Object.entries(record)) if (key !== "metadata") collectRates(v, rates);
}
