import { type ChildProcess, spawn } from "node:child_process";
import { readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { JobManager } from "../../src/core/jobs/runner.js";
import { JobStore } from "../../src/core/jobs/store.js";
import { LocalBackend } from "../../src/local/backend.js";
import { type QueuePlace, renderSlotsDir, takeRenderSlot, waitingMessage } from "../../src/local/render-slots.js";
import { exportView, jobView } from "../../src/mcp/job-view.js";
import { MCP_SURFACE_NAMES } from "../../src/mcp/surface-names.js";
import { makePng } from "../integration/media-fixtures.js";
import { tempDir } from "./fixtures.js";

/**
 * The render queue's slots and tickets, in this process and against another one. What four
 * real CLI exports do with it is in tests/e2e/render-queue.test.ts.
 */

const FAST = { pollMs: 50 };
const children = new Set<ChildProcess>();
afterEach(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  children.clear();
});

function settled(promise: Promise<unknown>): Promise<boolean> {
  return Promise.race([promise.then(() => true, () => true), new Promise<boolean>((done) => setTimeout(() => done(false), 300))]);
}

describe("render slots", () => {
  it("lets one render run at a time; the next waits with its place and starts when the first ends", async () => {
    const home = await tempDir("vm-slots-");
    const first = await takeRenderSlot(home, { limit: 1, ...FAST });
    const places: QueuePlace[][] = [[], []];
    const second = takeRenderSlot(home, { limit: 1, ...FAST, onWaiting: (p) => places[0]!.push(p) });
    // The second ticket is written before the third: first come, first served.
    await new Promise((done) => setTimeout(done, 20));
    const third = takeRenderSlot(home, { limit: 1, ...FAST, onWaiting: (p) => places[1]!.push(p) });
    expect(await settled(second)).toBe(false);
    expect(await settled(third)).toBe(false);
    expect(places[0]).toEqual([{ ahead: 1, toFinish: 1, place: 2 }]);
    expect(places[1]).toEqual([{ ahead: 2, toFinish: 2, place: 3 }]);
    expect(waitingMessage(places[0]![0]!)).toBe("Waiting for 1 other render to finish (place 2)");
    expect(waitingMessage(places[1]![0]!)).toBe("Waiting for 2 other renders to finish (place 3)");

    await first.release();
    const next = await second;
    expect(await settled(third)).toBe(false);
    expect(places[1]!.at(-1)).toEqual({ ahead: 1, toFinish: 1, place: 2 });
    await next.release();
    await (await third).release();
    expect(await readdir(renderSlotsDir(home))).toEqual([]);
  });

  it("runs as many at once as the limit allows, and says how many of those ahead must end", async () => {
    const home = await tempDir("vm-slots-");
    const held = [await takeRenderSlot(home, { limit: 2, ...FAST }), await takeRenderSlot(home, { limit: 2, ...FAST })];
    const seen: QueuePlace[] = [];
    const waiting = takeRenderSlot(home, { limit: 2, ...FAST, onWaiting: (p) => seen.push(p) });
    expect(await settled(waiting)).toBe(false);
    expect(seen).toEqual([{ ahead: 2, toFinish: 1, place: 3 }]);
    expect(waitingMessage(seen[0]!)).toBe("Waiting for 1 of the 2 other renders ahead to finish (place 3)");
    await held[1]!.release();
    await (await waiting).release();
    await held[0]!.release();
  });

  it("a render cancelled while it waits ends at once and leaves no ticket behind", async () => {
    const home = await tempDir("vm-slots-");
    const first = await takeRenderSlot(home, { limit: 1, ...FAST });
    const controller = new AbortController();
    const waiting = takeRenderSlot(home, { limit: 1, ...FAST, signal: controller.signal });
    expect(await settled(waiting)).toBe(false);
    expect((await readdir(renderSlotsDir(home))).filter((name) => name.startsWith("wait-"))).toHaveLength(1);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: "cancelled" });
    expect(await readdir(renderSlotsDir(home))).toEqual(["slot-0"]);
    await first.release();
  });

  it("frees the slot of a process killed while it held it (kill -9), and the ticket of one killed while it waited", async () => {
    const home = await tempDir("vm-slots-");
    const holder = spawn(
      process.execPath,
      [
        "--import", "tsx", "--input-type=module", "-e",
        `const { takeRenderSlot } = await import(${JSON.stringify(resolve("src/local/render-slots.ts"))});
         await takeRenderSlot(${JSON.stringify(home)}, { limit: 1, pollMs: 50 });
         console.log("held");
         await takeRenderSlot(${JSON.stringify(home)}, { limit: 1, pollMs: 50 }).catch(() => {});`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    children.add(holder);
    await new Promise<void>((done) => holder.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("held") && done()));
    // The other process holds slot-0 and waits in line for a second one.
    let names: string[] = [];
    for (let i = 0; i < 100 && names.length < 2; i++) {
      names = (await readdir(renderSlotsDir(home))).filter((name) => !name.startsWith("tmp-")).sort();
      await new Promise((done) => setTimeout(done, 20));
    }
    expect(names).toEqual(["slot-0", expect.stringMatching(/^wait-/)]);
    const seen: QueuePlace[] = [];
    const waiting = takeRenderSlot(home, { limit: 1, ...FAST, onWaiting: (p) => seen.push(p) });
    expect(await settled(waiting)).toBe(false);
    expect(seen).toEqual([{ ahead: 2, toFinish: 2, place: 3 }]);

    const exited = new Promise((done) => holder.once("exit", done));
    holder.kill("SIGKILL");
    await exited;
    const slot = await waiting;
    expect(await readdir(renderSlotsDir(home))).toEqual(["slot-0"]);
    await slot.release();
  });
});

