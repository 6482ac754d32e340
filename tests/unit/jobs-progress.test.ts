import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Backend, ExportContext, ExportResult, ProgressEvent } from "../../src/core/backend.js";
import { JobManager } from "../../src/core/jobs.js";
import { JobStore } from "../../src/core/jobs/store.js";
import { MCP_SURFACE_NAMES } from "../../src/mcp/surface-names.js";

/** A job ends with the progress it reached: what its work says while being stopped, or after, is not progress. */

/** An export that reaches 7%, and on being stopped (or failing) still says "render 100%", as ffmpeg's last words used to. */
function backendThat(ending: "cancelled" | "failed"): Backend {
  const exportVideo = (_request: unknown, context: ExportContext = {}): Promise<ExportResult> =>
    new Promise((_resolve, reject) => {
      context.onProgress?.({ stage: "render", message: "render 7%", fraction: 0.07 });
      const last = (): void => context.onProgress?.({ stage: "render", message: "render 100%", fraction: 1 });
      if (ending === "cancelled") {
        context.signal?.addEventListener("abort", () => {
          last();
          reject(new Error("stopped"));
        });
      } else {
        setTimeout(() => {
          reject(new Error("the disk is full"));
          setTimeout(last, 0);
        }, 50);
      }
    });
  return { name: "local", exportVideo } as unknown as Backend;
}

async function manager(backend: Backend): Promise<{ jobs: JobManager; home: string }> {
  const home = await mkdtemp(join(tmpdir(), "vm-jobs-"));
  return { jobs: new JobManager(home, backend, MCP_SURFACE_NAMES), home };
}

describe("progress of a job that did not complete", () => {
  it("a cancelled export keeps 7%, in the record, on disk and for whoever waits", async () => {
    const { jobs, home } = await manager(backendThat("cancelled"));
    const job = jobs.startExport({ outputDir: "/tmp" });
    const seen: ProgressEvent[] = [];
    const waiting = jobs.wait(job.id, 5000, { onProgress: (event) => seen.push(event) });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const cancelled = await jobs.cancel(job.id);
    await waiting;
    expect(cancelled.status).toBe("cancelled");
    expect(cancelled.progress).toMatchObject({ message: "render 7%", percent: 7 });
    expect(seen.map((e) => e.message)).not.toContain("render 100%");
    expect((await new JobStore(home).read(job.id))?.progress).toMatchObject({ message: "render 7%", percent: 7 });
  });

  it("a failed export keeps 7%, even when its work speaks after failing", async () => {
    const { jobs } = await manager(backendThat("failed"));
    const job = jobs.startExport({ outputDir: "/tmp" });
    const failed = await jobs.wait(job.id, 5000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(failed.status).toBe("failed");
    expect((await jobs.get(job.id))?.progress).toMatchObject({ message: "render 7%", percent: 7 });
  });
});
