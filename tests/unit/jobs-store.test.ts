import { mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type JobRecord, JobStore } from "../../src/core/jobs.js";

let home: string;
let store: JobStore;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "vm-jobs-store-"));
  store = new JobStore(home);
});
afterEach(() => rm(home, { recursive: true, force: true }));

const job = (id: string, createdAt: string, status: JobRecord["status"] = "completed"): JobRecord => ({
  id,
  kind: id.startsWith("edit") ? "edit" : "export",
  status,
  backend: "nemo",
  created_at: createdAt,
  updated_at: createdAt,
  progress: { message: "done" },
  input: {},
});

describe("JobStore.list", () => {
  it("is empty before any job was written (no jobs folder yet)", async () => {
    expect(await store.list()).toEqual([]);
  });

  it("returns every stored job, newest first, whatever order they were written in", async () => {
    await store.write(job("export_00000000000b", "2026-03-02T10:00:00.000Z"));
    await store.write(job("edit_00000000000a", "2026-03-01T10:00:00.000Z"));
    await store.write(job("export_00000000000c", "2026-03-03T10:00:00.000Z", "running"));
    expect((await store.list()).map((r) => r.id)).toEqual(["export_00000000000c", "export_00000000000b", "edit_00000000000a"]);
  });

  it("orders jobs started in the same millisecond the same way every time", async () => {
    const at = "2026-03-01T10:00:00.000Z";
    await store.write(job("edit_000000000001", at));
    await store.write(job("edit_000000000002", at));
    expect((await store.list()).map((r) => r.id)).toEqual(["edit_000000000002", "edit_000000000001"]);
  });

  it("skips damaged files and the cancel, lock and temp files beside the jobs", async () => {
    await store.write(job("edit_00000000000a", "2026-03-01T10:00:00.000Z"));
    await writeFile(join(store.dir, "edit_00000000000b.json"), "{ half a fi");
    await writeFile(join(store.dir, "edit_00000000000c.json"), JSON.stringify({ id: "edit_00000000000c" }));
    await store.requestCancel("edit_00000000000a");
    await writeFile(join(store.dir, "edit_00000000000a.json.lock"), "1 abc");
    await writeFile(join(store.dir, "edit_00000000000a.json.123.0a1b2c3d.tmp"), "{}");
    expect((await store.list()).map((r) => r.id)).toEqual(["edit_00000000000a"]);
  });

  it("reads back what was written, and refuses ids that are not job ids", async () => {
    const record = job("export_0123456789ab", "2026-03-01T10:00:00.000Z");
    await store.write(record);
    expect(await store.list()).toEqual([record]);
    expect(await store.read("export_0123456789ab")).toEqual(record);
    expect(await store.read("../jobs/export_0123456789ab")).toBeUndefined();
  });
});

describe("JobStore.sweep", () => {
  it("removes finished jobs untouched for a week and keeps running ones and recent ones", async () => {
    await store.write(job("export_00000000000a", "2026-01-01T10:00:00.000Z", "completed"));
    await store.write(job("export_00000000000b", "2026-01-01T10:00:00.000Z", "running"));
    await store.write(job("export_00000000000c", "2026-01-01T10:00:00.000Z", "failed"));
    const old = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    for (const id of ["export_00000000000a", "export_00000000000b"]) await utimes(join(store.dir, `${id}.json`), old, old);
    await store.sweep();
    expect((await readdir(store.dir)).filter((n) => n.endsWith(".json")).sort()).toEqual(["export_00000000000b.json", "export_00000000000c.json"]);
  });
});
