import { type Draft, type Track, draftDurationMs, timedSegments, trackName } from "./draft.js";
import { segmentLabel, trackKind } from "./summary.js";

/**
 * The timeline as a player's track view draws it: each track with its kind and each segment
 * with its label and times. Written for the studio View (MCP Apps), from the same draft both
 * backends keep, so a cloud project and a local one draw the same way.
 */

export type LaneKind = "video" | "music" | "titles" | "subtitles" | "logos" | "other";

export interface LaneSegment {
  /** The segment's id, where the backend gives one (local: "v1", used in edits). */
  id?: string;
  label: string;
  startSeconds: number;
  endSeconds: number;
}

export interface Lane {
  index: number;
  kind: LaneKind;
  name: string;
  segments: LaneSegment[];
}

export interface TimelineLanes {
  durationSeconds: number;
  lanes: Lane[];
}

export function timelineLanes(draft: Draft): TimelineLanes {
  const lanes = draft.t.map((track, index): Lane => {
    const kind = laneKind(track);
    return {
      index,
      kind,
      name: trackName(track) ?? LANE_NAMES[kind],
      segments: timedSegments(track).map((timed, i) => {
        const id = timed.segment.id;
        return {
          ...(id !== undefined && id !== null ? { id: String(id) } : {}),
          label: segmentLabel(track, i).text,
          startSeconds: timed.startMs / 1000,
          endSeconds: timed.endMs / 1000,
        };
      }),
    };
  });
  return { durationSeconds: draftDurationMs(draft) / 1000, lanes };
}

const LANE_NAMES: Record<LaneKind, string> = { video: "Video", music: "Music", titles: "Titles", subtitles: "Subtitles", logos: "Logos", other: "Track" };

function laneKind(track: Track): LaneKind {
  const role = (track as { role?: unknown }).role;
  const kind = trackKind(track);
  if (kind === "title") return role === "subtitles" ? "subtitles" : "titles";
  if (kind === "video") return role === "overlay" ? "logos" : "video";
  if (kind === "bgm") return "music";
  return "other";
}
