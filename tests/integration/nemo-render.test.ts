import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ExportCheckpoint, ProgressEvent } from "../../src/core/backend.js";
import { VideoMakerError } from "../../src/core/errors.js";
import { expectedRenderBytes } from "../fake-nemo/server.js";
import { type Harness, requestsTo, startHarness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ render: { fileBytes: 200_000 } });
});
afterEach(async () => {
  await h.close();
});

/** Gives the current session a non-empty draft, as an upload would. */
async function withClip(h: Harness) {
  const backend = h.backend();
  const state = await backend.getState();
  h.fake.sessions.get(state.sessionId)!.draft.t.push({ tt: 0, sg: [{ id: "v1", st: 0, d: 10_000, n: "city timelapse" }] });
  return backend;
}

const listOut = async (h: Harness) => (await readdir(h.outDir)).sort();

describe("export", () => {
  for (const envelope of ["code", "success"] as const) {
    for (const wrapped of [true, false]) {
      for (const urlShape of ["outputUrl", "output.url"] as const) {
        it(`renders and downloads with envelope=${envelope} wrapped=${wrapped} url=${urlShape}`, async () => {
          Object.assign(h.fake.options.render, { envelope, wrapped, urlShape });
          const backend = await withClip(h);
          const progress: ProgressEvent[] = [];
          const result = await backend.exportVideo({ outputDir: h.outDir, fileName: "promo" }, { onProgress: (e) => progress.push(e) });

          expect(result.file).toBe(join(h.outDir, "promo.mp4"));
          expect(await readFile(result.file)).toEqual(expectedRenderBytes(result.renderId, 200_000));
          expect(await listOut(h)).toEqual(["promo.mp4"]);
          expect(result.renderId).toMatch(/^render_\d+$/);
          const start = h.fake.requests.find((r) => r.route === "renderStart")!;
          expect(start.body).toMatchObject({ id: result.renderId, sessionId: expect.any(String), output: { format: "mp4", quality: "high" } });
          expect((start.body as { draft: { t: unknown[] } }).draft.t).toHaveLength(1);
          expect(progress.some((e) => e.stage === "render")).toBe(true);
          expect(progress.at(-1)).toMatchObject({ stage: "download", fraction: 1 });
        });
      }
    }
  }

  it("polls quickly at first (not every 30 s)", async () => {
    h.fake.options.render.pollsToComplete = 3;
    const backend = await withClip(h);
    const started = Date.now();
    await backend.exportVideo({ outputDir: h.outDir }, {});
    expect(Date.now() - started).toBeLessThan(3000);
    expect(requestsTo(h.fake, "renderStatus")).toBe(3);
  });

  it("never overwrites an existing file and leaves no partial file behind", async () => {
    const backend = await withClip(h);
    const first = await backend.exportVideo({ outputDir: h.outDir, fileName: "promo.mp4" });
    await writeFile(first.file, "the person's edited copy");
    const second = await backend.exportVideo({ outputDir: h.outDir, fileName: "promo.mp4" });
    expect(second.file).toBe(join(h.outDir, "promo (2).mp4"));
    expect(await readFile(first.file, "utf8")).toBe("the person's edited copy");
    expect(await listOut(h)).toEqual(["promo (2).mp4", "promo.mp4"]);
  });

  it("falls back to the proxy download route when the given URL is broken", async () => {
    h.fake.options.render.outputUrlBroken = true;
    const backend = await withClip(h);
    const result = await backend.exportVideo({ outputDir: h.outDir });
    expect(requestsTo(h.fake, "renderDownload")).toBe(1);
    expect(await readFile(result.file)).toEqual(expectedRenderBytes(result.renderId, 200_000));
  });

  it("reports a truncated download and leaves no file", async () => {
    h.fake.options.render.truncateDownload = true;
    const backend = await withClip(h);
    const error = (await backend.exportVideo({ outputDir: h.outDir, fileName: "cut" }).catch((e: unknown) => e)) as VideoMakerError;
    expect(error.code).toBe("download_failed");
    expect(await listOut(h)).toEqual([]);
  });

  it("reports a failed render with the service's reason", async () => {
    h.fake.options.render.fail = "codec exploded";
    const backend = await withClip(h);
    const error = (await backend.exportVideo({ outputDir: h.outDir }).catch((e: unknown) => e)) as VideoMakerError;
    expect(error.code).toBe("render_failed");
    expect(error.message).toMatch(/codec exploded/);
  });

  it("gives up on a stuck render at the deadline with a message that it may still finish", async () => {
    h.fake.options.render.stuck = true;
    const backend = h.backend({}, { renderTiming: { pollScheduleMs: [20], deadlineMs: 300 } });
    const state = await backend.getState();
    h.fake.sessions.get(state.sessionId)!.draft.t.push({ tt: 0, sg: [{ st: 0, d: 1000 }] });
    const error = (await backend.exportVideo({ outputDir: h.outDir }).catch((e: unknown) => e)) as VideoMakerError;
    expect(error.code).toBe("timeout");
    expect(error.message).toMatch(/may still finish/);
  });

  it("refuses to export an empty timeline", async () => {
    const error = (await h.backend().exportVideo({ outputDir: h.outDir }).catch((e: unknown) => e)) as VideoMakerError;
    expect(error.code).toBe("not_ready");
    expect(requestsTo(h.fake, "renderStart")).toBe(0);
  });

  it("explains HTTP 402 as a plan matter, not credits", async () => {
    h.fake.options.planBlocksExport = true;
    const backend = await withClip(h);
    const error = (await backend.exportVideo({ outputDir: h.outDir }).catch((e: unknown) => e)) as VideoMakerError;
    expect(error.code).toBe("plan_blocked");
    expect(error.message).toMatch(/plan/);
    expect(error.message).toMatch(/not credits/);
  });

  it("rejects file names that would leave the folder", async () => {
    const backend = await withClip(h);
    for (const name of ["../escape.mp4", "a/b.mp4", "..", "bad\nname.mp4"]) {
      const error = (await backend.exportVideo({ outputDir: h.outDir, fileName: name }).catch((e: unknown) => e)) as VideoMakerError;
      expect(error.code).toBe("invalid_input");
    }
    expect(requestsTo(h.fake, "renderStart")).toBe(0);
  });

  it("resumes polling and downloading from a persisted checkpoint in a new process", async () => {
    h.fake.options.render.pollsToComplete = 4;
    const backend = await withClip(h);
    const controller = new AbortController();
    const checkpointFile = join(h.home, "checkpoint.json");
    const interrupted = backend.exportVideo(
      { outputDir: h.outDir, fileName: "resumed" },
      {
        signal: controller.signal,
        onCheckpoint: (checkpoint) => writeFile(checkpointFile, JSON.stringify(checkpoint)),
        // The process "dies" once the render is running (its first status answer).
        onProgress: (event) => {
          if (/^render \d+%/.test(event.message)) controller.abort();
        },
      },
    );
    await expect(interrupted).rejects.toMatchObject({ code: "cancelled" });
    expect(await listOut(h)).toEqual([]);

    const checkpoint = JSON.parse(await readFile(checkpointFile, "utf8")) as ExportCheckpoint;
    const restarted = h.backend();
    const result = await restarted.resumeExport(checkpoint);
    expect(result.file).toBe(join(h.outDir, "resumed.mp4"));
    expect(result.renderId).toBe(checkpoint.renderId);
    expect(requestsTo(h.fake, "renderStart")).toBe(1);
    expect(await readFile(result.file)).toEqual(expectedRenderBytes(checkpoint.renderId, 200_000));
  });

  it("keeps the checkpoint from before the render starts; a render the service never got is reported, not waited on", async () => {
    const backend = await withClip(h);
    const controller = new AbortController();
    let saved: ExportCheckpoint | undefined;
    const interrupted = backend.exportVideo(
      { outputDir: h.outDir, fileName: "never" },
      {
        signal: controller.signal,
        onCheckpoint: (checkpoint) => {
          saved = checkpoint;
          controller.abort(); // the process "dies" between the checkpoint and the start request
        },
      },
    );
    await expect(interrupted).rejects.toMatchObject({ code: "cancelled" });
    expect(requestsTo(h.fake, "renderStart")).toBe(0);

    const resumed = h.backend().resumeExport(saved!);
    await expect(resumed).rejects.toMatchObject({ code: "render_failed", message: expect.stringMatching(/no record of this render.*export again/) });
    expect(requestsTo(h.fake, "renderStart")).toBe(0);
    expect(await listOut(h)).toEqual([]);
  });
});
