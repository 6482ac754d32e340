import { stat } from "node:fs/promises";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  type CallToolResult,
  CallToolResultSchema,
  CreateTaskResultSchema,
  ElicitRequestSchema,
  type ElicitRequestURLParams,
  type Progress,
  type Task,
} from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/mcp/logger.js";
import { serveHttp } from "../../src/mcp/transports/http.js";
import { requestsTo } from "../integration/harness.js";
import { type McpHarness, startMcp, textOf } from "./harness.js";

/**
 * The protocol's own way for long calls (MCP tasks, 2025-11-25) and URL-mode elicitation,
 * driven by a real SDK client that declares them; the fake NemoVideo service behind.
 */

const TASKS = { tasks: { list: {}, cancel: {} } };
const OPENS_LINKS = { elicitation: { url: {} } };

let h: McpHarness;
afterEach(async () => {
  await h?.close();
});

async function seedClip(harness: McpHarness): Promise<void> {
  const state = (await harness.call("get_state")).structuredContent as { session_id: string };
  harness.fake.sessions.get(state.session_id)!.draft.t.push({ tt: 0, sg: [{ id: "v1", st: 0, d: 10_000, n: "city timelapse" }] });
}

/** tools/call as a task: the answer is the task, at once. */
async function callAsTask(client: Client, name: string, args: Record<string, unknown>, onprogress?: (p: Progress) => void): Promise<Task> {
  const created = await client.request(
    { method: "tools/call", params: { name, arguments: args, task: { ttl: 60_000 } } },
    CreateTaskResultSchema,
    onprogress ? { onprogress } : {},
  );
  return created.task;
}

async function pollUntilDone(client: Client, taskId: string): Promise<{ task: Task; polls: number }> {
  const deadline = Date.now() + 25_000;
  for (let polls = 1; Date.now() < deadline; polls++) {
    const task = await client.experimental.tasks.getTask(taskId);
    if (task.status !== "working") return { task, polls };
    await sleep(20);
  }
  throw new Error(`task ${taskId} never ended`);
}

/** Records the URL elicitations a client receives and answers them with `action`. */
function answerLinks(client: Client, action: "accept" | "decline"): ElicitRequestURLParams[] {
  const seen: ElicitRequestURLParams[] = [];
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    seen.push(request.params as ElicitRequestURLParams);
    return { action };
  });
  return seen;
}

