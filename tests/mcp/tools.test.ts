import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Progress } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { adkText, defaultSseScript } from "../fake-nemo/server.js";
import { makeAudio, makeVideo } from "../integration/media-fixtures.js";
import { requestsTo } from "../integration/harness.js";
import { type McpHarness, startMcp, textOf } from "./harness.js";

let media: string;
let clip: string;
let song: string;
beforeAll(async () => {
  media = await mkdtemp(join(tmpdir(), "vm-mcp-media-"));
  clip = await makeVideo(media, "city timelapse.mp4");
  song = await makeAudio(media, "lofi.mp3");
});
afterAll(async () => {
  await rm(media, { recursive: true, force: true });
});

let h: McpHarness;
beforeEach(async () => {
  h = await startMcp({ render: { fileBytes: 64_000 } });
});
afterEach(async () => {
  await h.close();
});

const EXPECTED_TOOLS = [
  "upload_media",
  "edit_video",
  "get_state",
  "get_credits",
  "export_video",
  "get_job",
  "cancel_job",
  "new_session",
];

describe("tool surface", () => {
  it("lists every tool with a title, an LLM-facing description, schemas and annotations", async () => {
    const { tools } = await h.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(EXPECTED_TOOLS);
    for (const tool of tools) {
      expect(tool.title, tool.name).toBeTruthy();
      expect(tool.description!.length, tool.name).toBeGreaterThan(120);
      expect(tool.inputSchema.type).toBe("object");
      expect(tool.outputSchema?.type, tool.name).toBe("object");
      expect(tool.annotations, tool.name).toBeDefined();
    }
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    for (const readOnly of ["get_state", "get_credits", "get_job"]) expect(byName[readOnly]!.annotations!.readOnlyHint).toBe(true);
    for (const cloud of ["upload_media", "edit_video", "get_state", "get_credits", "export_video", "new_session"]) {
      expect(byName[cloud]!.annotations!.openWorldHint).toBe(true);
    }
    expect(byName["cancel_job"]!.annotations!.destructiveHint).toBe(true);
  });

  it("declares logging, prompts and resources, and gives short instructions", () => {
    const capabilities = h.client.getServerCapabilities();
    expect(capabilities?.logging).toBeDefined();
    expect(capabilities?.prompts).toBeDefined();
    expect(capabilities?.resources).toBeDefined();
    const instructions = h.client.getInstructions()!;
    expect(instructions).toMatch(/get_job/);
    expect(instructions.length).toBeLessThan(600);
  });
});

describe("from files to an MP4", () => {
  it("uploads, edits, reads the state and credits, exports, and hands back the file", async () => {
    const upload = await h.call("upload_media", { paths: [clip, song, join(media, "nope.mp4")] });
    expect(upload.isError).toBeFalsy();
    expect(upload.structuredContent).toMatchObject({
      uploaded: [{ name: "city timelapse.mp4", type: "video" }, { name: "lofi.mp3", type: "audio" }],
      rejected: [{ input: join(media, "nope.mp4"), reason: expect.stringMatching(/No file exists/) }],
    });

    const edit = await h.call("edit_video", { instruction: "add a title Urban Dreams" });
    expect(edit.isError).toBeFalsy();
    const editOut = edit.structuredContent as Record<string, unknown>;
    expect(editOut.status).toBe("completed");
    expect(editOut.reply).toMatch(/Urban Dreams/);
    expect(editOut.reply).not.toMatch(/Click the Export button/);
    expect(editOut.suggests_export).toBe(true);
    expect([editOut.progress, editOut.message]).toEqual([100, "done"]);
    expect(editOut.timeline).toMatch(/^Timeline \(2 tracks\): 1\. Video: city timelapse\.mp4 .* 2\. Title: "Urban Dreams" \(0-3s\)$/);
    expect(textOf(edit)).toMatch(/export_video/);

    const state = await h.call("get_state");
    expect(state.structuredContent).toMatchObject({ timeline: editOut.timeline, media: expect.arrayContaining([expect.objectContaining({ name: "city timelapse.mp4" })]) });
    expect(JSON.stringify(state.structuredContent)).not.toMatch(/"draft"/);

    const credits = await h.call("get_credits");
    expect(credits.structuredContent).toEqual({ available: 50, frozen: 0, total: 50 });

    const exported = await h.call("export_video", { file_name: "promo" });
    const out = exported.structuredContent as { status: string; file: string; bytes: number; progress: number };
    expect(out.status).toBe("completed");
    expect(out.file).toBe(join(h.outDir, "promo.mp4"));
    expect(out.progress).toBe(100);
    expect((await stat(out.file)).size).toBe(64_000);
    const link = exported.content.find((block) => block.type === "resource_link") as { uri: string; mimeType: string } | undefined;
    expect(link?.mimeType).toBe("video/mp4");
    expect(fileURLToPath(link!.uri)).toBe(out.file);
  });
});

