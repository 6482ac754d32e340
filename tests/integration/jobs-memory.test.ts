import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobManager } from "../../src/core/jobs.js";
import { MCP_SURFACE_NAMES } from "../../src/mcp/surface-names.js";
import { type Harness, startHarness } from "./harness.js";

/** A server runs for weeks: finished jobs must not pile up in its memory, yet stay readable. */

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ startingCredits: 10_000 });
});
afterAll(() => h.close());

/** The jobs this process holds in memory (white-box: the map has no public view). */
const inMemory = (jobs: JobManager): number => (jobs as unknown as { live: Map<string, unknown> }).live.size;

describe("finished jobs", () => {
  it("leave memory once written to disk, and read back the same from there", async () => {
    const backend = h.backend();
    const jobs = new JobManager(h.home, backend, MCP_SURFACE_NAMES);
    const records = [];
    for (let i = 0; i < 5; i++) {
      const started = jobs.startEdit(`add a title number ${i}`, backend.agent);
      records.push(await jobs.wait(started.id, 10_000));
    }
    expect(records.map((r) => r.error?.message ?? r.status)).toEqual(Array(5).fill("completed"));
    expect(inMemory(jobs)).toBe(0);
    for (const record of records) {
      expect(await jobs.get(record.id)).toEqual(JSON.parse(JSON.stringify(record)));
      expect((await jobs.wait(record.id, 0)).status).toBe("completed");
    }
  });
});
