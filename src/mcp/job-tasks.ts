import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CreateTaskOptions, TaskStore } from "@modelcontextprotocol/sdk/experimental/tasks";
import type { CallToolResult, CreateTaskResult, Result, ServerNotification, Task } from "@modelcontextprotocol/sdk/types.js";
import { RELATED_TASK_META_KEY } from "@modelcontextprotocol/sdk/types.js";
import { type ErrorCode, VideoMakerError, redactSecrets } from "../core/errors.js";
import { type JobManager, type JobRecord, KEEP_FINISHED_JOBS_MS, isUnfinished } from "../core/jobs.js";
import { editView, exportView } from "./job-view.js";
import { type LinkOutcome, isLinkFailure, offerLink } from "./link-elicitation.js";
import { progressReporter } from "./progress.js";
import { type AnyTool, type Extra, type ToolContext, type ToolDefinition, failureContent, offerOf, offers, toolConfig, toolHandler, toolResult } from "./tool.js";

/**
 * MCP tasks (protocol 2025-11-25) served from the job manager: a job is a task and its id is
 * the task id, so a task lives on disk like any job, survives a restart (the restarted server
 * answers `tasks/get` for it and resumes the render) and can be awaited with get_job too.
 * A host that does not use tasks calls the same tools exactly as before.
 */

/** How often a host should poll a running task; renders report every few seconds. */
const POLL_INTERVAL_MS = 1000;
const TASKS_PER_PAGE = 50;
/** Longer than any edit or render: a task's progress is followed until it ends. */
const FOLLOW_AT_MOST_MS = 6 * 3600 * 1000;
const KEEP_OFFERS = 100;

/** What the tasks of one server share: the jobs, and the answers to links offered when a task failed. */
export interface TaskBook {
  jobs: JobManager;
  /** Per task whose failure was offered as a page (URL elicitation): the person's answer, once given. */
  offered: Map<string, Promise<LinkOutcome | undefined>>;
}

export function taskBook(jobs: JobManager): TaskBook {
  return { jobs, offered: new Map() };
}

/** The capability a server declares for this: task-augmented tools/call, tasks/list, tasks/cancel. */
export const TASKS_CAPABILITY = { list: {}, cancel: {}, requests: { tools: { call: {} } } };

/** A job as the protocol's task. */
export function taskOf(record: JobRecord): Task {
  return {
    taskId: record.id,
    status: statusOf(record),
    statusMessage: redactSecrets(record.error?.message ?? record.progress.message),
    createdAt: record.createdAt,
    lastUpdatedAt: record.updatedAt,
    // Finished jobs are swept a week after their last change, so a week from creation is always kept.
    ttl: KEEP_FINISHED_JOBS_MS,
    pollInterval: POLL_INTERVAL_MS,
  };
}

function statusOf(record: JobRecord): Task["status"] {
  switch (record.status) {
    // Waiting for its turn to render is work under way, for the protocol.
    case "queued":
    case "running":
      return "working";
    case "completed":
    case "cancelled":
      return record.status;
    // An interrupted edit or export did not finish: for the protocol that is a failed task.
    case "failed":
    case "interrupted":
      return "failed";
  }
}

/** What a job's tool call returns, whichever way it was called: the same view, or the same isError text. */
export function jobResult(record: JobRecord, outcome?: LinkOutcome): CallToolResult {
  const failure = failureOf(record);
  if (failure) return failureContent(failure, outcome);
  return toolResult(record.kind === "edit" ? editView(record) : exportView(record));
}

function failureOf(record: JobRecord): VideoMakerError | undefined {
  if (record.status !== "failed" || !record.error) return undefined;
  const { code, message, link } = record.error;
  return new VideoMakerError(code as ErrorCode, message, link ? { link } : {});
}

/**
 * The SDK's TaskStore over the jobs. Tasks are only made by the job tools (a job is started,
 * then answered as a task), so `createTask` and `storeTaskResult`, which a store of opaque
 * results needs, are refused here: a job writes its own result.
 */
export class JobTaskStore implements TaskStore {
  constructor(private readonly book: TaskBook) {}

  createTask(_params: CreateTaskOptions): Promise<Task> {
    return Promise.reject(new Error("Tasks here are jobs: they are started by edit_video or export_video called as a task."));
  }

  async getTask(taskId: string): Promise<Task | null> {
    const record = await this.current(taskId);
    return record ? taskOf(record) : null;
  }

  storeTaskResult(): Promise<void> {
    return Promise.reject(new Error("A job stores its own result."));
  }

  async getTaskResult(taskId: string): Promise<Result> {
    const record = await this.current(taskId);
    if (!record) throw new Error(`There is no task "${taskId}".`);
    return jobResult(record, await this.book.offered.get(taskId));
  }

  /** tasks/cancel: the job is stopped, here or in the process that runs it, before the answer goes out. */
  async updateTaskStatus(taskId: string, status: Task["status"]): Promise<void> {
    if (status !== "cancelled") return;
    await this.book.jobs.cancel(taskId);
  }

  async listTasks(cursor?: string): Promise<{ tasks: Task[]; nextCursor?: string }> {
    const start = cursor === undefined ? 0 : Number(cursor);
    if (!Number.isInteger(start) || start < 0) throw new Error(`"${cursor}" is not a cursor this server gave out.`);
    const records = await this.book.jobs.list();
    const page = records.slice(start, start + TASKS_PER_PAGE);
    const next = start + TASKS_PER_PAGE;
    return { tasks: page.map(taskOf), ...(next < records.length ? { nextCursor: String(next) } : {}) };
  }

