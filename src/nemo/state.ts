import { z } from "zod";
import type { MediaInfo } from "../core/backend.js";
import { type Draft, DraftSchema, emptyDraft, parseDraft } from "../core/draft.js";
import { VideoMakerError } from "../core/errors.js";
import type { NemoHttp } from "./http.js";
import { optionalId } from "./schemas.js";
import { mediaType } from "./upload.js";

/**
 * A session's state as NemoVideo keeps it (`/api/state/…/latest`), and its two parts read
 * into core types: the draft, and the media the session holds. The service's own field
 * names stay here; what leaves this module is the core's.
 */

const StateAnswerSchema = z.looseObject({
  session_id: optionalId,
  task_id: optionalId,
  state: z
    .looseObject({
      draft: z.unknown().optional(),
      video_infos: z.array(z.unknown()).nullish(),
      generated_media: z.array(z.unknown()).nullish(),
    })
    .nullish(),
});

export type StateAnswer = z.infer<typeof StateAnswerSchema>;

export async function fetchState(http: NemoHttp, sessionId: string, signal?: AbortSignal): Promise<StateAnswer> {
  const data = await http.json({
    method: "GET",
    path: `/api/state/nemo_agent/me/${encodeURIComponent(sessionId)}/latest`,
    idempotent: true,
    ...(signal ? { signal } : {}),
  });
  const parsed = StateAnswerSchema.safeParse(data);
  if (!parsed.success) throw new VideoMakerError("bad_response", "NemoVideo's session state could not be read.");
  return parsed.data;
}

export async function fetchDraft(http: NemoHttp, sessionId: string, signal?: AbortSignal): Promise<Draft> {
  return readDraft((await fetchState(http, sessionId, signal)).state?.draft);
}

/** The draft as the service keeps it; a draft of the wrong shape is a broken answer, not an empty timeline. */
export function readDraft(value: unknown): Draft {
  if (value === undefined || value === null || value === "") return emptyDraft();
  const draft = parseDraft(value);
  if (draft.t.length === 0 && !DraftSchema.safeParse(typeof value === "string" ? safeJson(value) : value).success) {
    throw new VideoMakerError("bad_response", "NemoVideo's timeline could not be read (it came in an unexpected shape).");
  }
  return draft;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The session's media (`video_infos`), each read into MediaInfo; entries that are not objects are skipped. */
export function readMediaList(values: readonly unknown[] | null | undefined): MediaInfo[] {
  return (values ?? []).map(readMediaInfo).filter((m): m is MediaInfo => m !== undefined);
}

function readMediaInfo(value: unknown): MediaInfo | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const bag = value as Record<string, unknown>;
  const name = [bag["filename"], bag["file_name"], bag["name"], bag["title"]].find(
    (v): v is string => typeof v === "string" && v.trim() !== "",
  );
  const url = [bag["cdn_url"], bag["url"]].find((v): v is string => typeof v === "string" && v !== "");
  const label = name ?? (url ? decodeURIComponent(url.split("/").pop() ?? "media") : "media");
  const info: MediaInfo = {
    name: label,
    type: mediaType(typeof bag["file_type"] === "string" ? bag["file_type"] : (bag["type"] as string | undefined), label),
  };
  const duration = Number(bag["duration"]);
  const width = Number(bag["width"]);
  const height = Number(bag["height"]);
  if (Number.isFinite(duration) && duration > 0) info.durationSeconds = duration;
  if (Number.isFinite(width) && width > 0) info.width = width;
  if (Number.isFinite(height) && height > 0) info.height = height;
  if (url) info.url = url;
  return info;
}
