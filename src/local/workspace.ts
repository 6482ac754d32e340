import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { z } from "zod";
import { type Draft, DraftSchema, emptyDraft } from "../core/draft.js";
import { VideoMakerError } from "../core/errors.js";
import { readJsonFile, withFileLock, writeJsonFileAtomic } from "../core/store.js";
import { type MediaRecord, MediaRecordSchema, type ProbeFacts } from "./media.js";

/**
 * The local engine's state under `<home>/local/`:
 *
 *   session.json                    the current project (like nemo's sessions/nemo.json)
 *   sessions/<id>/draft.json        the timeline, short-key draft format
 *   sessions/<id>/media.json        the media registry: where each file is and what it is
 *
 * Files are private and written atomically; read-modify-write cycles hold the session's
 * lock so the CLI and a running MCP server never interleave.
 */

export const SessionRecordSchema = z.object({
  session_id: z.string().regex(/^[A-Za-z0-9_-]+$/),
  language: z.string().default("en"),
  created_at: z.string(),
});
export type LocalSession = z.infer<typeof SessionRecordSchema>;

export const MediaFileSchema = z.object({ media: z.array(MediaRecordSchema).default([]) });

export const LOCAL_LANGUAGE_PATTERN = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/** A file about to be registered: where it is and what ffprobe said. */
export interface NewMedia extends ProbeFacts {
  path: string;
  name: string;
  size: number;
  mtime_ms: number;
  sha256: string;
}

export class LocalWorkspace {
  readonly root: string;
  private readonly pointer: string;

  constructor(home: string) {
    this.root = join(home, "local");
    this.pointer = join(this.root, "session.json");
  }

  sessionDir(sessionId: string): string {
    return join(this.root, "sessions", sessionId);
  }

  /** The current project, created the first time. */
  async current(): Promise<LocalSession> {
    // Read every time: the CLI and a running MCP server share the project, and either may start a new one.
    const stored = await readJsonFile(this.pointer, SessionRecordSchema);
    if (stored) return stored;
    return withFileLock(this.pointer, async () => {
      const again = await readJsonFile(this.pointer, SessionRecordSchema);
      return again ?? this.createLocked("en");
    });
  }

  /** Starts an empty project; the old one stays on disk. */
  async create(language = "en"): Promise<LocalSession> {
    if (!LOCAL_LANGUAGE_PATTERN.test(language)) {
      throw new VideoMakerError("invalid_input", `"${language}" is not a language code; use one like "en" or "zh".`);
    }
    return withFileLock(this.pointer, () => this.createLocked(language));
  }

  private async createLocked(language: string): Promise<LocalSession> {
    const stamp = new Date().toISOString().replace(/\.\d+Z$/, "").replace(/[-:]/g, "").replace("T", "-");
    const record: LocalSession = {
      session_id: `local-${stamp}-${randomBytes(3).toString("hex")}`,
      language,
      created_at: new Date().toISOString(),
    };
    await writeJsonFileAtomic(join(this.sessionDir(record.session_id), "draft.json"), emptyDraft());
    await writeJsonFileAtomic(join(this.sessionDir(record.session_id), "media.json"), { media: [] });
    await writeJsonFileAtomic(this.pointer, record);
    return record;
  }

  async readDraft(sessionId: string): Promise<Draft> {
    await this.requireSession(sessionId);
    return (await readJsonFile(join(this.sessionDir(sessionId), "draft.json"), DraftSchema)) ?? emptyDraft();
  }

  async readMedia(sessionId: string): Promise<MediaRecord[]> {
    const file = await readJsonFile(join(this.sessionDir(sessionId), "media.json"), MediaFileSchema);
    return file?.media ?? [];
  }

  /**
   * Saves `next` only if the draft on disk is still `expected` (compared as JSON, under the
   * session's lock). Edits are computed outside the lock — finding pauses can take a while —
   * so a concurrent change is detected here instead of being overwritten.
   */
  async replaceDraft(sessionId: string, expected: Draft, next: Draft): Promise<boolean> {
    await this.requireSession(sessionId);
    return withFileLock(this.lockPath(sessionId), async () => {
      const current = await this.readDraft(sessionId);
      if (JSON.stringify(current) !== JSON.stringify(expected)) return false;
      await writeJsonFileAtomic(join(this.sessionDir(sessionId), "draft.json"), next);
      return true;
    });
  }

  /**
   * Adds files to the registry. A file registered before keeps its id; when it changed on
   * disk its facts are refreshed (that is how a person fixes a "changed since" error).
   */
  async registerMedia(sessionId: string, files: readonly NewMedia[]): Promise<MediaRecord[]> {
    await this.requireSession(sessionId);
    return withFileLock(this.lockPath(sessionId), async () => {
      const media = await this.readMedia(sessionId);
      const out: MediaRecord[] = [];
      for (const file of files) {
        const existing = media.findIndex((m) => m.path === file.path);
        const id = existing >= 0 ? media[existing]!.id : nextMediaId(media);
        const record: MediaRecord = { ...file, id, registered_at: new Date().toISOString() };
        if (existing >= 0) media[existing] = record;
        else media.push(record);
        out.push(record);
      }
      await writeJsonFileAtomic(join(this.sessionDir(sessionId), "media.json"), { media });
      return out;
    });
  }

  private lockPath(sessionId: string): string {
    return join(this.sessionDir(sessionId), "session");
  }

  private async requireSession(sessionId: string): Promise<void> {
    try {
      await stat(this.sessionDir(sessionId));
    } catch {
      throw new VideoMakerError(
        "session_lost",
        `The local project ${sessionId} is gone from ${this.root}. Start a new one (new_session) and add the media again.`,
      );
    }
  }
}

function nextMediaId(media: readonly MediaRecord[]): string {
  let highest = 0;
  for (const m of media) {
    const match = /^media-(\d+)$/.exec(m.id);
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  return `media-${highest + 1}`;
}

/** SHA-256 of a file's content, streamed (a 500 MB clip never sits in memory). */
export async function hashFile(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(path, { highWaterMark: 1024 * 1024 }), hash, signal ? { signal } : {});
  return hash.digest("hex");
}

/**
 * Media are referenced, not copied: before a render every file the timeline uses must still
 * be where it was, with the same size and modification time. Every problem is named at once.
 */
export async function verifySources(media: readonly MediaRecord[]): Promise<void> {
  const missing: string[] = [];
  const changed: string[] = [];
  for (const record of media) {
    try {
      const info = await stat(record.path);
      if (!info.isFile()) missing.push(record.path);
      else if (info.size !== record.size || Math.abs(info.mtimeMs - record.mtime_ms) > 1) changed.push(record.path);
    } catch {
      missing.push(record.path);
    }
  }
  if (missing.length > 0) {
    throw new VideoMakerError(
      "file_not_found",
      `${describeList(missing)} ${missing.length === 1 ? "is" : "are"} no longer there (moved, renamed or deleted). The local backend uses files where they lie: put ${missing.length === 1 ? "it" : "them"} back, or upload the new location and replace the clips that used ${missing.length === 1 ? "it" : "them"}.`,
    );
  }
  if (changed.length > 0) {
    throw new VideoMakerError(
      "file_mismatch",
      `${describeList(changed)} changed on disk since ${changed.length === 1 ? "it was" : "they were"} added (size or modification time differ). Upload ${changed.length === 1 ? "it" : "them"} again so the length and format are read anew, then check the timeline and export.`,
    );
  }
}

function describeList(paths: readonly string[]): string {
  const shown = paths.slice(0, 5).join(", ");
  return paths.length > 5 ? `${shown} and ${paths.length - 5} more` : shown;
}
