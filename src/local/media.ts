import { basename, extname, isAbsolute, resolve } from "node:path";
import { z } from "zod";

/**
 * What the local engine knows about a registered file. Media are referenced where they
 * lie, never copied; `size` and `mtime_ms` tell at render time whether the file is still
 * the one that was registered.
 */

export const MEDIA_KINDS = ["video", "image", "audio"] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/** What ffprobe says about a file. */
export const ProbeFactsSchema = z.object({
  kind: z.enum(MEDIA_KINDS),
  /** Undefined for still images. */
  duration_ms: z.number().nonnegative().optional(),
  /** As displayed, i.e. after rotation. */
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  /** Degrees the player turns the picture (0, 90, 180, 270); ffmpeg applies it when decoding. */
  rotation: z.number().default(0),
  fps: z.number().positive().optional(),
  has_audio: z.boolean(),
  has_video: z.boolean(),
});
export type ProbeFacts = z.infer<typeof ProbeFactsSchema>;

export const MediaRecordSchema = ProbeFactsSchema.extend({
  id: z.string().min(1),
  name: z.string().min(1),
  path: z.string().min(1),
  size: z.number().int().nonnegative(),
  mtime_ms: z.number(),
  sha256: z.string(),
  registered_at: z.string(),
});
export type MediaRecord = z.infer<typeof MediaRecordSchema>;

/** The part of a record that compiling and editing need (tests build these by hand). */
export type MediaFacts = Pick<MediaRecord, "id" | "name" | "path"> & ProbeFacts;

export type MediaLookup = { ok: true; media: MediaFacts } | { ok: false; reason: string };

/**
 * Finds media by id ("media-2"), file name ("beach.mp4"), name without extension ("beach")
 * or absolute path — what a host is likely to write after reading the upload answer.
 */
export function findMedia(reference: string, media: readonly MediaFacts[]): MediaLookup {
  const wanted = reference.trim();
  if (!wanted) return { ok: false, reason: "the media name is empty" };
  const byId = media.find((m) => m.id === wanted);
  if (byId) return { ok: true, media: byId };
  if (isAbsolute(wanted)) {
    const byPath = media.find((m) => m.path === resolve(wanted));
    if (byPath) return { ok: true, media: byPath };
  }
  const lower = basename(wanted).toLowerCase();
  let matches = media.filter((m) => m.name.toLowerCase() === lower);
  if (matches.length === 0) matches = media.filter((m) => stem(m.name).toLowerCase() === lower);
  if (matches.length === 1) return { ok: true, media: matches[0]! };
  if (matches.length > 1) {
    return {
      ok: false,
      reason: `"${wanted}" is ambiguous: ${matches.map((m) => `${m.id} (${m.path})`).join(", ")}; use the id`,
    };
  }
  const known = media.length === 0 ? "nothing is uploaded yet" : `uploaded: ${media.map((m) => `${m.id} ${m.name}`).join(", ")}`;
  return { ok: false, reason: `no uploaded media is called "${wanted}" (${known})` };
}

function stem(name: string): string {
  return basename(name, extname(name));
}
