import { readdir } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import type { ProgressEvent } from "../../src/core/backend.js";
import { JobManager } from "../../src/core/jobs/runner.js";
import { JobStore } from "../../src/core/jobs/store.js";
import { LocalBackend } from "../../src/local/backend.js";
import { MCP_SURFACE_NAMES } from "../../src/mcp/surface-names.js";
import { exportView } from "../../src/mcp/job-view.js";
import { makePng } from "../integration/media-fixtures.js";
import { tempDir } from "./fixtures.js";

/**
 * A local export cancelled mid-way keeps the progress it reached: ffmpeg, asked to stop,
 * finishes its output and reports "progress=end", which is not the render being done.
 */

describe("a cancelled local export", () => {
  it("stays at the percent it reached: never 100, never \"render 100%\", in memory, on disk and in the tool's answer", async () => {
    const home = await tempDir("vm-home-");
    const out = await tempDir("vm-out-");
    const config = loadConfig({ VIDEO_MAKER_HOME: home, VIDEO_MAKER_BACKEND: "local", VIDEO_MAKER_OUTPUT_DIR: out }, home);
    const backend = new LocalBackend(config, { killGraceMs: 2000 });
    const photo = await makePng(await tempDir("vm-files-"), "photo.png");
    // Long enough that it is cancelled well before the end: 2 minutes of zoom at 360p.
    await backend.applyEdits([{ op: "add_image", media: photo, duration: 120, ken_burns: "zoom_in" }, { op: "set_format", resolution: 360 }]);

    const jobs = new JobManager(home, backend, MCP_SURFACE_NAMES);
    const job = jobs.startExport({ outputDir: out, fileName: "long" });
    const seen: ProgressEvent[] = [];
    const waiting = jobs.wait(job.id, 60_000, { onProgress: (event) => seen.push(event) });
    for (let i = 0; i < 600 && (job.progress.percent ?? 0) < 1; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    const reached = job.progress.percent ?? 0;
    expect(reached).toBeGreaterThanOrEqual(1);
    expect(reached).toBeLessThan(50);

    const cancelled = await jobs.cancel(job.id);
    await waiting;
    expect(cancelled.status).toBe("cancelled");
    expect(cancelled.progress.percent).toBeLessThan(50);
    expect(cancelled.progress.message).not.toMatch(/100%/);
    expect(seen.filter((e) => e.fraction === 1 || /100%/.test(e.message))).toEqual([]);

    const stored = await new JobStore(home).read(job.id);
    expect(stored?.status).toBe("cancelled");
    expect(stored?.progress.percent).toBeLessThan(50);
    expect(stored?.progress.message).not.toMatch(/100%/);
    expect(exportView(stored!).structured).toMatchObject({ status: "cancelled", progress: stored!.progress.percent });
    expect(await readdir(out)).toEqual([]);
    await backend.close();
  }, 60_000);
});
