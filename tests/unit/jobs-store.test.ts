import { mkdtemp, readFile, readdir, rm, utimes, writeFile } from "node:fs/promises";
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
  createdAt,
  updatedAt: createdAt,
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

describe("the job file", () => {
  // A file as the previous version wrote it (snake_case, keys in its order): a restarted
  // server of this version must read it, resume its render, and write it back the same way.
  const OLD_FILE = {
    id: "export_0123456789ab",
    kind: "export",
    status: "completed",
    backend: "nemo",
    created_at: "2026-03-01T10:00:00.000Z",
    updated_at: "2026-03-01T10:01:30.000Z",
    progress: { message: "done", percent: 100, stage: "download" },
    owner_pid: 4242,
    owner_started: "123456",
    input: { output_dir: "/videos", file_name: "promo.mp4" },
    checkpoint: {
      backend: "nemo",
      render_id: "render_1",
      session_id: "s-1",
      output_path: "/videos/promo.mp4",
      started_at: "2026-03-01T10:00:01.000Z",
      download_url: "https://cdn.example/render_1.mp4",
    },
    edit: { reply: "Done.", replied: true, changes: ["added a title"], timeline: "Timeline (1 track): 1. Title: \"x\" (0-3s)", suggestsExport: true },
    export: { render_id: "render_1", file: "/videos/promo.mp4", bytes: 64000 },
    error: { code: "upstream", message: "a message", link: "https://nemovideo.com/" },
  };

  it("reads a file the previous version wrote into the camelCase record", async () => {
    await writeFile(join(await storeDir(), "export_0123456789ab.json"), JSON.stringify(OLD_FILE, null, 2));
    expect(await store.read("export_0123456789ab")).toEqual({
      id: "export_0123456789ab",
      kind: "export",
      status: "completed",
      backend: "nemo",
      createdAt: "2026-03-01T10:00:00.000Z",
      updatedAt: "2026-03-01T10:01:30.000Z",
      progress: { message: "done", percent: 100, stage: "download" },
      ownerPid: 4242,
      ownerStarted: "123456",
      input: { outputDir: "/videos", fileName: "promo.mp4" },
      checkpoint: {
        backend: "nemo",
        renderId: "render_1",
        sessionId: "s-1",
        outputPath: "/videos/promo.mp4",
        startedAt: "2026-03-01T10:00:01.000Z",
        downloadUrl: "https://cdn.example/render_1.mp4",
      },
      edit: OLD_FILE.edit,
      export: { renderId: "render_1", file: "/videos/promo.mp4", bytes: 64000 },
      error: OLD_FILE.error,
    });
  });

  it("writes a record back byte for byte as it was read", async () => {
    await writeFile(join(await storeDir(), "export_0123456789ab.json"), JSON.stringify(OLD_FILE, null, 2));
    await store.write((await store.read("export_0123456789ab"))!);
    expect(await readFile(join(store.dir, "export_0123456789ab.json"), "utf8")).toBe(`${JSON.stringify(OLD_FILE, null, 2)}\n`);
  });

  it("keeps a local export's loudness: the target in the checkpoint (for a resume) and the report, one-word keys on both sides", async () => {
    const loudness = { target: -14, ceiling: -1, outcome: "normalised" as const, measured: { lufs: -30.2, dbtp: -12.5 }, gain: 16.2, delivered: { lufs: -14.1, dbtp: null } };
    const file = {
      ...OLD_FILE,
      backend: "local",
      checkpoint: { backend: "local", render_id: "local_1", session_id: "s-1", output_path: "/videos/promo.mp4", started_at: "2026-03-01T10:00:01.000Z", loudness: -14 },
      export: { render_id: "local_1", file: "/videos/promo.mp4", bytes: 64000, loudness },
    };
    await writeFile(join(await storeDir(), "export_0123456789ab.json"), JSON.stringify(file, null, 2));
    const record = (await store.read("export_0123456789ab"))!;
    expect(record.checkpoint?.loudness).toBe(-14);
    expect(record.export).toEqual({ renderId: "local_1", file: "/videos/promo.mp4", bytes: 64000, loudness });
    await store.write(record);
    expect(await readFile(join(store.dir, "export_0123456789ab.json"), "utf8")).toBe(`${JSON.stringify(file, null, 2)}\n`);
  });

  it("leaves out what a record does not have, as the previous version did", async () => {
    const record = job("edit_0123456789ab", "2026-03-01T10:00:00.000Z", "running");
    await store.write(record);
    expect(JSON.parse(await readFile(join(store.dir, "edit_0123456789ab.json"), "utf8"))).toStrictEqual({
      id: "edit_0123456789ab",
      kind: "edit",
      status: "running",
      backend: "nemo",
      created_at: "2026-03-01T10:00:00.000Z",
      updated_at: "2026-03-01T10:00:00.000Z",
      progress: { message: "done" },
      input: {},
    });
  });
});

/** The jobs folder, made the way the store makes it (by writing a job), then emptied. */
async function storeDir(): Promise<string> {
  await store.write(job("edit_00000000000f", "2026-01-01T00:00:00.000Z"));
  await rm(join(store.dir, "edit_00000000000f.json"));
  return store.dir;
}

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

describe("a damaged job file", () => {
  it("is reported and kept, never read as missing or saved over", async () => {
    const id = "export_00000000000d";
    await store.write(job(id, "2026-03-04T10:00:00.000Z", "running"));
    const path = join(store.dir, `${id}.json`);
    const cut = (await readFile(path, "utf8")).slice(0, 40);
    await writeFile(path, cut);

    const error = await store.read(id).then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ code: "state_damaged" });
    const message = (error as Error).message;
    expect(message).toContain(id);
    expect(message).toContain(path);
    expect(message).not.toContain("{");
    await expect(store.update(id, (r) => ({ ...r, status: "cancelled" }))).rejects.toMatchObject({ code: "state_damaged" });
    expect(await readFile(path, "utf8")).toBe(cut);
    const kept = (await readdir(store.dir)).filter((n) => n.startsWith(`${id}.json.damaged-`));
    expect(kept).toHaveLength(1);
    expect(await readFile(join(store.dir, kept[0]!), "utf8")).toBe(cut);
    // The other jobs are still listed; the damaged one is neither listed nor swept away.
    await store.write(job("edit_00000000000e", "2026-03-05T10:00:00.000Z"));
    expect((await store.list()).map((r) => r.id)).toEqual(["edit_00000000000e"]);
    await store.sweep(Date.now() + 30 * 24 * 3600 * 1000);
    expect(await readFile(path, "utf8")).toBe(cut);
  });
});
