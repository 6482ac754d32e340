import type { LocalTimeline, SubtitleSegment, TextSegment, VideoSegment } from "./timeline.js";

/**
 * Subtitles that follow a clip: each cue is a span of the clip's recording (source time), and
 * is shown wherever the clip's pieces show that span. Clips play their footage at normal speed
 * (fit_duration changes how much footage a clip plays, never how fast), so a cue maps onto a
 * piece one to one:
 *
 *   part = cue ∩ [piece.sourceIn, piece.sourceIn + piece.duration), shifted to piece.start
 *
 * A cue inside a cut pause has no part (hidden); one across a cut keeps its visible parts;
 * parts that meet on the timeline (a jump cut, a transition) are shown as one. Pure functions.
 */

/** A fragment shorter than this is a flash, not a subtitle; a cue shorter than it is kept whole. */
export const MIN_CUE_PART_MS = 300;
/** Parts this close on the timeline are joined (a jump cut), so the line does not blink. */
const JOIN_GAP_MS = 50;

export interface FollowingSubtitle extends SubtitleSegment {
  followsClip: string;
  sourceMediaId: string;
  sourceInMs: number;
  sourceDurationMs: number;
}

export function isFollowing(cue: SubtitleSegment): cue is FollowingSubtitle {
  return cue.followsClip !== undefined && cue.sourceMediaId !== undefined && cue.sourceInMs !== undefined && cue.sourceDurationMs !== undefined;
}

/** The clip remove_silence cut a piece from, or the clip itself: what subtitles follow. */
export function clipFamily(segment: VideoSegment): string {
  return segment.pieceOf ?? segment.id;
}

/** The clip `followsClip` names and every piece cut from it, in timeline order. */
export function piecesOf(video: readonly VideoSegment[], followsClip: string, mediaId: string): VideoSegment[] {
  return video.filter((s) => s.mediaId === mediaId && clipFamily(s) === followsClip);
}

export interface CuePart {
  startMs: number;
  durationMs: number;
}

/** Where a cue shows on the timeline: one part per stretch of its recording that is on screen. */
export function cueParts(cue: FollowingSubtitle, video: readonly VideoSegment[]): CuePart[] {
  const cueEnd = cue.sourceInMs + cue.sourceDurationMs;
  const shortest = Math.min(MIN_CUE_PART_MS, cue.sourceDurationMs);
  const parts: CuePart[] = [];
  for (const piece of piecesOf(video, cue.followsClip, cue.sourceMediaId)) {
    const from = Math.max(cue.sourceInMs, piece.sourceInMs);
    const to = Math.min(cueEnd, piece.sourceInMs + piece.durationMs);
    if (to - from >= shortest) parts.push({ startMs: piece.startMs + (from - piece.sourceInMs), durationMs: to - from });
  }
  parts.sort((a, b) => a.startMs - b.startMs);
  const joined: CuePart[] = [];
  for (const part of parts) {
    const last = joined[joined.length - 1];
    if (last && part.startMs <= last.startMs + last.durationMs + JOIN_GAP_MS) {
      last.durationMs = Math.max(last.durationMs, part.startMs + part.durationMs - last.startMs);
    } else joined.push({ ...part });
  }
  return joined;
}

/**
 * The subtitles as they are drawn: fixed ones as they are, following ones once per part (the
 * second part of sub-3 is "sub-3.2"). Hidden cues are left out.
 */
export function placedSubtitles(t: Pick<LocalTimeline, "video" | "subtitles">): TextSegment[] {
  return t.subtitles.flatMap((cue) => {
    const { followsClip: _c, sourceMediaId: _m, sourceInMs: _i, sourceDurationMs: _d, ...text } = cue;
    if (!isFollowing(cue)) return [text];
    return cueParts(cue, t.video).map((part, k) => ({ ...text, id: k === 0 ? cue.id : `${cue.id}.${k + 1}`, ...part }));
  });
}

