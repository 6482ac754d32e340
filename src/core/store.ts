import { randomBytes } from "node:crypto";
import { chmod, link, mkdir, open, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { z } from "zod";
import { VideoMakerError } from "./errors.js";
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

export async function readJsonFile<T>(path: string, schema: z.ZodType<T>): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    // A corrupt file is treated as absent: the state it held is re-created, never half-read.
    return undefined;
  }
}

export async function writeJsonFileAtomic(path: string, value: unknown): Promise<void> {
  await ensurePrivateDir(dirname(path));
  await sweepLeftovers(dirname(path));
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const handle = await open(temp, "w", 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(value, null, 2)}\n`, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
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
