import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isRunning, ownStartTicks, startTicksOf } from "../../src/core/processes.js";
import { type JobRecord, ownerAlive } from "../../src/core/jobs.js";

/** Linux only (the CI machine): elsewhere there is no /proc and only the pid is checked. */

const deadPid = spawnSync(process.execPath, ["-e", ""]).pid!;
let sleeper: ChildProcess;
let sleeperTicks: string | undefined;

beforeAll(async () => {
  sleeper = spawn("sleep", ["30"]);
  await new Promise((done) => sleeper.once("spawn", done));
  sleeperTicks = startTicksOf(sleeper.pid!);
});
afterAll(() => {
  sleeper.kill();
});

describe("processes", () => {
  it("reads a process's start ticks from /proc, the same each time", () => {
    expect(ownStartTicks()).toMatch(/^\d+$/);
    expect(startTicksOf(process.pid)).toBe(ownStartTicks());
    expect(sleeperTicks).toMatch(/^\d+$/);
    expect(startTicksOf(deadPid)).toBeUndefined();
  });

  it("tells a live process from a later one that got its pid", () => {
    const table: Array<[string, number, string | undefined, boolean]> = [
      ["live, start unknown (a record from before)", sleeper.pid!, undefined, true],
      ["live, same start", sleeper.pid!, sleeperTicks, true],
      ["pid reused: another start", sleeper.pid!, String(Number(sleeperTicks) + 1), false],
      ["dead", deadPid, undefined, false],
      ["not a pid", 0, undefined, false],
    ];
    for (const [what, pid, ticks, running] of table) expect([what, isRunning(pid, ticks)]).toEqual([what, running]);
  });

  it("a job's owner counts as alive only while it is the process that took the job", () => {
    const record = (owner: Partial<JobRecord>): JobRecord => ({
      id: "edit_0123456789ab", kind: "edit", status: "running", backend: "nemo", createdAt: "", updatedAt: "", progress: { message: "" }, input: {}, ...owner,
    });
    expect(ownerAlive(record({ ownerPid: sleeper.pid!, ownerStarted: sleeperTicks! }))).toBe(true);
    expect(ownerAlive(record({ ownerPid: sleeper.pid!, ownerStarted: "1" }))).toBe(false);
    expect(ownerAlive(record({ ownerPid: sleeper.pid! }))).toBe(true);
    expect(ownerAlive(record({ ownerPid: deadPid }))).toBe(false);
    expect(ownerAlive(record({ ownerPid: process.pid, ownerStarted: ownStartTicks()! }))).toBe(false); // ours, but not running here
  });
});