/** A local backend on a fresh home whose project is one second of a photo at 360p. */
async function photoProject(): Promise<{ home: string; out: string; backend: LocalBackend }> {
  const home = await tempDir("vm-home-");
  const out = await tempDir("vm-out-");
  const backend = new LocalBackend(loadConfig({ VIDEO_MAKER_HOME: home, VIDEO_MAKER_BACKEND: "local", VIDEO_MAKER_OUTPUT_DIR: out }, home));
  await backend.applyEdits([{ op: "add_image", media: await makePng(await tempDir("vm-files-"), "photo.png"), duration: 1 }, { op: "set_format", resolution: 360 }]);
  return { home, out, backend };
}

describe("a local export waiting for its turn", () => {
  it("is a queued job with its place (in memory, on disk, in get_job's words), and cancel_job ends it without a render", async () => {
    const { home, out, backend } = await photoProject();
    const held = await takeRenderSlot(home, { limit: 1 });
    const jobs = new JobManager(home, backend, MCP_SURFACE_NAMES);
    const job = jobs.startExport({ outputDir: out, fileName: "waits" });
    const record = await jobs.wait(job.id, 1500);
    expect(record).toMatchObject({ status: "queued", progress: { stage: "queued", message: "Waiting for 1 other render to finish (place 2)" } });
    expect((await new JobStore(home).read(job.id))?.status).toBe("queued");
    expect(jobView(record).structured).toMatchObject({ kind: "export", status: "queued", progress: 0 });
    expect(exportView(record).text).toBe(
      `Queued: Waiting for 1 other render to finish (place 2). The export starts by itself when its turn comes; call get_job with job_id "${job.id}" to wait for the file. Do not export again.`,
    );

    const cancelled = await jobs.cancel(job.id);
    expect(cancelled.status).toBe("cancelled");
    expect((await new JobStore(home).read(job.id))?.status).toBe("cancelled");
    expect(await readdir(renderSlotsDir(home))).toEqual(["slot-0"]);
    await held.release();
    expect(await readdir(out)).toEqual([]);
    await backend.close();
  });
});

describe("a queued export whose process died", () => {
  it("is resumed by the next process like a killed render: it queues again, then renders", async () => {
    const { home, out, backend } = await photoProject();
    const { sessionId } = await backend.getState();
    // The job file a killed process left: queued, its checkpoint written, its owner gone.
    const dead = spawn(process.execPath, ["-e", ""]);
    const deadPid = dead.pid!;
    await new Promise((done) => dead.once("exit", done));
    const now = new Date().toISOString();
    const id = "export_0123456789ab";
    await new JobStore(home).write({
      id, kind: "export", status: "queued", backend: "local", createdAt: now, updatedAt: now,
      progress: { message: "Waiting for 1 other render to finish (place 2)", stage: "queued" },
      ownerPid: deadPid, input: { outputDir: out, fileName: "resumed" },
      checkpoint: { backend: "local", renderId: "local_1_abcdef", sessionId, outputPath: join(out, "resumed.mp4"), startedAt: now },
    });
    const held = await takeRenderSlot(home, { limit: 1 });
    const jobs = new JobManager(home, backend, MCP_SURFACE_NAMES);
    expect(await jobs.resumeAll()).toEqual({ resumed: [id], interrupted: [] });
    const waiting = await jobs.wait(id, 1500);
    expect(waiting).toMatchObject({ status: "queued", progress: { message: "Waiting for 1 other render to finish (place 2)" } });
    await held.release();
    const done = await jobs.wait(id, 30_000);
    expect(done).toMatchObject({ status: "completed", export: { file: join(out, "resumed.mp4") } });
    await backend.close();
  }, 40_000);
});
