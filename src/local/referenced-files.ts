import { isAbsolute, resolve } from "node:path";
import type { MediaRecord } from "./media.js";
import { type NewMedia, nextMediaId } from "./workspace.js";

/**
 * An op may name a file by absolute path without uploading it first. Such a file is read
 * before the ops are checked and registered only with a batch that is accepted; one that
 * cannot be used is a problem of the ops that name it, reported with all the others.
 */

/** The file an op names by absolute path, resolved; undefined when it names media another way (id, file name). */
export function pathNamedBy(op: unknown): string | undefined {
  const media = typeof op === "object" && op !== null ? (op as Record<string, unknown>)["media"] : undefined;
  return typeof media === "string" && isAbsolute(media) ? resolve(media) : undefined;
}

/** The files the ops name by path that the registry does not hold yet, each once, in op order. */
export function pathsToRead(ops: readonly unknown[], registered: ReadonlySet<string>): string[] {
  const paths = new Set<string>();
  for (const op of ops) {
    const path = pathNamedBy(op);
    if (path !== undefined && !registered.has(path)) paths.add(path);
  }
  return [...paths];
}

/** Why the file an op names cannot be used (`unusable`: resolved path → why), as a line of the op's problems. */
export function unusableFileProblem(op: unknown, unusable: ReadonlyMap<string, string> | undefined): string | undefined {
  const path = pathNamedBy(op);
  const why = path !== undefined ? unusable?.get(path) : undefined;
  return why !== undefined ? `${(op as { media: string }).media}: ${why}` : undefined;
}

/**
 * The files read for an edit as the records they will be, with the ids after those the
 * registry holds now. A file registered meanwhile (by an upload) is left out: it has its id.
 * `replaceDraft` saves them with the draft, or refuses when another upload took one of the ids.
 */
export function recordsFor(files: readonly NewMedia[], registered: readonly MediaRecord[]): MediaRecord[] {
  const all = [...registered];
  const added: MediaRecord[] = [];
  for (const file of files) {
    if (all.some((m) => m.path === file.path)) continue;
    const record: MediaRecord = { ...file, id: nextMediaId(all), registered_at: new Date().toISOString() };
    all.push(record);
    added.push(record);
  }
  return added;
}