describe("tasks: edit_video and export_video called as MCP tasks", () => {
  it("declares the tasks capability and optional task support on exactly the two job tools", async () => {
    h = await startMcp({}, { capabilities: TASKS });
    expect(h.client.getServerCapabilities()?.tasks).toEqual({ list: {}, cancel: {}, requests: { tools: { call: {} } } });
    const { tools } = await h.client.listTools();
    const optional = tools.filter((tool) => tool.execution?.taskSupport === "optional").map((tool) => tool.name);
    expect(optional).toEqual(["edit_video", "export_video"]);
  });

  it("an export called as a task answers at once, reports progress, completes through tasks/get and tasks/result, and is a job", async () => {
    h = await startMcp({ render: { fileBytes: 64_000 } }, { capabilities: TASKS });
    await seedClip(h);
    h.fake.options.render.pollsToComplete = 8;
    const progress: Progress[] = [];
    const task = await callAsTask(h.client, "export_video", { file_name: "as-task" }, (p) => progress.push(p));
    expect(task).toMatchObject({ status: "working", pollInterval: expect.any(Number) });
    expect(task.taskId).toMatch(/^export_[0-9a-f]{12}$/);

    const { task: done, polls } = await pollUntilDone(h.client, task.taskId);
    expect(done.status).toBe("completed");
    expect(polls).toBeGreaterThan(1);
    const result = (await h.client.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema)) as CallToolResult;
    const file = join(h.outDir, "as-task.mp4");
    expect(result.structuredContent).toMatchObject({ job_id: task.taskId, status: "completed", file, bytes: 64_000 });
    expect(textOf(result)).toBe(`The video is ready: ${file}`);
    expect((await stat(file)).size).toBe(64_000);
    // Progress went out with the call's token, as for a plain call: render percents drawn as a bar.
    expect(progress.some((p) => p.total === 100 && (p.message ?? "").startsWith("render"))).toBe(true);

    // The task id is the job id: get_job leads to the same work, and tasks/list lists it.
    const job = await h.call("get_job", { job_id: task.taskId, wait_seconds: 0 });
    expect(job.structuredContent).toMatchObject({ kind: "export", status: "completed", file });
    const { tasks } = await h.client.experimental.tasks.listTasks();
    expect(tasks.map((t) => t.taskId)).toContain(task.taskId);
    expect(requestsTo(h.fake, "renderStart")).toBe(1);
  });

  it("tasks/cancel stops the render: the task and the job are cancelled and no file is written", async () => {
    h = await startMcp({ render: { fileBytes: 64_000 } }, { capabilities: TASKS });
    await seedClip(h);
    h.fake.options.render.pollsToComplete = 100;
    const task = await callAsTask(h.client, "export_video", { file_name: "never" });
    const cancelled = await h.client.experimental.tasks.cancelTask(task.taskId);
    expect(cancelled).toMatchObject({ taskId: task.taskId, status: "cancelled" });
    expect((await h.client.experimental.tasks.getTask(task.taskId)).status).toBe("cancelled");
    const job = await h.call("get_job", { job_id: task.taskId, wait_seconds: 0 });
    expect(job.structuredContent).toMatchObject({ status: "cancelled" });
    const result = (await h.client.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema)) as CallToolResult;
    expect(textOf(result)).toMatch(/export was cancelled.*No file was written/);
    await expect(stat(join(h.outDir, "never.mp4"))).rejects.toThrow();
    // A task that has ended cannot be cancelled again (-32602).
    await expect(h.client.experimental.tasks.cancelTask(task.taskId)).rejects.toThrow(/terminal status/);
  });

  it("an unknown task id is a protocol error, and an edit refused before it starts is a failed task with the reason", async () => {
    h = await startMcp({}, { capabilities: TASKS });
    await expect(h.client.experimental.tasks.getTask("export_000000000000")).rejects.toThrow(/Task not found/);
    await seedClip(h);
    const task = await callAsTask(h.client, "export_video", { output_dir: "relative/folder" });
    const { task: done } = await pollUntilDone(h.client, task.taskId);
    expect(done.status).toBe("failed");
    const result = (await h.client.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema)) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^output_dir /);
  });

  it("a restarted server answers tasks/get for a task the old one started, and resumes its render", async () => {
    h = await startMcp({ render: { fileBytes: 64_000 } }, { capabilities: TASKS });
    await seedClip(h);
    h.fake.options.render.pollsToComplete = 6;
    const task = await callAsTask(h.client, "export_video", { file_name: "resumed-task" });
    const jobs = h.created.context.jobs;
    // Once the service has the render (its id is on disk before it is started), "kill" the first server.
    for (let i = 0; i < 100 && requestsTo(h.fake, "renderStart") < 1; i++) await sleep(20);
    // The in-process stand-in for a killed server (the e2e test kills a real one with SIGKILL).
    await jobs.cancel(task.taskId);
    const { readFile, writeFile } = await import("node:fs/promises");
    const jobFile = join(h.home, "jobs", `${task.taskId}.json`);
    const record = JSON.parse(await readFile(jobFile, "utf8"));
    await writeFile(jobFile, JSON.stringify({ ...record, status: "running", error: undefined }));

    const { client } = await h.restart({ capabilities: TASKS });
    const { task: done } = await pollUntilDone(client, task.taskId);
    expect([done.status, done.statusMessage]).toEqual(["completed", "done"]);
    const result = (await client.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema)) as CallToolResult;
    expect(result.structuredContent).toMatchObject({ file: join(h.outDir, "resumed-task.mp4") });
    expect(requestsTo(h.fake, "renderStart")).toBe(1);
  });
});

