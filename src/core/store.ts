import { createHash, randomBytes } from "node:crypto";
import { chmod, link, mkdir, open, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { z } from "zod";
import { VideoMakerError, redactDeep, redactRegistered } from "./errors.js";
import { isRunning } from "./processes.js";

/**
 * Private state files: a 0700 folder, 0600 files, written atomically (temp file,
 * fsync, rename) so a crash or a second process never leaves half a file behind.
 */

export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // mkdir leaves an existing folder's mode alone; a token lives here, so tighten it.
  await chmod(dir, 0o700);
}

/** What a state file holds: nothing yet, a value, or bytes that are not one (cut off, overwritten, another format). */
export type JsonFileState<T> =
  | { status: "absent" }
  | { status: "ok"; value: T }
  | { status: "damaged"; reason: string; bytes: Buffer };

export async function readJsonState<T>(path: string, schema: z.ZodType<T>): Promise<JsonFileState<T>> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { status: "absent" };
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString("utf8"));
  } catch {
    const reason = bytes.length === 0 ? "the file is empty" : "it is not complete JSON (cut off or overwritten)";
    return { status: "damaged", reason, bytes };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { status: "ok", value: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
  return { status: "damaged", reason: `its content is not what video-maker writes there (${issue?.message ?? "unexpected shape"}${where})`, bytes };
}

/** For state that can be re-created (a token, a job record): a damaged file reads as absent. */
export async function readJsonFile<T>(path: string, schema: z.ZodType<T>): Promise<T | undefined> {
  const state = await readJsonState(path, schema);
  return state.status === "ok" ? state.value : undefined;
}

/**
 * Keeps a damaged file's bytes beside it as `<name>.damaged-<UTC time>-<hash>` (0600) and returns
 * that path. Once per content: the file is read again and again until the person acts, and a
 * concurrent keeper of the same bytes finds the copy already there.
 */
export async function keepDamagedCopy(path: string, bytes: Buffer): Promise<string> {
  const dir = dirname(path);
  const tag = createHash("sha256").update(bytes).digest("hex").slice(0, 12);
  const prefix = `${basename(path)}.damaged-`;
  const kept = (await readdir(dir).catch(() => [] as string[])).find((name) => name.startsWith(prefix) && name.endsWith(`-${tag}`));
  if (kept) return join(dir, kept);
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const copy = join(dir, `${prefix}${stamp}-${tag}`);
  const temp = `${copy}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await ensurePrivateDir(dir);
  await writeSynced(temp, bytes, "wx");
  try {
    // link, not rename: a copy someone else made of the same bytes in the same second stays as it is.
    await link(temp, copy);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    await rm(temp, { force: true });
  }
  return copy;
}

/** A private file written and flushed to disk before it is linked or renamed into place. */
async function writeSynced(path: string, data: string | Buffer, flag: "w" | "wx"): Promise<void> {
  const handle = await open(path, flag, 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Every state file but the token store passes its strings through `redactRegistered`: a token
 * quoted by the service (in the agent's reply, an error) never lands on disk. The token store
 * says `{ holdsSecret: true }`.
 */
export async function writeJsonFileAtomic(path: string, value: unknown, options: { holdsSecret?: boolean } = {}): Promise<void> {
  await ensurePrivateDir(dirname(path));
  await sweepLeftovers(dirname(path));
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const stored = options.holdsSecret ? value : redactDeep(value, redactRegistered);
  await writeSynced(temp, `${JSON.stringify(stored, null, 2)}\n`, "w");
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** `<file>.<pid>.<8 hex>.tmp` from writeJsonFileAtomic, `.stale` from breakStaleLock. */
const LEFTOVER_NAME = /\.(\d+)\.[0-9a-f]{8}\.(?:tmp|stale)$/;
/** A write lasts milliseconds; this much older and its writer is gone even if its pid was reused. */
const LEFTOVER_MIN_AGE_MS = 60_000;
const sweptDirs = new Set<string>();

/**
 * Removes the temp files of writers killed between writing and renaming (kill -9, power loss),
 * once per folder per process: only files whose pid is gone and that are old enough that no
 * live writer (say in another pid namespace sharing the folder) can still be renaming them.
 */
async function sweepLeftovers(dir: string): Promise<void> {
  if (sweptDirs.has(dir)) return;
  sweptDirs.add(dir);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  await Promise.all(
    names.map(async (name) => {
      const match = LEFTOVER_NAME.exec(name);
      if (!match || !processIsGone(Number(match[1]))) return;
      const path = join(dir, name);
      try {
        if (Date.now() - (await stat(path)).mtimeMs > LEFTOVER_MIN_AGE_MS) await rm(path, { force: true });
      } catch {
        // Gone already (another process swept it).
      }
    }),
  );
}

function processIsGone(pid: number): boolean {
  return Number.isInteger(pid) && pid > 0 && !isRunning(pid);
}

const LOCK_STALE_MS = 30_000;

/**
 * Runs `work` while holding `<path>.lock`, so the CLI and a running MCP server do not
 * interleave read-modify-write cycles on the same state file.
 */
export async function withFileLock<T>(path: string, work: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const lockPath = `${path}.lock`;
  await ensurePrivateDir(dirname(lockPath));
  const deadline = Date.now() + timeoutMs;
  // The pid says who holds it; the random part tells this holding from any later one.
  const mine = `${process.pid} ${randomBytes(6).toString("hex")}`;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    try {
      const handle = await open(lockPath, "wx", 0o600);
      await handle.writeFile(mine);
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const stale = await staleLockContent(lockPath);
      if (stale !== undefined) {
        await breakStaleLock(lockPath, stale);
        continue;
      }
      if (Date.now() > deadline) {
        throw new VideoMakerError("timeout", `Another video-maker process kept ${path} busy for ${Math.round(timeoutMs / 1000)} s. Try again in a moment.`);
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  try {
    return await work();
  } finally {
    // Only our own lock: after a very long hold another process may have broken it and taken a new one.
    if ((await readFile(lockPath, "utf8").catch(() => "")) === mine) await rm(lockPath, { force: true });
  }
}

/** A holder writes its pid right after creating the lock; an empty lock older than this was left by a crash. */
const LOCK_UNWRITTEN_MS = 2000;

/** The content of a lock whose holder is gone (dead pid, or too old), else undefined. */
async function staleLockContent(lockPath: string): Promise<string | undefined> {
  try {
    const info = await stat(lockPath);
    const content = await readFile(lockPath, "utf8");
    const age = Date.now() - info.mtimeMs;
    if (age > LOCK_STALE_MS) return content;
    const pid = Number(content.trim().split(" ")[0]);
    if (!Number.isInteger(pid) || pid <= 0) return age > LOCK_UNWRITTEN_MS ? content : undefined;
    return processIsGone(pid) ? content : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Removes a stale lock without removing a fresh one by mistake: when several waiters find the
 * same stale lock, the first one to break it may already have taken a new one. The lock is
 * moved aside (only one mover wins) and put back if it was not the stale one after all.
 */
async function breakStaleLock(lockPath: string, staleContent: string): Promise<void> {
  const aside = `${lockPath}.${process.pid}.${randomBytes(4).toString("hex")}.stale`;
  try {
    await rename(lockPath, aside);
  } catch {
    return; // Someone else broke it first.
  }
  try {
    if ((await readFile(aside, "utf8")) !== staleContent) await link(aside, lockPath).catch(() => {});
  } finally {
    await rm(aside, { force: true });
  }
}
