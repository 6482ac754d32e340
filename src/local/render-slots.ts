import { randomBytes } from "node:crypto";
import { type FSWatcher, watch } from "node:fs";
import { link, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { VideoMakerError } from "../core/errors.js";
import { isRunning, ownStartTicks } from "../core/processes.js";
import { breakStaleLock, ensurePrivateDir } from "../core/store.js";

/**
 * Renders take turns across every video-maker process on one home (MCP servers, CLIs): a
 * render's ffmpeg holds hundreds of MB to GBs and all the cores it gets, so two at once only
 * add up the memory and finish no sooner. `<home>/local/render-slots/` holds
 *
 * - `slot-<n>`, one per render running (n < the limit), created with link(2), which fails when
 *   the name exists: taking a slot is atomic across processes, and the file is never half written;
 * - `wait-<time>-<id>`, one ticket per render waiting, so the waiting go first come, first served
 *   and each can say its place.
 *
 * Each file names its process (pid and start ticks): the slot or ticket of a process that died
 * (kill -9, a crash) is freed by the next one that looks.
 */

export interface RenderSlotOptions {
  /** How many renders may run at once on this home. */
  limit: number;
  signal?: AbortSignal;
  /** Called while waiting, when the place in the queue changes. */
  onWaiting?: (wait: QueuePlace) => void;
  /** How often the folder is looked at again when no change wakes the waiter. */
  pollMs?: number;
}

export interface QueuePlace {
  /** Renders running or waiting ahead of this one. */
  ahead: number;
  /** How many of them must end before this one starts. */
  toFinish: number;
  /** 1-based place among all renders running and waiting (2: first in line behind one running). */
  place: number;
}

export interface RenderSlot {
  release(): Promise<void>;
}

interface Holder {
  pid: number;
  started?: string;
  id: string;
}

const POLL_MS = 500;
const SLOT = /^slot-(\d+)$/;
const TICKET = /^wait-\d{15}-[0-9a-f]{12}$/;
/** A file that does not read as a holder (a hand edit, a full disk) is given up on after this. */
const UNREADABLE_GRACE_MS = 2000;
const LEFTOVER_TEMP_MS = 60_000;

/** The slots and tickets this process holds: a file with our own pid that is not among them was left by an earlier process with the same pid. */
const ours = new Set<string>();

export function renderSlotsDir(home: string): string {
  return join(home, "local", "render-slots");
}

/** The progress line of a render waiting for its turn. */
export function waitingMessage({ ahead, toFinish, place }: QueuePlace): string {
  const renders = (n: number) => `${n} other render${n === 1 ? "" : "s"}`;
  const who = toFinish === ahead ? renders(ahead) : `${toFinish} of the ${renders(ahead)} ahead`;
  return `Waiting for ${who} to finish (place ${place})`;
}

/** Waits for a free slot in turn, then holds it until `release()`; a cancel while waiting leaves no ticket behind. */
export async function takeRenderSlot(home: string, options: RenderSlotOptions): Promise<RenderSlot> {
  const dir = renderSlotsDir(home);
  await ensurePrivateDir(dir);
  const me: Holder = { pid: process.pid, id: randomBytes(6).toString("hex") };
  const started = ownStartTicks();
  if (started !== undefined) me.started = started;
  const ticket = `wait-${String(Date.now()).padStart(15, "0")}-${me.id}`;
  ours.add(me.id);
  let held = false;
  try {
    await writeTicket(dir, ticket, me);
    let last: number | undefined;
    for (;;) {
      throwIfCancelled(options.signal);
      const { slots, tickets } = await look(dir);
      let index = tickets.indexOf(ticket);
      // Our ticket gone (someone cleared the folder): write it again; its name keeps our place in line.
      if (index === -1) {
        await writeTicket(dir, ticket, me);
        index = tickets.length;
      }
      const ahead = slots + index;
      if (ahead < options.limit) {
        const slot = await tryTake(dir, options.limit, me);
        if (slot) {
          held = true;
          return slot;
        }
      } else if (ahead !== last) {
        last = ahead;
        options.onWaiting?.({ ahead, toFinish: ahead - options.limit + 1, place: ahead + 1 });
      }
      await nap(dir, options.pollMs ?? POLL_MS, options.signal);
    }
  } finally {
    await rm(join(dir, ticket), { force: true });
    if (!held) ours.delete(me.id);
  }
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new VideoMakerError("cancelled", "The render was cancelled while it waited for its turn.");
}

async function writeTicket(dir: string, name: string, me: Holder): Promise<void> {
  const temp = join(dir, `tmp-${me.id}-${randomBytes(4).toString("hex")}`);
  await writeFile(temp, JSON.stringify(me), { mode: 0o600 });
  await rename(temp, join(dir, name));
}

/** The first free slot number below the limit, taken; undefined when another process was quicker. */
async function tryTake(dir: string, limit: number, me: Holder): Promise<RenderSlot | undefined> {
  const temp = join(dir, `tmp-${me.id}-${randomBytes(4).toString("hex")}`);
  const content = JSON.stringify(me);
  await writeFile(temp, content, { mode: 0o600 });
  try {
    for (let n = 0; n < limit; n++) {
      const path = join(dir, `slot-${n}`);
      try {
        await link(temp, path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EEXIST") continue;
        throw error;
      }
      return { release: () => release(path, content, me.id) };
    }
    return undefined;
  } finally {
    await rm(temp, { force: true });
  }
}

async function release(path: string, content: string, id: string): Promise<void> {
  ours.delete(id);
  // Only our own slot: one that is not ours any more was freed by someone who took us for dead.
  if ((await readFile(path, "utf8").catch(() => "")) === content) await rm(path, { force: true });
}

/** The number of slots held by live processes, and the live tickets in line order; what the dead left is removed. */
async function look(dir: string): Promise<{ slots: number; tickets: string[] }> {
  let slots = 0;
  const tickets: string[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (name.startsWith("tmp-")) {
      await removeIfOld(join(dir, name));
      continue;
    }
    const isSlot = SLOT.test(name);
    if (!isSlot && !TICKET.test(name)) continue;
    const path = join(dir, name);
    const content = await readFile(path, "utf8").catch(() => undefined);
    if (content === undefined) continue; // gone meanwhile
    if (!(await alive(path, content))) {
      await breakStaleLock(path, content);
      continue;
    }
    if (isSlot) slots++;
    else tickets.push(name);
  }
  // Names start with the time, zero-padded: text order is line order (the id breaks ties).
  return { slots, tickets: tickets.sort() };
}

/** A temp file lives for milliseconds; an old one was left by a process killed while writing it. */
async function removeIfOld(path: string): Promise<void> {
  const age = await stat(path).then((info) => Date.now() - info.mtimeMs, () => 0);
  if (age > LEFTOVER_TEMP_MS) await rm(path, { force: true });
}

async function alive(path: string, content: string): Promise<boolean> {
  const holder = parseHolder(content);
  if (!holder) {
    const age = await stat(path).then((info) => Date.now() - info.mtimeMs, () => 0);
    return age < UNREADABLE_GRACE_MS;
  }
  if (holder.pid === process.pid && holder.started === ownStartTicks()) return ours.has(holder.id);
  return isRunning(holder.pid, holder.started);
}

function parseHolder(content: string): Holder | undefined {
  try {
    const value = JSON.parse(content) as Partial<Holder>;
    if (!Number.isInteger(value.pid) || typeof value.id !== "string") return undefined;
    return { pid: value.pid!, id: value.id, ...(typeof value.started === "string" ? { started: value.started } : {}) };
  } catch {
    return undefined;
  }
}

/** Until something changes in the folder, the poll interval passes, or the signal fires. */
function nap(dir: string, ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    let watcher: FSWatcher | undefined;
    const done = (): void => {
      clearTimeout(timer);
      watcher?.close();
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    try {
      // A wake-up, not the truth: some file systems (network mounts) report nothing, and the poll covers them.
      watcher = watch(dir, { persistent: false }, done);
      watcher.on("error", done);
    } catch {
      // Watching is not possible here; the poll alone will do.
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
