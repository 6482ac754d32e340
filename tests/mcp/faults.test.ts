import { readdir } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type McpHarness, startMcp, textOf } from "./harness.js";

/** Fault-matrix rows seen from the MCP side: what the model (and so the person) reads. */

let h: McpHarness;
beforeEach(async () => {
  h = await startMcp({ render: { fileBytes: 64_000 } });
});
afterEach(async () => {
  await h.close();
});

async function seedClip(): Promise<void> {
  const state = (await h.call("get_state")).structuredContent as { session_id: string };
  h.fake.sessions.get(state.session_id)!.draft.t.push({ tt: 0, sg: [{ id: "v1", st: 0, d: 10_000, n: "city" }] });
}

const ok = (data: unknown) => JSON.stringify({ code: 0, message: "success", data });

describe("faults through the tools", () => {
  const cases: Array<[string, () => Promise<void> | void, string, Record<string, unknown>, RegExp]> = [
    ["429 with a long Retry-After", () => h.fake.failNext("credits", { httpStatus: 429, headers: { "retry-after": "600" } }), "get_credits", {}, /about 10 minutes/],
    ["a proxy's HTML page on /run_sse", () => h.fake.failNext("runSse", { rawBody: "<html><body>Log in to continue</body></html>" }), "edit_video", { instruction: "add captions" }, /not the agent's stream.*not resent/],
    ["a 50 MB answer", () => h.fake.failNext("credits", { hugeJson: { bytes: 50 * 1024 * 1024, contentLength: false } }), "get_credits", {}, /unexpectedly large/],
    ["a draft of the wrong shape", async () => {
      await h.call("get_state");
      h.fake.failNext("state", { rawBody: ok({ session_id: "s", state: { draft: { t: { not: "a list" } } } }) });
    }, "get_state", {}, /timeline could not be read/],
    ["a truncated download", async () => {
      await seedClip();
      h.fake.options.render.truncateDownload = true;
    }, "export_video", { file_name: "cut" }, /could not be downloaded.*broke after 60000 bytes of 64000, even after resuming 3 times/],
    ["a failed render", async () => {
      await seedClip();
      h.fake.options.render.fail = "Lambda timed out";
    }, "export_video", {}, /render failed twice \(the second time as a new render\): Lambda timed out/],
  ];
  for (const [name, arrange, tool, args, message] of cases) {
    it(`${name}: ${tool} answers isError in words (no JSON, HTML, stack or token)`, async () => {
      await arrange();
      const result = await h.call(tool, args);
      const text = textOf(result);
      expect(result.isError, text).toBe(true);
      expect(text).toMatch(message);
      expect(text).not.toMatch(/[{}<>]|\bat .*:\d+|nmv_usr_|Bearer|xxxxxxxx/);
      for (const token of h.fake.tokens.keys()) expect(text).not.toContain(token);
    });
  }

  it("a truncated download leaves nothing under the output name", async () => {
    await seedClip();
    h.fake.options.render.truncateDownload = true;
    await h.call("export_video", { file_name: "cut" });
    expect(await readdir(h.outDir).catch(() => [])).toEqual([]);
  });
});
