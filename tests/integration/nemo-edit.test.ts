import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ProgressEvent } from "../../src/core/backend.js";
import { VideoMakerError } from "../../src/core/errors.js";
import {
  adkFunctionCall,
  adkFunctionResponse,
  adkText,
  adkThought,
  droppedSseScript,
  heartbeatOnlySseScript,
  noTextSseScript,
} from "../fake-nemo/server.js";
import { type Harness, requestsTo, startHarness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const FINAL = 'Added the title "Urban Dreams" 🎬 — 已添加标题.';

function scriptedReply() {
  return {
    steps: [
      { event: adkThought("The user wants a title; I should call the overlay tool.") },
      { event: adkFunctionCall("add_text_overlay", { text: "Urban Dreams" }) },
      { event: adkFunctionResponse("add_text_overlay", { ok: true }) },
      { mutateDraft: (draft: any) => draft.t.push({ tt: 7, sg: [{ id: "title-1", st: 0, d: 3000, tx: "Urban Dreams" }] }) },
      { event: adkText("Added the title ", { partial: true }) },
      { event: adkText('"Urban Dreams" 🎬 — 已添加标题.', { partial: true }) },
      { event: { ...adkText(FINAL), turnComplete: true } },
    ],
  };
}

describe("edit over SSE", () => {
  it("returns the complete text once, hides thoughts, surfaces tool calls as progress, and names the change", async () => {
    h.fake.enqueueSse(scriptedReply());
    const progress: ProgressEvent[] = [];
    const result = await h.backend().edit("add a title Urban Dreams", { onProgress: (e) => progress.push(e) });

    expect(result.reply).toBe(FINAL);
    expect(result.replied).toBe(true);
    expect(result.reply).not.toMatch(/should call/);
    expect(result.changes.join("\n")).toMatch(/Urban Dreams/);
    expect(result.timeline).toMatch(/^Timeline \(1 track\): 1\. Title: "Urban Dreams" \(0-3s\)$/);
    const messages = progress.map((e) => e.message);
    expect(messages).toContain("agent: adding text overlay");
    expect(messages.join("\n")).not.toMatch(/Urban Dreams/); // tool arguments stay internal

    const sent = h.fake.requests.find((r) => r.route === "runSse")!;
    expect(sent.headers["accept"]).toMatch(/text\/event-stream/);
    expect(sent.body).toMatchObject({
      app_name: "nemo_agent",
      user_id: "me",
      new_message: { role: "user", parts: [{ text: "add a title Urban Dreams" }] },
    });
  });

  for (const [chunking, lineEnding] of [
    ["tiny", "\r\n"],
    ["random", "\r\n"],
    ["tiny", "\n"],
  ] as const) {
    it(`reads the same reply when frames arrive in ${chunking} chunks with ${JSON.stringify(lineEnding)} line endings`, async () => {
      h.fake.options.sseChunking = chunking;
      h.fake.options.sseLineEnding = lineEnding;
      h.fake.enqueueSse(scriptedReply());
      const result = await h.backend().edit("add a title");
      expect(result.reply).toBe(FINAL);
    });
  }

  it("applies the GUI translation and flags an export suggestion", async () => {
    h.fake.enqueueSse({ steps: [{ event: adkText("Your video is ready. Click the Export button to download it.") }] });
    const result = await h.backend().edit("make it shine");
    expect(result.suggestsExport).toBe(true);
    expect(result.reply).not.toMatch(/Click the Export button/);
    expect(result.reply).toMatch(/export/i);
  });

  it("falls back to the joined partial text when the stream ends before the complete event", async () => {
    h.fake.enqueueSse({ steps: [{ event: adkText("Trimmed the ", { partial: true }) }, { event: adkText("intro.", { partial: true }) }] });
    const result = await h.backend().edit("trim the intro");
    expect(result.reply).toBe("Trimmed the intro.");
  });

  it("treats comments, empty data and non-JSON data as heartbeats", async () => {
    h.fake.enqueueSse({
      steps: [{ comment: "ping" }, { emptyData: true }, { raw: "data: keep-alive\n\n" }, { event: adkText("Done.") }],
    });
    const result = await h.backend().edit("do it");
    expect(result.reply).toBe("Done.");
  });

  it("reads the state and describes what changed when the stream ends without text", async () => {
    h.fake.enqueueSse(noTextSseScript());
    const result = await h.backend().edit("add lo-fi background music at 35%");
    expect(result.replied).toBe(false);
    expect(result.changes.length).toBeGreaterThan(0);
    expect(result.reply).toMatch(/Lo-fi/);
    expect(result.timeline).toContain("BGM: Lo-fi (0-10s, 35%)");
  });

  it("turns an error frame into a readable error and does not resend", async () => {
    h.fake.enqueueSse({ steps: [{ event: { error: "model overloaded" } }] });
    const error = (await h.backend().edit("add captions").catch((e: unknown) => e)) as VideoMakerError;
    expect(error.code).toBe("upstream");
    expect(error.message).toMatch(/model overloaded/);
    expect(error.message).toMatch(/not resent/);
    expect(requestsTo(h.fake, "runSse")).toBe(1);
  });

  it("never resends an edit after a dropped stream", async () => {
    h.fake.enqueueSse(droppedSseScript());
    const backend = h.backend();
    const outcome = await backend.edit("add captions").catch((e: unknown) => e);
    expect(requestsTo(h.fake, "runSse")).toBe(1);
    if (outcome instanceof VideoMakerError) {
      expect(outcome.code).toBe("stream_dropped");
      expect(outcome.message).toMatch(/not resent/);
    } else {
      expect((outcome as { replied: boolean }).replied).toBe(false);
    }
  });

  it("gives up on a heartbeat-only stream after the idle limit without resending", async () => {
    h.fake.enqueueSse({ steps: [{ comment: "working" }, { delayMs: 5000 }] });
    const backend = h.backend({}, { streamLimits: { idleMs: 300, totalMs: 10_000 } });
    const started = Date.now();
    const error = (await backend.edit("generate a clip").catch((e: unknown) => e)) as VideoMakerError;
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error.code).toBe("timeout");
    expect(requestsTo(h.fake, "runSse")).toBe(1);
  });

  it("keeps waiting while heartbeats arrive, and stops at the total limit", async () => {
    h.fake.enqueueSse(heartbeatOnlySseScript(40, 50));
    const backend = h.backend({}, { streamLimits: { idleMs: 400, totalMs: 800 } });
    const started = Date.now();
    const error = (await backend.edit("generate a clip").catch((e: unknown) => e)) as VideoMakerError;
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(700);
    expect(elapsed).toBeLessThan(3000);
    expect(error.code).toBe("timeout");
    expect(error.message).toMatch(/15-minute|limit/);
  });

  it("maps HTTP 404 before the stream to a lost session and starts a new one", async () => {
    const backend = h.backend();
    const before = await backend.getState();
    h.fake.loseSession(before.sessionId);
    const error = (await backend.edit("add captions").catch((e: unknown) => e)) as VideoMakerError;
    expect(error.code).toBe("session_lost");
    expect(error.message).toMatch(/upload them again/);
    const after = await backend.getState();
    expect(after.sessionId).not.toBe(before.sessionId);
  });

  it("reports running out of credits with a registration link", async () => {
    h.fake.options.startingCredits = 10;
    const error = (await h.backend().edit("add captions").catch((e: unknown) => e)) as VideoMakerError;
    expect(error.code).toBe("out_of_credits");
    expect(error.link).toMatch(/^https:\/\/nemovideo\.example\//);
    expect(error.message).toContain(error.link!);
  });

  it("tells a registered person to top up, without a registration link", async () => {
    const token = h.fake.issueToken({ credits: 0 });
    const error = (await h.backend({ NEMO_TOKEN: token }).edit("add captions").catch((e: unknown) => e)) as VideoMakerError;
    expect(error.code).toBe("out_of_credits");
    expect(error.message).toMatch(/Top up/);
    expect(error.message).not.toMatch(/Register/);
  });

  it("renews a rejected anonymous token; the old project belonged to the old token, so the person is told and the next edit works", async () => {
    const backend = h.backend();
    await backend.getState();
    for (const token of h.fake.tokens.keys()) h.fake.expireToken(token);
    const lost = (await backend.edit("add a title").catch((e: unknown) => e)) as VideoMakerError;
    expect(lost.code).toBe("session_lost");
    expect(requestsTo(h.fake, "anonymousToken")).toBe(2);
    expect(requestsTo(h.fake, "runSse")).toBe(0); // nothing was sent to the agent, nothing charged

    h.fake.enqueueSse(scriptedReply());
    expect((await backend.edit("add a title")).reply).toBe(FINAL);
    expect(requestsTo(h.fake, "runSse")).toBe(1);
  });

  it("explains a malformed request (HTTP 422) as a bug to report", async () => {
    h.fake.failNext("runSse", { httpStatus: 422, rawBody: '{"detail":[{"loc":["body","session_id"],"msg":"field required"}]}' });
    const error = (await h.backend().edit("add captions").catch((e: unknown) => e)) as VideoMakerError;
    expect(error.httpStatus).toBe(422);
    expect(error.message).toMatch(/could not read the edit request/);
    expect(error.message).not.toMatch(/loc|field required/);
  });

  it("refuses an empty or huge instruction before calling the service", async () => {
    const backend = h.backend();
    for (const instruction of ["", "   ", "x".repeat(100_000)]) {
      const error = (await backend.edit(instruction).catch((e: unknown) => e)) as VideoMakerError;
      expect(error.code).toBe("invalid_input");
    }
    expect(h.fake.requests).toHaveLength(0);
  });

  it("can be cancelled while the agent works", async () => {
    h.fake.enqueueSse(heartbeatOnlySseScript(100, 50));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const error = (await h.backend().edit("slow", { signal: controller.signal }).catch((e: unknown) => e)) as VideoMakerError;
    expect(error.code).toBe("cancelled");
  });
});