describe("jobs", () => {
  function slowReply(ms: number) {
    return { steps: [{ comment: "working" }, { delayMs: ms }, { event: adkText("Generated the clip.") }] };
  }

  it("returns 'running' when the edit outlives wait_seconds, keeps it going, and get_job collects it", async () => {
    h.fake.enqueueSse(slowReply(1500));
    const started = Date.now();
    const first = await h.call("edit_video", { instruction: "generate a drone shot", wait_seconds: 0.3 });
    expect(Date.now() - started).toBeLessThan(1400);
    const out = first.structuredContent as { status: string; job_id: string; progress?: number; message: string };
    expect(out.status).toBe("running");
    expect(out.job_id).toMatch(/^edit_[0-9a-f]{12}$/);
    // An agent edit has no percentage while it runs: only its latest line.
    expect(out.progress).toBeUndefined();
    expect(out.message).toEqual(expect.any(String));
    expect(textOf(first)).toMatch(/get_job/);

    const second = await h.call("get_job", { job_id: out.job_id, wait_seconds: 10 });
    expect(second.structuredContent).toMatchObject({ kind: "edit", status: "completed", reply: "Generated the clip." });
    expect(requestsTo(h.fake, "runSse")).toBe(1);
  });

  it("sends progress notifications with useful messages while waiting", async () => {
    const script = defaultSseScript("add a title");
    // Space the events out as a real agent does, so the 250 ms throttle lets each through.
    script.steps = script.steps.flatMap((step) => [step, { delayMs: 300 }]);
    h.fake.enqueueSse(script);
    const progress: Progress[] = [];
    await h.call("edit_video", { instruction: "add a title" }, { onprogress: (p) => progress.push(p) });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.map((p) => p.message).join("\n")).toMatch(/agent: /);
    const values = progress.map((p) => p.progress);
    expect(values).toEqual([...values].sort((a, b) => a - b));
  });

  it("draws the export as a bar: progress notifications carry the stage's percent with total 100, always growing", async () => {
    await seedClip(h);
    h.fake.options.render.pollsToComplete = 5;
    // Each poll answers after 300 ms, so the 250 ms throttle lets every render step through.
    h.fake.options.latencyMs = 300;
    const progress: Progress[] = [];
    const exported = await h.call("export_video", { file_name: "bar" }, { onprogress: (p) => progress.push(p) });
    expect(exported.structuredContent).toMatchObject({ status: "completed", progress: 100 });
    const values = progress.map((p) => p.progress);
    for (let i = 1; i < values.length; i++) expect(values[i]!).toBeGreaterThan(values[i - 1]!);
    const bars = progress.filter((p) => p.total !== undefined);
    for (const bar of bars) expect([bar.total, bar.progress <= 100]).toEqual([100, true]);
    // The render's own lines are its percent of 100, as a host draws them.
    const render = bars.filter((p) => /^render \d+%$/.test(p.message ?? ""));
    expect(render.length).toBeGreaterThanOrEqual(2);
    for (const p of render) expect(p.progress).toBe(Number(/\d+/.exec(p.message!)![0]));
    // A line that cannot be drawn as a bar (the job starting, a stage starting again at 0) has no total.
    expect(progress.some((p) => p.total === undefined)).toBe(true);
  });

  it("exports in the background and get_job returns the file", async () => {
    await seedClip(h);
    h.fake.options.render.pollsToComplete = 5;
    const first = await h.call("export_video", { wait_seconds: 0 });
    const out = first.structuredContent as { status: string; job_id: string };
    expect(out.status).toBe("running");
    const done = await h.call("get_job", { job_id: out.job_id, wait_seconds: 20 });
    const result = done.structuredContent as { status: string; file: string; kind: string };
    expect(result).toMatchObject({ kind: "export", status: "completed" });
    expect((await stat(result.file)).isFile()).toBe(true);
  });

  it("cancel_job stops a running edit", async () => {
    h.fake.enqueueSse(slowReply(5000));
    const first = await h.call("edit_video", { instruction: "generate", wait_seconds: 0 });
    const { job_id } = first.structuredContent as { job_id: string };
    const cancelled = await h.call("cancel_job", { job_id });
    expect(cancelled.structuredContent).toEqual({ job_id, status: "cancelled" });
    const again = await h.call("cancel_job", { job_id });
    expect(textOf(again)).toMatch(/already ended/);
  });

  it("an MCP cancellation of the call cancels the job too", async () => {
    h.fake.enqueueSse(slowReply(5000));
    const controller = new AbortController();
    const pending = h.call("edit_video", { instruction: "generate" }, { signal: controller.signal }).catch((e: unknown) => e);
    const jobs = h.created.context.jobs;
    const editJob = async () => (await Promise.all((await listJobIds(h).catch(() => [])).map((id) => jobs.get(id)))).find(Boolean);
    // Cancel once the job runs (the agent takes 5 s), then wait for the cancel to land: no fixed sleeps to lose a race with.
    for (let i = 0; i < 250 && (await editJob())?.status !== "running"; i++) await sleep(20);
    expect((await editJob())?.status).toBe("running");
    controller.abort();
    await pending;
    for (let i = 0; i < 250 && (await editJob())?.status === "running"; i++) await sleep(20);
    expect((await editJob())?.status).toBe("cancelled");
  });

  it("refuses a second edit while one is running, naming the job", async () => {
    h.fake.enqueueSse(slowReply(3000));
    const first = await h.call("edit_video", { instruction: "generate", wait_seconds: 0 });
    const { job_id } = first.structuredContent as { job_id: string };
    const second = await h.call("edit_video", { instruction: "also this" });
    expect(second.isError).toBe(true);
    expect(textOf(second)).toContain(job_id);
    await h.call("cancel_job", { job_id });
  });
});

