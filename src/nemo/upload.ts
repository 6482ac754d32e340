import { z } from "zod";
import type { RejectedInput, UploadedMedia } from "../core/backend.js";
import { VideoMakerError } from "../core/errors.js";
import type { LocalMediaFile } from "../core/media-files.js";
import { formatForExtension } from "../core/media.js";
import type { NemoHttp } from "./http.js";
import { multipartBody } from "./multipart.js";

/** Uploading to a session: local files as streamed multipart (field `files`), or links. */

const UploadedFileSchema = z.looseObject({
  filename: z.string().nullish(),
  file_name: z.string().nullish(),
  name: z.string().nullish(),
  file_type: z.string().nullish(),
  type: z.string().nullish(),
  cdn_url: z.string().nullish(),
  duration: z.union([z.number(), z.string()]).nullish(),
  width: z.union([z.number(), z.string()]).nullish(),
  height: z.union([z.number(), z.string()]).nullish(),
});

const UploadAnswerSchema = z.looseObject({
  files: z.array(UploadedFileSchema).default([]),
});

/** At most this many files per request keeps one failure from sinking a big batch. */
export const FILES_PER_REQUEST = 8;
/** A 500 MB file on a slow uplink takes long: wait up to an hour for the answer. */
const UPLOAD_TIMEOUT_MS = 60 * 60_000;

export interface FileUploadProgress {
  fileIndex: number;
  fileCount: number;
  fileName: string;
  sentBytes: number;
  totalBytes: number;
}

/** What the service's answers confirmed, and the inputs (paths, links) they did not list. */
export interface UploadOutcome {
  uploaded: UploadedMedia[];
  unconfirmed: string[];
}

/** The reason given for an input the service's answer did not list. */
export const UNCONFIRMED_REASON =
  "The service did not confirm it: NemoVideo's answer did not list this file, so it may not be in the project. Check the project's media, or upload it again.";