describe("tasks over Streamable HTTP", () => {
  it("a task started in one session is polled and collected from another (the jobs are shared), with progress on the first", async () => {
    h = await startMcp({ render: { fileBytes: 64_000 } });
    await seedClip(h);
    const http = await serveHttp(h.config(), 0, createLogger({ stderr: false }));
    const connect = async () => {
      const client = new Client({ name: "http-host", version: "1.0.0" }, { capabilities: TASKS });
      await client.connect(new StreamableHTTPClientTransport(new URL(http.url)));
      return client;
    };
    const [first, second] = [await connect(), await connect()];
    try {
      const progress: Progress[] = [];
      const task = await callAsTask(first, "export_video", { file_name: "over-http" }, (p) => progress.push(p));
      const { task: done } = await pollUntilDone(second, task.taskId);
      expect(done.status).toBe("completed");
      const result = (await second.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema)) as CallToolResult;
      expect(result.structuredContent).toMatchObject({ file: join(h.outDir, "over-http.mp4"), bytes: 64_000 });
      // The call's own stream closed with the task; its progress came on the session's stream.
      expect(progress.length).toBeGreaterThan(0);
      expect((await second.experimental.tasks.listTasks()).tasks.map((t) => t.taskId)).toContain(task.taskId);
    } finally {
      await first.close();
      await second.close();
      await http.close();
    }
  });
});

describe("URL elicitation: the page that solves 2001 and 402", () => {
  it("a client that opens links is offered the claim link on 2001; the model's text does not carry it", async () => {
    h = await startMcp({ startingCredits: 0 }, { capabilities: OPENS_LINKS });
    const offered = answerLinks(h.client, "accept");
    const result = await h.call("edit_video", { instruction: "add captions" });
    expect(result.isError).toBe(true);
    expect(offered).toHaveLength(1);
    expect(offered[0]).toMatchObject({ mode: "url", message: expect.stringMatching(/free credits are used up/) });
    expect(offered[0]!.url).toMatch(/^https:\/\/nemovideo\.example\/workspace\/claim\?ct=/);
    expect(requestsTo(h.fake, "claimToken")).toBe(1);
    expect(textOf(result)).toMatch(/free credits are used up.*offered to the person in this app, and they chose to open it/);
    expect(textOf(result)).not.toContain("ct=");
  });

  it("a declined offer is said as such, still without the link", async () => {
    h = await startMcp({ startingCredits: 0 }, { capabilities: OPENS_LINKS });
    answerLinks(h.client, "decline");
    const result = await h.call("edit_video", { instruction: "add captions" });
    expect(textOf(result)).toMatch(/they closed it for now/);
    expect(textOf(result)).not.toMatch(/https:\/\//);
  });

  it("402 on an export called as a task: the link is offered, the task fails with the plan's words", async () => {
    h = await startMcp({ planBlocksExport: true }, { capabilities: { ...TASKS, ...OPENS_LINKS } });
    const offered = answerLinks(h.client, "accept");
    await seedClip(h);
    const task = await callAsTask(h.client, "export_video", {});
    const { task: done } = await pollUntilDone(h.client, task.taskId);
    expect(done.status).toBe("failed");
    const result = (await h.client.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema)) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/plan, not credits.*offered to the person/);
    expect(offered).toHaveLength(1);
    expect(offered[0]!.url).toMatch(/\/workspace\/claim\?ct=/);
    expect(offered[0]!._meta).toMatchObject({ "io.modelcontextprotocol/related-task": { taskId: task.taskId } });
  });

  it("a client with neither sees today's behaviour: the link in the text, the job tools' running/get_job flow", async () => {
    h = await startMcp({ startingCredits: 0 });
    const result = await h.call("edit_video", { instruction: "add captions" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/free credits are used up.* https:\/\/nemovideo\.example\/workspace\/claim\?ct=/);
    h.fake.options.planBlocksExport = true;
    await seedClip(h);
    const blocked = await h.call("export_video", {});
    expect(textOf(blocked)).toMatch(/plan, not credits.* https:\/\/nemovideo\.example\/workspace\/claim\?ct=/);
    h.fake.options.planBlocksExport = false;
    h.fake.options.render.pollsToComplete = 5;
    const first = await h.call("export_video", { wait_seconds: 0 });
    expect(first.structuredContent).toMatchObject({ status: "running", job_id: expect.stringMatching(/^export_/) });
    expect(textOf(first)).toMatch(/call get_job/);
    const { job_id } = first.structuredContent as { job_id: string };
    expect((await h.call("get_job", { job_id, wait_seconds: 20 })).structuredContent).toMatchObject({ status: "completed" });
  });
});

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
