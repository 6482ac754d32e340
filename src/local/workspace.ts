import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { z } from "zod";
import { type Draft, DraftSchema, emptyDraft } from "../core/draft.js";
import { VideoMakerError } from "../core/errors.js";
import { type SurfaceNames, UNNAMED, via } from "../core/surface.js";
import { keepDamagedCopy, readJsonState, withFileLock, writeJsonFileAtomic } from "../core/store.js";
import { type StateFile, damagedStateError } from "./damaged.js";
import { DraftHistory, type KeptVersion, same } from "./draft-history.js";
import { type MediaRecord, MediaRecordSchema, type ProbeFacts } from "./media.js";

/**
 * The local engine's state under `<home>/local/`:
 *
 *   session.json                    the current project (like nemo's sessions/nemo.json)
 *   sessions/<id>/draft.json        the timeline, short-key draft format
 *   sessions/<id>/media.json        the media registry: where each file is and what it is
 *   sessions/<id>/history/          the last saved timelines (see draft-history.ts)
 *
 * Files are private and written atomically; read-modify-write cycles hold the session's
 * lock so the CLI and a running MCP server never interleave. A file that is there but cannot
 * be read is never taken for absent: it is kept and reported (state_damaged), never reset.
 */

export const SessionRecordSchema = z.object({
  session_id: z.string().regex(/^[A-Za-z0-9_-]+$/),
  language: z.string().default("en"),
  created_at: z.string(),
});
export type LocalSession = z.infer<typeof SessionRecordSchema>;

export const MediaFileSchema = z.object({ media: z.array(MediaRecordSchema).default([]) });

export const LOCAL_LANGUAGE_PATTERN = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