  /** The job as it stands; one left running by a process that is gone is taken over (a render resumes here). */
  private async current(taskId: string): Promise<JobRecord | undefined> {
    const record = await this.book.jobs.get(taskId);
    if (!record || !isUnfinished(record.status)) return record;
    return this.book.jobs.adopt(taskId).catch(() => record);
  }
}

// --- registering a job tool -------------------------------------------------------------

type PlainHandler = (args: Record<string, unknown>, extra: Extra) => Promise<CallToolResult>;
/** The plain handler of each task-capable tool, by its task handler. */
const PLAIN = new WeakMap<object, PlainHandler>();

interface SdkToolCalls {
  handleAutomaticTaskPolling?: (tool: { handler: object }, request: { params: { name: string; arguments?: unknown } }, extra: Extra) => Promise<CallToolResult>;
  validateToolInput?: (tool: object, args: unknown, name: string) => Promise<Record<string, unknown>>;
  validateToolOutput?: (tool: object, result: CallToolResult, name: string) => Promise<void>;
}

/**
 * The SDK answers a plain call of a tool whose tasks are "optional" by making a task and
 * polling it to the end, which would drop wait_seconds, the job id and everything a host
 * without tasks relies on. Its only hook is a private method, wrapped here so a plain call
 * runs the tool exactly as before (input and output checked as on any call). Without the
 * hook (a newer SDK) the tools are registered without tasks: nothing changes for anyone.
 */
function answerPlainCallsAsBefore(server: McpServer): boolean {
  const sdk = server as unknown as SdkToolCalls;
  const original = sdk.handleAutomaticTaskPolling;
  const { validateToolInput, validateToolOutput } = sdk;
  if (typeof original !== "function" || typeof validateToolInput !== "function" || typeof validateToolOutput !== "function") return false;
  if ((original as { plainCalls?: true }).plainCalls) return true;
  const wrapped = async (...[tool, request, extra]: Parameters<NonNullable<SdkToolCalls["handleAutomaticTaskPolling"]>>) => {
    const plain = PLAIN.get(tool.handler);
    if (!plain) return original.call(server, tool, request, extra);
    const args = await validateToolInput.call(server, tool, request.params.arguments, request.params.name);
    const result = await plain(args, extra);
    await validateToolOutput.call(server, tool, result, request.params.name);
    return result;
  };
  sdk.handleAutomaticTaskPolling = Object.assign(wrapped, { plainCalls: true as const });
  return true;
}

/**
 * Registers a job tool (see defineJobTool) with `taskSupport: "optional"` on a server made
 * with the job task store (createServer); false when it cannot (then it is a plain tool).
 */
export function registerJobTool(server: McpServer, definition: AnyTool, context: ToolContext, book: TaskBook): boolean {
  const job = definition.job;
  if (!job || !offers(offerOf(context.backend), definition)) return false;
  if (!answerPlainCallsAsBefore(server)) return false;
  const handler = {
    createTask: async (args: Record<string, unknown>, extra: Extra): Promise<CreateTaskResult> => {
      let record: JobRecord;
      try {
        record = await job.start(args, context);
      } catch (error) {
        // Refused before it began (a file in the way, an edit still running): a task that failed, with the reason as its result.
        record = context.jobs.startFailed(job.kind, {}, error);
      }
      follow(server, book, record.id, extra);
      return { task: taskOf(record) };
    },
    getTask: async (_args: unknown, extra: { taskId: string; taskStore: { getTask(id: string): Promise<Task> } }) => extra.taskStore.getTask(extra.taskId),
    getTaskResult: async (_args: unknown, extra: { taskId: string; taskStore: { getTaskResult(id: string): Promise<Result> } }) =>
      (await extra.taskStore.getTaskResult(extra.taskId)) as CallToolResult,
  };
  PLAIN.set(handler, toolHandler(server, definition as ToolDefinition<any, any, any>, context as ToolContext<any>) as PlainHandler);
  server.experimental.tasks.registerToolTask(
    definition.name,
    { ...toolConfig(definition), execution: { taskSupport: "optional" } },
    handler as never,
  );
  return true;
}

/**
 * Follows a task's job in the background: its progress goes out with the call's progress
 * token as a plain call's would (the spec keeps the token valid for the task's life), and a
 * failure solved on a web page is offered to the person when the host can open links.
 */
function follow(server: McpServer, book: TaskBook, taskId: string, extra: Extra): void {
  // The call has been answered, so its own stream is gone: notifications go out on the session's.
  const progress = progressReporter({ ...extra, sendNotification: (notification: ServerNotification) => server.server.notification(notification) });
  const followed = book.jobs.wait(taskId, FOLLOW_AT_MOST_MS, { onProgress: progress.send }).finally(() => progress.stop());
  // Set now, so tasks/result (which may come as soon as tasks/get says "failed") waits for the person's answer.
  const offered = followed.then((record) => {
    const failure = failureOf(record);
    return failure && isLinkFailure(failure) ? offerLink(server, failure, {}, { [RELATED_TASK_META_KEY]: { taskId } }) : undefined;
  });
  book.offered.set(taskId, offered.catch(() => undefined));
  // A server runs for weeks: only the latest answers are kept (an older task's result then carries its link as text).
  for (const old of book.offered.keys()) if (book.offered.size > KEEP_OFFERS) book.offered.delete(old);
  void followed
    .then((record) => (isUnfinished(record.status) ? undefined : server.server.notification({ method: "notifications/tasks/status", params: taskOf(record) })))
    .catch(() => {
      // The session closed meanwhile: the job's end is on disk for tasks/get and get_job.
    });
}
