import { readFileSync } from "node:fs";

/**
 * Whether another process is still the one that wrote its pid somewhere. A pid alone can be
 * reused (after a reboot, or in a busy container) and a dead owner would then look alive; on
 * Linux the kernel's start time of the process tells the two apart.
 */

/** The start time of `pid` in clock ticks since boot (from /proc), or undefined where there is no /proc. */
export function startTicksOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so count from the last ")".
    const ticks = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
    return ticks && /^\d+$/.test(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

let ownTicks: string | undefined | null = null;

/** This process's start ticks, read once. */
export function ownStartTicks(): string | undefined {
  if (ownTicks === null) ownTicks = startTicksOf(process.pid);
  return ownTicks;
}

/** Whether `pid` runs and, when `startTicks` is known, is the process that started then. */
export function isRunning(pid: number, startTicks?: string): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it runs, as another user.
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  if (startTicks === undefined) return true;
  const now = startTicksOf(pid);
  return now === undefined || now === startTicks;
}
