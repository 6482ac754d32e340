import { describe, expect, it } from "vitest";
import { type AgentActivity, AdkStreamReader, describeTool } from "../../src/nemo/sse.js";

const frame = (event: unknown, eol = "\n") => `data: ${JSON.stringify(event)}${eol}${eol}`;
const text = (value: string, extra: Record<string, unknown> = {}) => ({
  content: { role: "model", parts: [{ text: value }] },
  author: "nemo_agent",
  ...extra,
});

const FINAL = "标题已添加 🎬 — \"Urban Dreams\" ready. Ünïcödé ✓";

function streamBytes(eol: string): Buffer {
  return Buffer.from(
    [
      ": heartbeat",
      eol,
      frame({ content: { role: "model", parts: [{ text: "hidden reasoning", thought: true }] } }, eol),
      frame({ content: { role: "model", parts: [{ functionCall: { id: "1", name: "add_captions", args: { secret: 1 } } }] } }, eol),
      frame({ content: { role: "user", parts: [{ function_response: { id: "1", name: "add_captions", response: {} } }] } }, eol),
      "data:",
      eol,
      eol,
      "data: not json",
      eol,
      eol,
      frame(text("标题已添加 ", { partial: true }), eol),
      frame(text("🎬 — ...", { partial: true }), eol),
      frame(text(FINAL, { turnComplete: true }), eol),
    ].join(""),
    "utf8",
  );
}

function readInChunks(bytes: Buffer, sizes: (index: number) => number) {
  const activity: AgentActivity[] = [];
  const reader = new AdkStreamReader((a) => activity.push(a));
  let offset = 0;
  for (let i = 0; offset < bytes.length; i++) {
    const size = Math.max(1, sizes(i));
    reader.pushBytes(bytes.subarray(offset, offset + size));
    offset += size;
  }
  const summary = reader.finish();
  return { reply: reader.reply(), summary, activity };
}

describe("AdkStreamReader", () => {
  for (const eol of ["\n", "\r\n"]) {
    const bytes = streamBytes(eol);
    it(`reads the same reply whatever the chunking (${JSON.stringify(eol)})`, () => {
      const whole = readInChunks(bytes, () => bytes.length);
      expect(whole.reply).toBe(FINAL);
      // Every split point, including inside each multi-byte character and between CR and LF.
      for (let split = 1; split < bytes.length; split++) {
        expect(readInChunks(bytes, (i) => (i === 0 ? split : bytes.length)).reply).toBe(FINAL);
      }
      for (const size of [1, 2, 3, 5, 7]) {
        expect(readInChunks(bytes, () => size).reply).toBe(FINAL);
      }
    });
  }

  it("hides thoughts, reports tools by name only, and counts heartbeats", () => {
    const { summary, activity, reply } = readInChunks(streamBytes("\n"), () => 4096);
    expect(reply).not.toContain("hidden reasoning");
    expect(activity).toContainEqual({ kind: "thought" });
    expect(activity).toContainEqual({ kind: "tool_call", name: "add_captions", label: "adding captions" });
    expect(activity).toContainEqual({ kind: "tool_result", name: "add_captions", label: "adding captions" });
    expect(summary.toolCalls).toEqual(["add_captions"]);
    expect(summary.heartbeats).toBeGreaterThanOrEqual(2); // the comment and the non-JSON data
  });

  const cases: Array<[string, string, Partial<ReturnType<AdkStreamReader["summary"]>> & { reply?: string }]> = [
    ["complete text wins over partials", frame(text("a", { partial: true })) + frame(text("b", { partial: true })) + frame(text("ab")), { reply: "ab" }],
    ["partials are the fallback", frame(text("Hello, ", { partial: true })) + frame(text("world", { partial: true })), { reply: "Hello, world" }],
    ["several complete texts are joined", frame(text("First.")) + frame(text("Second.")), { reply: "First.\n\nSecond." }],
    ["an error frame is captured", frame({ error: "Session expired" }), { errorMessage: "Session expired", reply: "" }],
    ["errorCode/errorMessage on an event", frame({ errorCode: "SAFETY", errorMessage: "blocked" }), { errorMessage: "blocked" }],
    ["snake_case keys", frame({ content: { parts: [{ text: "ok" }] }, turn_complete: true }), { reply: "ok" }],
    ["a last frame without a blank line", `data: ${JSON.stringify(text("tail"))}`, { reply: "tail" }],
    ["heartbeats only", ": ping\n\n: ping\n\ndata:\n\n", { reply: "", heartbeats: 3 }],
    ["JSON that is not an object", "data: [1,2]\n\ndata: 42\n\n", { reply: "", events: 0 }],
    ["parts that are not objects", frame({ content: { parts: ["x", null, { text: "y" }] } }), { reply: "y" }],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => {
      const reader = new AdkStreamReader();
      reader.push(input);
      const summary = reader.finish();
      const { reply, ...rest } = expected;
      if (reply !== undefined) expect(reader.reply()).toBe(reply);
      expect(summary).toMatchObject(rest);
    });
  }
});

describe("describeTool", () => {
  const table: Array<[string, string]> = [
    ["add_captions", "adding captions"],
    ["generate_video", "generating video"],
    ["cut_pauses", "cutting pauses"],
    ["setVolume", "setting volume"],
    ["trim", "trimming"],
    ["render", "rendering"],
    ["video_analysis", "video analysis"],
    ["", "working"],
  ];
  for (const [name, label] of table) it(`${name || "(empty)"} → ${label}`, () => expect(describeTool(name)).toBe(label));
});
