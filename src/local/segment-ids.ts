import {
  type AudioSegment,
  type LocalTimeline,
  type LogoSegment,
  type TextSegment,
  type VideoSegment,
  seconds,
} from "./timeline.js";
import { cueParts, isFollowing } from "./subtitle-anchor.js";

/** Segments by id: the next free id, finding one, listing them, and the outline that shows them to the host. */

// --- ids -----------------------------------------------------------------------------

export type SegmentKind = "clip" | "image" | "text" | "sub" | "audio" | "logo";

const KINDS: readonly SegmentKind[] = ["clip", "image", "text", "sub", "audio", "logo"];

/**
 * The draft's record of the highest number given to each kind (`m._ids`). Removing the newest
 * segment, or the last of a track (empty tracks are not saved), must not hand its id to the
 * next one: a host that read "clip-3 was removed" never finds another clip answering to clip-3.
 */
const GIVEN_IDS_KEY = "_ids";

function givenIds(timeline: LocalTimeline): Record<string, number> {
  const record = timeline.meta[GIVEN_IDS_KEY];
  if (!record || typeof record !== "object" || Array.isArray(record)) return {};
  // A hand-edited or damaged record is ignored rather than refused: it only guards against reuse.
  return Object.fromEntries(
    Object.entries(record as Record<string, unknown>).filter((entry): entry is [string, number] => Number.isSafeInteger(entry[1]) && (entry[1] as number) > 0),
  );
}

/** The numbers in use by kind: segments' own ids and the clips that pieces and subtitles name. */
function highestInUse(timeline: LocalTimeline): Map<string, number> {
  const named = [
    ...allSegments(timeline).map((s) => s.id),
    ...timeline.video.flatMap((s) => (s.pieceOf ? [s.pieceOf] : [])),
    ...timeline.subtitles.flatMap((s) => (s.followsClip ? [s.followsClip] : [])),
  ];
  const highest = new Map<string, number>();
  for (const id of named) {
    const match = /^([a-z]+)-(\d+)$/.exec(id);
    if (match && (KINDS as readonly string[]).includes(match[1]!)) highest.set(match[1]!, Math.max(highest.get(match[1]!) ?? 0, Number(match[2])));
  }
  return highest;
}

/** Notes the ids in use as given, so they stay taken after their segments are removed. */
export function recordGivenIds(timeline: LocalTimeline): void {
  const given = givenIds(timeline);
  let changed = false;
  for (const [kind, highest] of highestInUse(timeline)) {
    if ((given[kind] ?? 0) < highest) {
      given[kind] = highest;
      changed = true;
    }
  }
  if (changed || (timeline.meta[GIVEN_IDS_KEY] !== undefined && Object.keys(given).length === 0)) timeline.meta[GIVEN_IDS_KEY] = given;
}

/** The next id of a kind never given before: "clip-4" when clip-1…clip-3 exist or existed. Ids are never renumbered. */
export function nextSegmentId(timeline: LocalTimeline, kind: SegmentKind): string {
  const highest = Math.max(highestInUse(timeline).get(kind) ?? 0, givenIds(timeline)[kind] ?? 0);
  return `${kind}-${highest + 1}`;
}

export type SegmentRef =
  | { track: "video"; index: number; segment: VideoSegment }
  | { track: "music"; index: number; segment: AudioSegment }
  | { track: "titles" | "subtitles"; index: number; segment: TextSegment }
  | { track: "logos"; index: number; segment: LogoSegment };

export function allSegments(timeline: LocalTimeline): Array<{ id: string }> {
  return [...timeline.video, ...timeline.music, ...timeline.titles, ...timeline.subtitles, ...timeline.logos];
}

