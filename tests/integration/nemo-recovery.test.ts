import { readFile } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ExportCheckpoint, ProgressEvent } from "../../src/core/backend.js";
import { DEFAULT_DROP_RECOVERY } from "../../src/nemo/edit.js";
import { DEFAULT_FINAL_TEXT, TEMPORARY_ISSUE_TEXT, droppedSseScript, expectedRenderBytes, trailingIssueSseScript } from "../fake-nemo/server.js";
import { failure } from "../support/failure.js";
import { type Harness, requestsTo, startHarness, withClip } from "./harness.js";

/**
 * NemoVideo's own recovery rules (nemovideo/nemovideo_skills SKILL.md, issue 12), each played
 * by a switch of the fake service: after a dropped edit stream the state is watched (never
 * resent), a trailing "temporary issue" after a complete reply is not an error, a failed render
 * is retried once with a fresh id, and the render status's `progress` drives the export's progress.
 */

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ render: { fileBytes: 200_000 } });
});
afterEach(async () => {
  await h.close();
});

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

describe("after a dropped edit stream: wait, read the state, then read it again at intervals; never resend", () => {
  /** Reads of the session state made after the edit's /run_sse request, with their times. */
  const readsAfterStream = (harness: Harness) => {
    const sse = harness.fake.requests.find((r) => r.route === "runSse")!;
    return harness.fake.requests.filter((r) => r.route === "state" && r.at > sse.at).map((r) => r.at);
  };

  it("NemoVideo's own numbers are the defaults: ~30 s, then every ~60 s, 5 reads", () => {
    expect(DEFAULT_DROP_RECOVERY).toEqual({ firstWaitMs: 30_000, everyMs: 60_000, unchangedReads: 5 });
  });

  it("the agent goes on working after the drop: its change is found by a later read and reported, sent once", async () => {
    h.fake.enqueueSse(droppedSseScript({ agentAddsBgmAfterMs: 200 }));
    const backend = h.backend({}, { dropRecovery: { firstWaitMs: 20, everyMs: 300, unchangedReads: 5 } });
    const progress: ProgressEvent[] = [];
    const result = await backend.edit("add captions", { onProgress: (e) => progress.push(e) });
    expect(result.reply).toMatch(/^The connection to the agent dropped before it finished, but the timeline changed: .*Lo-fi/);
    expect(result.changes.join(" ")).toMatch(/Lo-fi/);
    expect(requestsTo(h.fake, "runSse")).toBe(1);
    const reads = readsAfterStream(h);
    // 20 ms: no change yet; 320 ms: the BGM added 200 ms after the drop is there.
    expect(reads).toHaveLength(2);
    expect(reads[1]! - reads[0]!).toBeGreaterThanOrEqual(290);
    expect(progress.map((e) => e.message)).toContain("connection to the agent lost; checking the timeline in 300 ms (2 of 5)");
  });

  it("nothing changes: 5 reads, then what is known (the agent's last words), never resent", async () => {
    h.fake.enqueueSse(droppedSseScript());
    const backend = h.backend({}, { dropRecovery: { firstWaitMs: 30, everyMs: 60, unchangedReads: 5 } });
    const error = await failure(backend.edit("add captions"));
    expect(error.code).toBe("stream_dropped");
    expect(error.message).toBe(
      'The connection to the agent dropped before it finished and the timeline did not change in 5 checks over 270 ms. The edit was not resent automatically (that could charge twice); send it again if you want it. The agent had said: "Adding captions to your"',
    );
    const reads = readsAfterStream(h);
    expect(reads).toHaveLength(5);
    for (let i = 1; i < reads.length; i++) expect(reads[i]! - reads[i - 1]!).toBeGreaterThanOrEqual(55);
    expect(requestsTo(h.fake, "runSse")).toBe(1);
  });
});

describe("a trailing \"I encountered a temporary issue\" after a complete reply is not an error", () => {
  it.each(["text", "error"] as const)("as a last %s event: the edit's reply, without the notice", async (as) => {
    h.fake.enqueueSse(trailingIssueSseScript("add a title", as));
    const result = await h.backend().edit("add a title");
    expect(result.reply).not.toContain("temporary issue");
    expect(result.reply).toContain("Added the title");
    expect(result.changes.join(" ")).toMatch(/Urban Dreams/);
  });

  it("on its own (no reply before it) it is still the agent's error", async () => {
    h.fake.enqueueSse({ steps: [{ event: { error: TEMPORARY_ISSUE_TEXT } }] });
    const error = await failure(h.backend().edit("add a title"));
    expect(error.code).toBe("upstream");
    expect(error.message).toContain("temporary issue");
  });

  it("in the middle, followed by more reply, it is part of what the agent said", async () => {
    h.fake.enqueueSse({
      steps: [
        { event: { content: { role: "model", parts: [{ text: "First part." }] }, author: "nemo_agent" } },
        { event: { content: { role: "model", parts: [{ text: TEMPORARY_ISSUE_TEXT }] }, author: "nemo_agent" } },
        { event: { content: { role: "model", parts: [{ text: DEFAULT_FINAL_TEXT }] }, author: "nemo_agent" } },
      ],
    });
    const result = await h.backend().edit("add a title");
    expect(result.reply).toContain("temporary issue");
  });
});

describe("a resumed render that fails is retried once too, never twice", () => {
  /** An export whose process "dies" once the render runs; the checkpoint it left. */
  async function interruptedExport(): Promise<ExportCheckpoint> {
    const backend = await withClip(h);
    const controller = new AbortController();
    let saved: ExportCheckpoint | undefined;
    const interrupted = backend.exportVideo(
      { outputDir: h.outDir, fileName: "resumed" },
      {
        signal: controller.signal,
        onCheckpoint: (checkpoint) => void (saved = checkpoint),
        onProgress: (event) => {
          if (/^render \d+%/.test(event.message)) controller.abort();
        },
      },
    );
    await expect(interrupted).rejects.toMatchObject({ code: "cancelled" });
    return saved!;
  }

  it("the render a restarted process finds failed is rendered again under a new id, and the export succeeds", async () => {
    h.fake.options.render.failFirst = 1;
    const checkpoint = await interruptedExport();
    const progress: ProgressEvent[] = [];
    const checkpoints: ExportCheckpoint[] = [];
    const result = await h.backend().resumeExport(checkpoint, { onProgress: (e) => progress.push(e), onCheckpoint: (c) => void checkpoints.push(c) });
    const ids = startedIds(h);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe(checkpoint.renderId);
    expect(result.renderId).toBe(ids[1]);
    expect(await readFile(result.file)).toEqual(expectedRenderBytes(ids[1]!, 200_000));
    expect(progress.map((e) => e.message)).toContain("render failed on NemoVideo; trying once more");
    // The retry's checkpoint says it is the retry, so a second restart does not try a third time.
    expect(checkpoints.at(-1)).toMatchObject({ renderId: ids[1], retried: true });
  });

  it("a retry that was itself resumed and fails is reported, without a third render", async () => {
    h.fake.options.render.fail = "codec exploded";
    const checkpoint = await interruptedExport();
    const error = await failure(h.backend().resumeExport({ ...checkpoint, retried: true }));
    expect(error.code).toBe("render_failed");
    expect(error.message).toMatch(/failed twice.*codec exploded/);
    expect(startedIds(h)).toHaveLength(1);
  });
});
