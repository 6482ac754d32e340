import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { adkText } from "../fake-nemo/server.js";
import { requestsTo } from "../integration/harness.js";
import { type McpHarness, startMcp, textOf } from "./harness.js";

/**
 * Issue 12, item 9: what the service says reaches the person as plain text, and its odd answers
 * (a credits answer without a balance, an "MP3" that is only an ID3 tag) are told as what they are.
 */

let h: McpHarness;
beforeEach(async () => {
  h = await startMcp();
});
afterEach(async () => {
  await h.close();
});

/** Colours, a terminal title, a right-to-left override, NUL, an isolate, markup, Chinese and emoji. */
const HOSTILE = "\u001b[31mred\u001b[0m \u202Egnp.exe\u0000 \u2066x\u2069 <script>alert(1)</script> 剪辑 🎬\u001b]0;owned\u0007!";
/** What plainText leaves of it. */
const PLAIN = "red gnp.exe x <script>alert(1)</script> 剪辑 🎬!";
/** Terminal escapes, C0/C1 controls (but tab and newline), bidi overrides, isolates and marks. */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

describe("service text reaches the person as plain text (issue 12)", () => {
  it("an error message from the service: no escapes, controls or bidi overrides; Chinese, emoji and the tag text stay", async () => {
    h.fake.failNext("credits", { httpStatus: 400, code: 4000, message: HOSTILE });
    const result = await h.call("get_credits");
    expect(result.isError).toBe(true);
    expect(textOf(result)).not.toMatch(UNSAFE);
    expect(textOf(result)).toContain(PLAIN);
  });

  it("the agent's reply in edit_video and in its job file (jobs/edit_…)", async () => {
    h.fake.enqueueSse({ steps: [{ event: adkText(`Done.\n${HOSTILE}`, { turnComplete: true }) }] });
    const edit = await h.call("edit_video", { instruction: "add a title" });
    expect(edit.isError, textOf(edit)).toBeFalsy();
    const seen = `${textOf(edit)}\n${JSON.stringify(edit.structuredContent)}`;
    expect(seen).not.toMatch(UNSAFE);
    expect(textOf(edit)).toContain(`Done.\n${PLAIN}`);
    const jobs = (await readdir(join(h.home, "jobs"))).filter((name) => name.startsWith("edit_"));
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs) expect(JSON.parse(await readFile(join(h.home, "jobs", job), "utf8")).result?.reply ?? "").not.toMatch(UNSAFE);
  });

  it("an error frame from the agent", async () => {
    h.fake.enqueueSse({ steps: [{ event: { error: HOSTILE } }] });
    const edit = await h.call("edit_video", { instruction: "add a title" });
    expect(edit.isError).toBe(true);
    expect(textOf(edit)).not.toMatch(UNSAFE);
    expect(textOf(edit)).toContain(PLAIN);
  });

  it("names in the timeline and the media list (get_state)", async () => {
    await h.call("get_credits");
    await h.call("edit_video", { instruction: "add a title" });
    const session = [...h.fake.sessions.values()][0]!;
    session.draft.t.push({ tt: 0, sg: [{ id: "v1", st: 0, d: 2000, n: HOSTILE }] });
    session.videoInfos.push({ filename: HOSTILE, file_type: "video", cdn_url: "https://cdn.example/x.mp4", duration: 2 });
    const state = await h.call("get_state");
    expect(state.isError, textOf(state)).toBeFalsy();
    const seen = `${textOf(state)}\n${JSON.stringify(state.structuredContent)}`;
    expect(textOf(state)).toContain("gnp.exe");
    // The draft itself is handed over as the service keeps it (structured `draft`); every name shown is plain.
    const shown = JSON.stringify({ ...(state.structuredContent as Record<string, unknown>), draft: undefined });
    expect(shown).not.toMatch(UNSAFE);
    expect(seen).toContain("剪辑 🎬");
  });
});

describe("odd answers are told as what they are (issue 12)", () => {
  it('a credits answer with no balance fields is unreadable, not "0 available"', async () => {
    h.fake.failNext("credits", { rawBody: JSON.stringify({ code: 0, message: "success", data: {} }) });
    const result = await h.call("get_credits");
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("NemoVideo's credit balance could not be read: its answer did not say how many credits are available.");
    expect(textOf(result)).not.toMatch(/0 available/);
  });

  it("frozen credits are explained as reserved for work in progress", async () => {
    h.fake.options.frozenCredits = 50;
    const result = await h.call("get_credits");
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(textOf(result)).toBe(
      "Credits: 50 available, 50 reserved for work in progress (an edit or generation still running; they are charged or given back when it ends), 100 total.",
    );
    expect(result.structuredContent).toEqual({ available: 50, frozen: 50, total: 100 });
  });

  it("a 25-byte ID3 header and text named .mp3 is not uploaded: it is not media", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vm-id3-"));
    try {
      const path = join(dir, "song.mp3");
      await writeFile(path, Buffer.concat([Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0]), Buffer.from("this is only text")]));
      const result = await h.call("upload_media", { paths: [path] });
      const structured = result.structuredContent as { uploaded: unknown[]; rejected: Array<{ input: string; reason: string }> };
      expect(structured.uploaded).toEqual([]);
      expect(structured.rejected).toEqual([
        { input: path, reason: "The name says .mp3 but the content is not a recognisable media file. Check that it is the right file." },
      ]);
      expect(requestsTo(h.fake, "upload")).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