describe("restart safety", () => {
  it("a restarted server resumes a cloud render from the job file and downloads it", async () => {
    await seedClip(h);
    h.fake.options.render.pollsToComplete = 6;
    const first = await h.call("export_video", { wait_seconds: 0, file_name: "resumed" });
    const { job_id } = first.structuredContent as { job_id: string };
    // Wait until the checkpoint (render id) is on disk, then "kill" the first server.
    const jobFile = join(h.home, "jobs", `${job_id}.json`);
    const saved = async () => JSON.parse(await readFile(jobFile, "utf8").catch(() => "{}"));
    for (let i = 0; i < 100 && !(await saved()).checkpoint; i++) await sleep(20);
    await h.created.context.jobs.cancel(job_id).catch(() => {});
    // Put the file back as the dead process left it: still running, with its checkpoint.
    const record = JSON.parse(await readFile(jobFile, "utf8"));
    await writeFile(jobFile, JSON.stringify({ ...record, status: "running", error: undefined }));

    const { client } = await h.restart();
    const done = await client.callTool({ name: "get_job", arguments: { job_id, wait_seconds: 20 } });
    expect(done.structuredContent).toMatchObject({ status: "completed", file: join(h.outDir, "resumed.mp4") });
    expect(requestsTo(h.fake, "renderStart")).toBe(1);
  });

  it("a restarted server reports an edit it lost as interrupted, with the timeline it finds", async () => {
    await seedClip(h);
    const jobFile = join(h.home, "jobs", "edit_0123456789ab.json");
    await mkdir(join(h.home, "jobs"), { recursive: true });
    const now = new Date().toISOString();
    await writeFile(
      jobFile,
      JSON.stringify({
        id: "edit_0123456789ab",
        kind: "edit",
        status: "running",
        backend: "nemo",
        created_at: now,
        updated_at: now,
        progress: { message: "agent: adding captions" },
        input: { instruction: "add captions" },
      }),
    );
    const { client } = await h.restart();
    const result = await client.callTool({ name: "get_job", arguments: { job_id: "edit_0123456789ab" } });
    const out = result.structuredContent as { status: string; reply: string; timeline: string };
    expect(out.status).toBe("interrupted");
    expect(out.reply).toMatch(/may or may not have been applied/);
    expect(out.timeline).toMatch(/^Timeline \(1 track\): 1\. Video: city timelapse/);
    expect(requestsTo(h.fake, "runSse")).toBe(0);
  });
});

