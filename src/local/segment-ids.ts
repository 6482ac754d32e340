import {
  type AudioSegment,
  type LocalTimeline,
  type LogoSegment,
  type TextSegment,
  type VideoSegment,
  seconds,
} from "./timeline.js";

/** Segments by id: the next free id, finding one, listing them, and the outline that shows them to the host. */

// --- ids -----------------------------------------------------------------------------

export type SegmentKind = "clip" | "image" | "text" | "sub" | "audio" | "logo";

/** The next free id of a kind: "clip-4" when clip-1…clip-3 exist. Ids are never renumbered. */
export function nextSegmentId(timeline: LocalTimeline, kind: SegmentKind): string {
  let highest = 0;
  const pattern = new RegExp(`^${kind}-(\\d+)$`);
  for (const segment of allSegments(timeline)) {
    const match = pattern.exec(segment.id);
    if (match) highest = Math.max(highest, Number(match[1]));
  }
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
  const range = (st: number, d: number): string => `${seconds(st)}-${seconds(st + d)}s`;
  const lines: string[] = [];
  for (const s of timeline.video) {
    const extras = [
      s.in > 0 ? `from ${seconds(s.in)}s` : "",
      s.fit ? `fit ${s.fit}` : "",
      s.kb && s.kb !== "none" ? `ken burns ${s.kb}` : "",
      s.v !== undefined && s.v !== 1 ? `volume ${Math.round(s.v * 100)}%` : "",
      s.tr ? `${s.tr.type} ${seconds(s.tr.d)}s in` : "",
    ].filter(Boolean);
    lines.push(`${s.id} ${s.n ?? s.src} ${range(s.st, s.d)}${extras.length ? ` (${extras.join(", ")})` : ""}`);
  }
  for (const s of timeline.music) {
    const extras = [
      `volume ${Math.round(s.v * 100)}%`,
      s.fi > 0 ? `fade in ${seconds(s.fi)}s` : "",
      s.fo > 0 ? `fade out ${seconds(s.fo)}s` : "",
      s.loop ? "loop" : "",
      s.duck ? "ducked" : "",
    ].filter(Boolean);
    lines.push(`${s.id} ${s.n ?? s.src} ${range(s.st, s.d)} (${extras.join(", ")})`);
  }
  for (const s of [...timeline.titles, ...timeline.subtitles]) {
    const text = s.tx.replace(/\s+/g, " ");
    lines.push(`${s.id} "${text.length > 40 ? `${text.slice(0, 39)}…` : text}" ${range(s.st, s.d)} (${s.pos})`);
  }
  for (const s of timeline.logos) {
    const extras = [s.pos, `${Math.round(s.w * 100)}% wide`, s.o < 1 ? `opacity ${Math.round(s.o * 100)}%` : "", s.fill ? "to the end" : ""].filter(Boolean);
    lines.push(`${s.id} ${s.n ?? s.src} ${range(s.st, s.d)} (${extras.join(", ")})`);
  }
  return lines;
}
