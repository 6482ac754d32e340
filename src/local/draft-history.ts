import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { type Draft, DraftSchema } from "../core/draft.js";
import { readJsonState, writeJsonFileAtomic } from "../core/store.js";

/**
 * The last saved versions of a project's timeline, `sessions/<id>/history/draft-<n>.json`
 * (higher n = newer), the current one included, so a damaged draft.json can be restored to
 * exactly what was last saved and undo can step back. Each file is a plain draft: a person can
 * also copy one over draft.json by hand. Callers hold the session's lock.
 */

/** Versions kept, the current one included. */
export const HISTORY_LIMIT = 20;

export interface KeptVersion {
  n: number;
  path: string;
  draft: Draft;
  /** When it was saved (the file's modification time), ISO 8601. */
  savedAt: string;
}

const ENTRY = /^draft-(\d+)\.json$/;

export class DraftHistory {
  constructor(readonly dir: string) {}

  /** Adds `draft` as the newest version unless it already is; the oldest beyond the limit go. */
  async keep(draft: Draft): Promise<void> {
    const entries = await this.entries();
    const newest = entries[0];
    if (newest) {
      const read = await readJsonState(newest.path, DraftSchema);
      if (read.status === "ok" && same(read.value, draft)) return;
    }
    const n = (newest?.n ?? 0) + 1;
    await writeJsonFileAtomic(this.pathOf(n), draft);
    await Promise.all(entries.slice(HISTORY_LIMIT - 1).map((e) => rm(e.path, { force: true })));
  }

  /** The newest version that can be read (unreadable ones are passed over). */
  async newestReadable(): Promise<KeptVersion | undefined> {
    for await (const version of this.readable()) return version;
    return undefined;
  }

  /**
   * The version to go back to from `current` (undefined when draft.json is damaged: then the
   * newest readable one). Newer versions are dropped first, so a crash before draft.json is
   * written leaves a history whose next undo still lands here.
   */
  async stepBack(current: Draft | undefined): Promise<KeptVersion | undefined> {
    let target: KeptVersion | undefined;
    for await (const version of this.readable()) {
      if (current === undefined || !same(version.draft, current)) {
        target = version;
        break;
      }
    }
    if (!target) return undefined;
    const newer = (await this.entries()).filter((e) => e.n > target.n);
    await Promise.all(newer.map((e) => rm(e.path, { force: true })));
    return target;
  }

  /** Newest first. */
  async entries(): Promise<{ n: number; path: string }[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    return names
      .map((name) => ENTRY.exec(name))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => ({ n: Number(match[1]), path: join(this.dir, match[0]) }))
      .sort((a, b) => b.n - a.n);
  }

  private async *readable(): AsyncGenerator<KeptVersion> {
    for (const entry of await this.entries()) {
      const read = await readJsonState(entry.path, DraftSchema);
      if (read.status !== "ok") continue;
      const savedAt = await stat(entry.path).then((info) => info.mtime.toISOString(), () => undefined);
      if (savedAt !== undefined) yield { ...entry, draft: read.value, savedAt };
    }
  }

  private pathOf(n: number): string {
    return join(this.dir, `draft-${String(n).padStart(6, "0")}.json`);
  }
}

/** Drafts are compared as their JSON, as replaceDraft does. */
export function same(a: Draft, b: Draft): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