export async function uploadFiles(
  http: NemoHttp,
  sessionId: string,
  files: LocalMediaFile[],
  options: { signal?: AbortSignal; onProgress?: (progress: FileUploadProgress) => void } = {},
): Promise<UploadOutcome> {
  const uploaded: UploadedMedia[] = [];
  const unconfirmed: string[] = [];
  const totalBytes = files.reduce((sum, file) => sum + file.size, 0);
  let doneBytes = 0;
  for (let start = 0; start < files.length; start += FILES_PER_REQUEST) {
    const batch = files.slice(start, start + FILES_PER_REQUEST);
    const body = multipartBody(
      "files",
      batch.map((file) => ({ path: file.path, name: file.name, size: file.size, contentType: file.contentType })),
      (index, sent) => {
        const before = batch.slice(0, index).reduce((sum, file) => sum + file.size, 0);
        options.onProgress?.({
          fileIndex: start + index,
          fileCount: files.length,
          fileName: batch[index]!.name,
          sentBytes: doneBytes + before + sent,
          totalBytes,
        });
      },
    );
    const data = await http.json({
      method: "POST",
      path: `/api/upload-video/nemo_agent/me/${encodeURIComponent(sessionId)}`,
      body: body.stream,
      contentType: body.contentType,
      contentLength: body.length,
      headersTimeoutMs: UPLOAD_TIMEOUT_MS,
      bodyTimeoutMs: UPLOAD_TIMEOUT_MS,
      answerTimeoutMs: UPLOAD_TIMEOUT_MS,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const outcome = readUploaded(data, batch.map((file) => ({ input: file.path, name: file.name })));
    uploaded.push(...outcome.uploaded);
    unconfirmed.push(...outcome.unconfirmed);
    doneBytes += batch.reduce((sum, file) => sum + file.size, 0);
  }
  return { uploaded, unconfirmed };
}

/** Links are checked here (http/https only); the service fetches them itself. */
export function checkMediaUrl(raw: string): { ok: true; url: string } | { ok: false; reason: string } {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { ok: false, reason: "This is not a valid link." };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return { ok: false, reason: `Only http:// and https:// links can be uploaded, not ${url.protocol} links.` };
  }
  if (url.username || url.password) {
    return { ok: false, reason: "Links with a user name or password in them are not sent, to keep them private." };
  }
  return { ok: true, url: url.toString() };
}

export async function uploadUrls(
  http: NemoHttp,
  sessionId: string,
  urls: string[],
  signal?: AbortSignal,
): Promise<UploadOutcome> {
  const data = await http.json({
    method: "POST",
    path: `/api/upload-video/nemo_agent/me/${encodeURIComponent(sessionId)}`,
    json: { urls, source_type: "url" },
    // The service fetches the links before it answers: as slow as an upload.
    headersTimeoutMs: UPLOAD_TIMEOUT_MS,
    answerTimeoutMs: UPLOAD_TIMEOUT_MS,
    ...(signal ? { signal } : {}),
  });
  return readUploaded(
    data,
    urls.map((url) => ({ input: url, name: nameOfLink(url) })),
  );
}

function nameOfLink(url: string): string {
  const last = new URL(url).pathname.split("/").pop() || url;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/**
 * The files the answer lists, each matched to one input: by name first, then (entries without a
 * name, or renamed by the service) to the inputs left, in order. An input no entry matches was
 * not confirmed: it must not vanish from both lists.
 */
function readUploaded(data: unknown, inputs: Array<{ input: string; name: string }>): UploadOutcome {
  const parsed = UploadAnswerSchema.safeParse(data);
  if (!parsed.success) throw new VideoMakerError("bad_response", "NemoVideo's upload answer could not be read.");
  const entries = parsed.data.files;
  const matched = new Array<number | undefined>(entries.length);
  const taken = new Set<number>();
  entries.forEach((file, index) => {
    const name = file.filename ?? file.file_name ?? file.name;
    if (!name) return;
    const at = inputs.findIndex((input, i) => !taken.has(i) && input.name === name);
    if (at >= 0) {
      matched[index] = at;
      taken.add(at);
    }
  });
  entries.forEach((_file, index) => {
    if (matched[index] !== undefined) return;
    const at = inputs.findIndex((_input, i) => !taken.has(i));
    if (at >= 0) {
      matched[index] = at;
      taken.add(at);
    }
  });
  const unconfirmed = inputs.filter((_input, i) => !taken.has(i)).map((input) => input.input);
  const uploaded = entries.map((file, index) => {
    const fallback = matched[index] !== undefined ? inputs[matched[index]]!.name : undefined;
    const name = file.filename ?? file.file_name ?? file.name ?? fallback ?? `file ${index + 1}`;
    const media: UploadedMedia = { name, type: mediaType(file.file_type ?? file.type ?? undefined, name) };
    const duration = positive(file.duration);
    const width = positive(file.width);
    const height = positive(file.height);
    if (duration !== undefined) media.durationSeconds = duration;
    if (width !== undefined) media.width = Math.round(width);
    if (height !== undefined) media.height = Math.round(height);
    return media;
  });
  return { uploaded, unconfirmed };
}

export function mediaType(raw: string | undefined, name: string): UploadedMedia["type"] {
  const value = (raw ?? "").toLowerCase();
  if (value.includes("video")) return "video";
  if (value.includes("image") || value.includes("photo") || value.includes("picture")) return "image";
  if (value.includes("audio") || value.includes("music") || value.includes("sound")) return "audio";
  const extension = name.split(".").pop()?.toLowerCase() ?? "";
  return formatForExtension(extension)?.type ?? "other";
}

function positive(value: unknown): number | undefined {
  const number = typeof value === "string" ? Number(value) : value;
  return typeof number === "number" && Number.isFinite(number) && number > 0 ? number : undefined;
}

export type { RejectedInput };