export type UndoResult =
  | { undone: true; draft: Draft; savedAt: string; message: string }
  | { undone: false; message: string };

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

  constructor(
    home: string,
    /** How the reader starts a new project, for the messages that suggest it. */
    private readonly names: SurfaceNames = UNNAMED,
  ) {
    this.root = join(home, "local");
    this.pointer = join(this.root, "session.json");
  }

  sessionDir(sessionId: string): string {
    return join(this.root, "sessions", sessionId);
  }

  /** The current project, created the first time. */
  async current(): Promise<LocalSession> {
    // Read every time: the CLI and a running MCP server share the project, and either may start a new one.
    const stored = await this.readOrReport("session.json", this.pointer, SessionRecordSchema);
    if (stored) return stored;
    return withFileLock(this.pointer, async () => {
      const again = await this.readOrReport("session.json", this.pointer, SessionRecordSchema);
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
    // A new project is the way on from a damaged pointer: its bytes are kept before it is replaced.
    const old = await readJsonState(this.pointer, SessionRecordSchema);
    if (old.status === "damaged") await keepDamagedCopy(this.pointer, old.bytes);
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
    return (await this.readOrReport("draft.json", this.draftPath(sessionId), DraftSchema)) ?? emptyDraft();
  }

  async readMedia(sessionId: string): Promise<MediaRecord[]> {
    const file = await this.readOrReport("media.json", this.mediaPath(sessionId), MediaFileSchema);
    return file?.media ?? [];
  }

  /**
   * Saves `next` only if the draft on disk is still `expected` (compared as JSON, under the
   * session's lock). Edits are computed outside the lock — finding pauses can take a while —
   * so a concurrent change is detected here instead of being overwritten. A damaged draft.json
   * throws (it is never saved over). The version replaced and the new one go to the history.
   * `newMedia`, the files the edit named by path (ids given when it was computed), are
   * registered with it, first; when an upload took one of their ids or paths meanwhile,
   * nothing is saved and false comes back, as for a changed draft.
   */
  async replaceDraft(sessionId: string, expected: Draft, next: Draft, newMedia: readonly MediaRecord[] = []): Promise<boolean> {
    await this.requireSession(sessionId);
    return withFileLock(this.lockPath(sessionId), async () => {
      const current = await this.readDraft(sessionId);
      if (!same(current, expected)) return false;
      if (newMedia.length > 0) {
        const media = await this.readMedia(sessionId);
        if (newMedia.some((n) => media.some((m) => m.id === n.id || m.path === n.path))) return false;
        await writeJsonFileAtomic(this.mediaPath(sessionId), { media: [...media, ...newMedia] });
      }
      if (same(current, next)) return true;
      const history = this.history(sessionId);
      await history.keep(current);
      await writeJsonFileAtomic(this.draftPath(sessionId), next);
      // The edit is saved: a failure here must not report it as failed (and invite a second
      // run). The next save keeps this version anyway, as the one it replaces.
      await history.keep(next).catch(() => {});
      return true;
    });
  }

  /**
   * Steps the timeline back one saved version; the current one is dropped (there is no redo).
   * When draft.json is damaged, restores the last good version instead; the damaged file's
   * bytes stay kept beside it.
   */
  async undo(sessionId: string): Promise<UndoResult> {
    await this.requireSession(sessionId);
    const path = this.draftPath(sessionId);
    return withFileLock(this.lockPath(sessionId), async () => {
      const read = await readJsonState(path, DraftSchema);
      const keptAs = read.status === "damaged" ? await keepDamagedCopy(path, read.bytes) : undefined;
      const current = read.status === "ok" ? read.value : read.status === "absent" ? emptyDraft() : undefined;
      const target = await this.history(sessionId).stepBack(current);
      if (!target) {
        return {
          undone: false,
          message: keptAs
            ? `The timeline (draft.json) is damaged and no earlier version of it was kept, so there is nothing to go back to. Its bytes were kept as ${keptAs}. Start a new project${via(this.names.newSession)}.`
            : "There is nothing to undo: no earlier version of this timeline was kept.",
        };
      }
      await writeJsonFileAtomic(path, target.draft);
      const message = keptAs
        ? `The damaged timeline (draft.json, kept as ${keptAs}) was replaced by the last good version, saved ${target.savedAt}.`
        : `The timeline is back to the version saved ${target.savedAt}.`;
      return { undone: true, draft: target.draft, savedAt: target.savedAt, message };
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
      await writeJsonFileAtomic(this.mediaPath(sessionId), { media });
      return out;
    });
  }

  private lockPath(sessionId: string): string {
    return join(this.sessionDir(sessionId), "session");
  }

  private mediaPath(sessionId: string): string {
    return join(this.sessionDir(sessionId), "media.json");
  }

  private draftPath(sessionId: string): string {
    return join(this.sessionDir(sessionId), "draft.json");
  }

  private history(sessionId: string): DraftHistory {
    return new DraftHistory(join(this.sessionDir(sessionId), "history"));
  }

  /** The file's value, or undefined when it is not there; a damaged one is kept and reported. */
  private async readOrReport<T>(file: StateFile, path: string, schema: z.ZodType<T>): Promise<T | undefined> {
    const read = await readJsonState(path, schema);
    if (read.status === "ok") return read.value;
    if (read.status === "absent") return undefined;
    const keptAs = await keepDamagedCopy(path, read.bytes);
    let lastGood: KeptVersion | undefined;
    if (file === "draft.json") lastGood = await new DraftHistory(join(dirname(path), "history")).newestReadable();
    throw await damagedStateError({ file, path, reason: read.reason, keptAs, root: this.root, ...(lastGood ? { lastGood } : {}) }, this.names);
  }

  private async requireSession(sessionId: string): Promise<void> {
    try {
      await stat(this.sessionDir(sessionId));
    } catch {
      throw new VideoMakerError(
        "session_lost",
        `The local project ${sessionId} is gone from ${this.root}. Start a new one${via(this.names.newSession)} and add the media again.`,
      );
    }
  }
}

/** The id after the highest "media-N" in the registry. */
export function nextMediaId(media: readonly MediaRecord[]): string {
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
