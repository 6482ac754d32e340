import { isRunning, ownStartTicks } from "../processes.js";
import type { JobRecord } from "./store.js";

/**
 * Which process owns a job: the one that started or took it over, named by pid and start time so
 * a recycled pid (a restarted container) is not taken for the owner.
 */

export function takeOwnership(record: JobRecord): void {
  record.ownerPid = process.pid;
  const started = ownStartTicks();
  if (started === undefined) delete record.ownerStarted;
  else record.ownerStarted = started;
}

/** Whether the process that started a job is still running (then it owns the job). */
export function ownerAlive(record: JobRecord): boolean {
  const pid = record.ownerPid;
  // Our own pid on a job this process does not run: an earlier process with the same pid (a restarted container).
  if (!pid || pid === process.pid) return false;
  return isRunning(pid, record.ownerStarted);
}

