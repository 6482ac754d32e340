import type { MediaInfo, RejectedInput, StateResult, TrackInfo, UploadedMedia, UploadResult } from "./backend.js";

/**
 * The snake_case shapes a reader outside the code sees: the MCP tools' structuredContent
 * and the CLI's --json documents, which spell media, tracks and state alike. The backend
 * types are camelCase; each function here is the one place its shape is spelled for the
 * outside, keys in the order clients have always received them. (Jobs are spelled by
 * mcp/job-view.ts and cli/commands/jobs-shared.ts; job files on disk by jobs/store.ts;
 * the NemoVideo service's own format stays in nemo/.)
 */

export interface UploadedMediaWire {
  name: string;
  type: UploadedMedia["type"];
  duration_s?: number;
  width?: number;
  height?: number;
}

export interface UploadResultWire {
  uploaded: UploadedMediaWire[];
  rejected: RejectedInput[];
}

export interface MediaInfoWire extends UploadedMediaWire {
  id?: string;
  url?: string;
}

export interface TrackInfoWire {
  index: number;
  type: string;
  segments: number;
  start_s: number;
  end_s: number;
  label: string;
}

export interface StateWire {
  session_id: string;
  timeline: string;
  tracks: TrackInfoWire[];
  media: MediaInfoWire[];
}

function mediaFacts(media: UploadedMedia): Omit<UploadedMediaWire, "name" | "type"> {
  return {
    ...(media.durationSeconds !== undefined ? { duration_s: media.durationSeconds } : {}),
    ...(media.width !== undefined ? { width: media.width } : {}),
    ...(media.height !== undefined ? { height: media.height } : {}),
  };
}

export function uploadedMediaToWire(media: UploadedMedia): UploadedMediaWire {
  return { name: media.name, type: media.type, ...mediaFacts(media) };
}

export function uploadResultToWire(result: UploadResult): UploadResultWire {
  return { uploaded: result.uploaded.map(uploadedMediaToWire), rejected: result.rejected };
}

export function mediaInfoToWire(media: MediaInfo): MediaInfoWire {
  return {
    ...(media.id !== undefined ? { id: media.id } : {}),
    name: media.name,
    type: media.type,
    ...mediaFacts(media),
    ...(media.url !== undefined ? { url: media.url } : {}),
  };
}

export function trackInfoToWire(track: TrackInfo): TrackInfoWire {
  return {
    index: track.index,
    type: track.type,
    segments: track.segments,
    start_s: track.startSeconds,
    end_s: track.endSeconds,
    label: track.label,
  };
}

/** The state without its draft (the CLI's --json adds the draft after these keys). */
export function stateToWire(state: StateResult): StateWire {
  return {
    session_id: state.sessionId,
    timeline: state.timeline,
    tracks: state.tracks.map(trackInfoToWire),
    media: state.media.map(mediaInfoToWire),
  };
}
