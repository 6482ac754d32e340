import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdkStreamReader, MAX_REPLY_CHARS } from "../../src/nemo/sse.js";
import { type FakeNemo, startFakeNemo } from "../fake-nemo/server.js";
import { type Streamed, endlessAgentScript, judgeMemory, runStreamClient } from "./stream.js";

/**
 * Load, part 2: a 15-minute agent edit, compressed to seconds (the client's limits scaled
 * down by the same factor), through edit_video/get_job, the job, the SSE reader and the HTTP
 * client. Memory is sampled after a full GC in the client's own process.
 */

let fake: FakeNemo;
let root: string;

beforeAll(async () => {
  fake = await startFakeNemo();
  root = await mkdtemp(join(tmpdir(), "vm-load-stream-"));
});
afterAll(async () => {
  await fake.close();
  await rm(root, { recursive: true, force: true });
});

describe("the SSE reader keeps nothing per event", () => {
  it("caps the reply to the latest complete texts and keeps tool names once", () => {
    const reader = new AdkStreamReader();
    const frame = (event: object) => `data: ${JSON.stringify(event)}\n\n`;
    for (let i = 0; i < 20_000; i++) {
      reader.push(frame({ content: { role: "model", parts: [{ functionCall: { name: `tool_${i % 3}`, args: {} } }] } }));
      reader.push(frame({ content: { role: "model", parts: [{ text: `chunk ${i} ` }] }, partial: true }));
      reader.push(frame({ content: { role: "model", parts: [{ text: `Step ${i} done.` }] } }));
    }
    reader.push(frame({ content: { role: "model", parts: [{ text: "y".repeat(3 * MAX_REPLY_CHARS) }] }, partial: true }));
    const summary = reader.finish();
    expect(summary.events).toBe(60_001);
    expect(summary.toolCalls).toEqual(["tool_0", "tool_1", "tool_2"]);
    expect(summary.finalText.length).toBeLessThanOrEqual(MAX_REPLY_CHARS + 2);
    expect(summary.finalText).toMatch(/^… Step \d+ done\./);
    expect(summary.finalText).toMatch(/Step 19999 done\.$/);
    expect(summary.pendingPartialText.length).toBe(MAX_REPLY_CHARS);
  });

  it("cuts one enormous complete text to size", () => {
    const reader = new AdkStreamReader();
    reader.push(`data: ${JSON.stringify({ content: { parts: [{ text: "z".repeat(5 * MAX_REPLY_CHARS) }] } })}\n\n`);
    expect(reader.finish().finalText).toHaveLength(MAX_REPLY_CHARS);
  });
});

describe("a 15-minute edit stream, time-compressed", () => {
  it("streams thousands of events with flat memory and ends at the limit with a clear message", async () => {
    // 15 min → 10 s (90×); a frame every ~2 ms is far denser than the real service ever is.
    const compressedMs = 10_000;
    const streamed: Streamed = { bytes: 0, frames: 0, events: 0 };
    fake.enqueueSse(endlessAgentScript(1500, 2, { bytes: 0, frames: 0, events: 0 })); // the warm-up edit, well under the limit
    fake.enqueueSse(endlessAgentScript(compressedMs * 2, 2, streamed));
    const run = await runStreamClient({ apiBase: fake.url, home: join(root, "home"), compressedMs, sampleMs: 250, waitSeconds: 3, warmUp: true });

    const out = run.result.structuredContent as { status: string; reply: string; changes: string[] };
    expect(run.result.isError).toBeFalsy();
    expect(out.status).toBe("completed");
    expect(out.reply).toMatch(/^The edit ran past the 15-minute limit, but the timeline changed: Added Title track/);
    expect(out.reply.length).toBeLessThan(MAX_REPLY_CHARS + 1000);
    expect(run.calls).toBeGreaterThan(1); // edit_video came back "running", get_job waited again
    expect(run.progressNotes).toBeGreaterThan(5);
    expect(run.streamS).toBeGreaterThanOrEqual(compressedMs / 1000);
    expect(streamed.events).toBeGreaterThan(2000);

    const verdict = judgeMemory(run.samples, { heapMarginMb: 1, rssMarginMb: 16, heapSlopeMbPerMin: 3 });
    expect(verdict.problems, JSON.stringify(verdict)).toEqual([]);
  });
});