describe("errors a person can read", () => {
  it("out of credits comes back as isError with the registration link", async () => {
    h.fake.options.startingCredits = 0;
    const result = await h.call("edit_video", { instruction: "add captions" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/https:\/\/nemovideo\.example\//);
    expect(textOf(result)).not.toMatch(/nmv_usr_|at .*\.ts:\d+/);
  });

  it("402 speaks of the plan", async () => {
    await seedClip(h);
    h.fake.options.planBlocksExport = true;
    const result = await h.call("export_video", {});
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/plan, not credits/);
  });

  it("a lost session says a new one was started and media must be uploaded again", async () => {
    const state = (await h.call("get_state")).structuredContent as { session_id: string };
    h.fake.loseSession(state.session_id);
    const result = await h.call("get_credits");
    expect(result.isError).toBeFalsy(); // credits are per account, not per session
    const lost = await h.call("get_state");
    expect(lost.isError).toBe(true);
    expect(textOf(lost)).toMatch(/new one was started.*upload them again/);
  });

  it("bad arguments are answered in words", async () => {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ["edit_video", { instruction: "" }, /instruction cannot be empty/],
      ["edit_video", { instruction: "x", wait_seconds: -1 }, /wait_seconds cannot be negative/],
      ["edit_video", { instruction: "x", wait_seconds: 3600 }, /at most 55/],
      ["get_job", { job_id: "nope" }, /There is no job "nope"/],
      ["export_video", { file_name: "../../etc/passwd" }, /must not contain folders/],
      ["new_session", { language: "English please" }, /language must be a code/],
      ["upload_media", {}, /Nothing to upload/],
      ["upload_media", { urls: ["file:///etc/passwd"] }, /Only http/],
    ];
    for (const [tool, args, message] of cases) {
      const result = await h.call(tool, args);
      const text = textOf(result);
      if (tool === "upload_media" && args.urls) {
        expect(result.structuredContent).toMatchObject({ rejected: [{ reason: expect.stringMatching(message) }] });
      } else {
        expect([tool, result.isError]).toEqual([tool, true]);
        expect(text).toMatch(message);
      }
    }
  });
});

describe("prompt and resources", () => {
  it("the video-maker prompt carries the routing table, GUI translation, workflows and errors", async () => {
    const { prompts } = await h.client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(["video-maker"]);
    const prompt = await h.client.getPrompt({ name: "video-maker", arguments: { request: "导出" } });
    const text = (prompt.messages[0]!.content as { text: string }).text;
    expect(text).toMatch(/export_video/);
    expect(text).toMatch(/积分/);
    expect(text).toMatch(/点击/);
    expect(text).toMatch(/Quick edit/);
    expect(text).toMatch(/plan, not credits|It is not about credits/);
    expect(text).toMatch(/Routing says: \*\*export\*\* → call export_video/);
  });

  it("serves the timeline as text and the draft as JSON", async () => {
    await seedClip(h);
    const timeline = await h.client.readResource({ uri: "video-maker://timeline" });
    expect((timeline.contents[0] as { text: string }).text).toMatch(/^Timeline \(1 track\)/);
    const draft = await h.client.readResource({ uri: "video-maker://draft" });
    expect(JSON.parse((draft.contents[0] as { text: string }).text).t).toHaveLength(1);
  });
});

async function seedClip(h: McpHarness): Promise<void> {
  const state = (await h.call("get_state")).structuredContent as { session_id: string };
  h.fake.sessions.get(state.session_id)!.draft.t.push({ tt: 0, sg: [{ id: "v1", st: 0, d: 10_000, n: "city timelapse" }] });
}

async function listJobIds(h: McpHarness): Promise<string[]> {
  const { readdir } = await import("node:fs/promises");
  return (await readdir(join(h.home, "jobs"))).filter((n) => n.endsWith(".json")).map((n) => n.replace(/\.json$/, ""));
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