export function findSegment(timeline: LocalTimeline, id: string): SegmentRef | undefined {
  const wanted = id.trim();
  let index = timeline.video.findIndex((s) => s.id === wanted);
  if (index >= 0) return { track: "video", index, segment: timeline.video[index]! };
  index = timeline.music.findIndex((s) => s.id === wanted);
  if (index >= 0) return { track: "music", index, segment: timeline.music[index]! };
  for (const track of ["titles", "subtitles"] as const) {
    index = timeline[track].findIndex((s) => s.id === wanted);
    if (index >= 0) return { track, index, segment: timeline[track][index]! };
  }
  index = timeline.logos.findIndex((s) => s.id === wanted);
  if (index >= 0) return { track: "logos", index, segment: timeline.logos[index]! };
  return undefined;
}

/** "clip-1, clip-2, text-1" — what a host can refer to, for error messages. */
export function knownIds(timeline: LocalTimeline): string {
  const ids = allSegments(timeline).map((s) => s.id);
  if (ids.length === 0) return "the timeline is empty";
  return ids.length > 12 ? `ids: ${ids.slice(0, 12).join(", ")}, …` : `ids: ${ids.join(", ")}`;
}

// --- outline ---------------------------------------------------------------------

/**
 * One line per segment with its id, e.g. `clip-2 beach.mp4 4-9s (from 2s, fade 0.5s in)`:
 * the core summary names things for people; this names them for the host's next ops.
 */
export function outlineTimeline(timeline: LocalTimeline): string[] {
  const range = (s: { startMs: number; durationMs: number }): string => `${seconds(s.startMs)}-${seconds(s.startMs + s.durationMs)}s`;
  const lines: string[] = [];
  for (const s of timeline.video) {
    const extras = [
      s.sourceInMs > 0 ? `from ${seconds(s.sourceInMs)}s` : "",
      s.fit ? `fit ${s.fit}` : "",
      s.kenBurns && s.kenBurns !== "none" ? `ken burns ${s.kenBurns}` : "",
      s.volume !== undefined && s.volume !== 1 ? `volume ${Math.round(s.volume * 100)}%` : "",
      s.transition ? `${s.transition.type} ${seconds(s.transition.durationMs)}s in` : "",
    ].filter(Boolean);
    lines.push(`${s.id} ${s.name ?? s.mediaId} ${range(s)}${extras.length ? ` (${extras.join(", ")})` : ""}`);
  }
  for (const s of timeline.music) {
    const extras = [
      `volume ${Math.round(s.volume * 100)}%`,
      s.fadeInMs > 0 ? `fade in ${seconds(s.fadeInMs)}s` : "",
      s.fadeOutMs > 0 ? `fade out ${seconds(s.fadeOutMs)}s` : "",
      s.loop ? "loop" : "",
      s.duckUnderClips ? "ducked" : "",
    ].filter(Boolean);
    lines.push(`${s.id} ${s.name ?? s.mediaId} ${range(s)} (${extras.join(", ")})`);
  }
  for (const s of [...timeline.titles, ...timeline.subtitles]) {
    const text = s.text.replace(/\s+/g, " ");
    const quoted = `"${text.length > 40 ? `${text.slice(0, 39)}…` : text}"`;
    if (!isFollowing(s)) {
      lines.push(`${s.id} ${quoted} ${range(s)} (${s.position})`);
      continue;
    }
    // Where a subtitle that follows a clip shows: its parts, or hidden when its speech was cut.
    const parts = cueParts(s, timeline.video);
    const shown = parts.length > 0 ? parts.map(range).join(", ") : "hidden";
    const source = `${seconds(s.sourceInMs)}-${seconds(s.sourceInMs + s.sourceDurationMs)}s of its recording${parts.length === 0 ? ", which was cut" : ""}`;
    lines.push(`${s.id} ${quoted} ${shown} (${s.position}, follows ${s.followsClip}: ${source})`);
  }
  for (const s of timeline.logos) {
    const extras = [
      s.position,
      `${Math.round(s.widthFraction * 100)}% wide`,
      s.opacity < 1 ? `opacity ${Math.round(s.opacity * 100)}%` : "",
      s.followsVideoEnd ? "to the end" : "",
    ].filter(Boolean);
    lines.push(`${s.id} ${s.name ?? s.mediaId} ${range(s)} (${extras.join(", ")})`);
  }
  return lines;
}
