import { pathToFileURL } from "node:url";
import type { MediaInfo, TrackInfo, UploadedMedia } from "../core/backend.js";
import type { Draft } from "../core/draft.js";
import { describeTracks } from "../core/summary.js";
import type { MediaRecord } from "./media.js";
import { followingText } from "./subtitle-anchor.js";
import { readTimeline } from "./timeline.js";

/** The local backend's records in the shapes of the Backend interface (upload answers, state). */

export function uploadedOf(record: MediaRecord): UploadedMedia {
  return {
    name: record.name,
    type: record.kind,
    ...(record.duration_ms !== undefined ? { durationSeconds: record.duration_ms / 1000 } : {}),
    ...(record.width !== undefined ? { width: record.width } : {}),
    ...(record.height !== undefined ? { height: record.height } : {}),
  };
}

export function mediaInfoOf(record: MediaRecord): MediaInfo {
  return { id: record.id, ...uploadedOf(record), url: pathToFileURL(record.path).toString() };
}

/** The core's track summaries, each followed by the ids a host uses in ops. */
export function tracksWithIds(draft: Draft): TrackInfo[] {
  let following: string | undefined;
  try {
    following = followingText(readTimeline(draft));
  } catch {
    // A timeline the engine cannot read is still described; the next edit says what is wrong.
  }
  return describeTracks(draft).map((info, i) => {
    const ids = draft.t[i]?.sg.map((s) => (s.id === undefined ? undefined : String(s.id))).filter((id): id is string => !!id) ?? [];
    if (ids.length === 0) return info;
    const shown = ids.length > 20 ? `${ids.slice(0, 20).join(", ")}, … (${ids.length})` : ids.join(", ");
    // Which clip's speech the subtitles keep to, and how many of them its cuts hide.
    const follows = following && (draft.t[i] as Record<string, unknown>)["role"] === "subtitles" ? ` — ${following}` : "";
    return { ...info, label: `${info.label}${follows} — ids: ${shown}` };
  });
}
