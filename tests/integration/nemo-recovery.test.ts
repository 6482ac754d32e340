import { readFile } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ExportCheckpoint, ProgressEvent } from "../../src/core/backend.js";
import { expectedRenderBytes } from "../fake-nemo/server.js";
import { failure } from "../support/failure.js";
import { type Harness, requestsTo, startHarness } from "./harness.js";

/**
 * NemoVideo's own recovery rules (nemovideo/nemovideo_skills SKILL.md, issue 12), each played
 * by a switch of the fake service: a failed render is retried once with a fresh id, and the
 * render status's `progress` drives the export's progress.
 */

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ render: { fileBytes: 200_000 } });
});
afterEach(async () => {
  await h.close();
});

/** Gives the current session a non-empty draft, as an upload would. */
async function withClip(harness: Harness) {
  const backend = harness.backend();
  const state = await backend.getState();
  harness.fake.sessions.get(state.sessionId)!.draft.t.push({ tt: 0, sg: [{ id: "v1", st: 0, d: 10_000, n: "city timelapse" }] });
  return backend;
}

const startedIds = (harness: Harness) =>
  harness.fake.requests
    .filter((r) => r.route === "renderStart")
    .map((r) => (r.body as { id?: string } | undefined)?.id)
    .filter((id): id is string => id !== undefined);

describe("a failed render is retried once with a fresh id (SKILL.md: render fail → retry new id)", () => {
  it("a render that fails once: a second render under a new id, and the export succeeds", async () => {
    h.fake.options.render.failFirst = 1;
    const backend = await withClip(h);
    const progress: ProgressEvent[] = [];
    const checkpoints: ExportCheckpoint[] = [];
    const result = await backend.exportVideo(
      { outputDir: h.outDir, fileName: "promo" },
      { onProgress: (e) => progress.push(e), onCheckpoint: (c) => void checkpoints.push(c) },
    );
    const ids = startedIds(h);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    expect(result.renderId).toBe(ids[1]);
    expect(await readFile(result.file)).toEqual(expectedRenderBytes(ids[1]!, 200_000));
    expect(progress.map((e) => e.message)).toContain("render failed on NemoVideo; trying once more");
    // A restarted server resumes the render that is running, not the failed one.
    expect(checkpoints.at(-1)?.renderId).toBe(ids[1]);
  });

  it("a render that fails twice is reported once, after the second try, with the service's reason", async () => {
    h.fake.options.render.fail = "codec exploded";
    const backend = await withClip(h);
    const error = await failure(backend.exportVideo({ outputDir: h.outDir }));
    expect(error.code).toBe("render_failed");
    expect(error.message).toBe(
      "The cloud render failed twice (the second time as a new render): codec exploded. Nothing was charged for the export; try exporting again later.",
    );
    expect(new Set(startedIds(h)).size).toBe(2);
  });

  it("a render start answered with HTTP 503 is sent again once, under a new id", async () => {
    h.fake.failNext("renderStart", { httpStatus: 503 });
    const backend = await withClip(h);
    const checkpoints: ExportCheckpoint[] = [];
    const result = await backend.exportVideo({ outputDir: h.outDir }, { onCheckpoint: (c) => void checkpoints.push(c) });
    expect(requestsTo(h.fake, "renderStart")).toBe(2);
    const ids = checkpoints.map((c) => c.renderId);
    expect(new Set(ids).size).toBe(2);
    expect(result.renderId).toBe(ids.at(-1));
  });

  it("a refusal is not retried: the free plan's 402 is said at once, after one request", async () => {
    h.fake.options.planBlocksExport = true;
    const backend = await withClip(h);
    const error = await failure(backend.exportVideo({ outputDir: h.outDir }));
    expect(error.code).toBe("plan_blocked");
    expect(requestsTo(h.fake, "renderStart")).toBe(1);
  });
});

describe("the render status's progress drives the export's progress", () => {
  it("each percent the service reports reaches the export's progress, in order, then 100", async () => {
    Object.assign(h.fake.options.render, { pollsToComplete: 6, progressScript: [0, 12, 47, 47, 90] });
    const backend = await withClip(h);
    const progress: ProgressEvent[] = [];
    await backend.exportVideo({ outputDir: h.outDir }, { onProgress: (e) => progress.push(e) });
    const render = progress.filter((e) => e.stage === "render" && e.message !== "render: starting");
    expect(render.map((e) => e.message)).toEqual(["render 0%", "render 12%", "render 47%", "render 47%", "render 90%", "render 100%"]);
    expect(render.map((e) => e.fraction)).toEqual([0, 0.12, 0.47, 0.47, 0.9, 1]);
  });
});