/** Keeps each following cue's startMs / durationMs on its first part, for every reader; a hidden one keeps the last. */
export function placeFollowingSubtitles(t: Pick<LocalTimeline, "video" | "subtitles">): void {
  for (const cue of t.subtitles) {
    if (!isFollowing(cue)) continue;
    const first = cueParts(cue, t.video)[0];
    if (first) Object.assign(cue, first);
  }
}

/** The ids of following cues that have no part on screen. */
export function hiddenSubtitles(t: Pick<LocalTimeline, "video" | "subtitles">): string[] {
  return t.subtitles.filter((cue) => isFollowing(cue) && cueParts(cue, t.video).length === 0).map((cue) => cue.id);
}

/** The clips the subtitles follow, each with how many cues follow it and how many are hidden. */
export function followedClips(t: Pick<LocalTimeline, "video" | "subtitles">): Array<{ clip: string; cues: number; hidden: number }> {
  const hidden = new Set(hiddenSubtitles(t));
  const byClip = new Map<string, { clip: string; cues: number; hidden: number }>();
  for (const cue of t.subtitles.filter(isFollowing)) {
    const entry = byClip.get(cue.followsClip) ?? { clip: cue.followsClip, cues: 0, hidden: 0 };
    entry.cues++;
    if (hidden.has(cue.id)) entry.hidden++;
    byClip.set(cue.followsClip, entry);
  }
  return [...byClip.values()];
}

/** "following clip-1 (2 of 12 hidden: their speech was cut)", for the state's subtitle track; undefined when none follow. */
export function followingText(t: Pick<LocalTimeline, "video" | "subtitles">): string | undefined {
  const clips = followedClips(t);
  if (clips.length === 0) return undefined;
  const each = clips.map(({ clip, cues, hidden }) => `${clip}${hidden > 0 ? ` (${hidden} of ${cues} hidden: their speech was cut)` : ""}`);
  const fixed = t.subtitles.filter((cue) => !isFollowing(cue)).length;
  return `following ${each.join(", ")}${fixed > 0 ? `; ${fixed} at fixed times` : ""}`;
}

/** "sub-3", "sub-3 and sub-4", "sub-3, sub-4, sub-5, …": a short list for notes. */
export function cueList(ids: readonly string[]): string {
  if (ids.length > 5) return `${ids.slice(0, 5).join(", ")}, …`;
  return ids.length === 1 ? ids[0]! : `${ids.slice(0, -1).join(", ")} and ${ids.at(-1)!}`;
}

/**
 * For a batch's `changes`: following cues that were on screen before and are hidden now, because
 * the part of the recording they belong to was cut (a pause, a trim, a removed piece).
 */
export function newlyHiddenNotes(before: LocalTimeline, after: LocalTimeline): string[] {
  const key = (cue: SubtitleSegment): string => `${cue.id}|${cue.sourceMediaId}|${cue.sourceInMs}|${cue.text}`;
  const hiddenBefore = new Set(hiddenSubtitles(before));
  const shownBefore = new Set(before.subtitles.filter((cue) => isFollowing(cue) && !hiddenBefore.has(cue.id)).map(key));
  const hiddenNow = new Set(hiddenSubtitles(after));
  const lost = after.subtitles.filter((cue) => hiddenNow.has(cue.id) && shownBefore.has(key(cue)));
  if (lost.length === 0) return [];
  const one = lost.length === 1;
  const clips = [...new Set(lost.map((cue) => cue.followsClip!))].join(", ");
  return [
    `${lost.length} subtitle${one ? "" : "s"} (${cueList(lost.map((c) => c.id))}) fell in ${one ? "a part" : "parts"} of ${clips} that ${one ? "was" : "were"} cut, so ${one ? "it is" : "they are"} hidden (${one ? "it comes" : "they come"} back if that footage is put back).`,
  ];
}
