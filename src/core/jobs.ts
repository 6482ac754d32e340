import { access, readdir, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type {
  AgentCapability,
  Backend,
  BackendName,
  EditResult,
  ExportCheckpoint,
  ExportRequest,
  ExportResult,
  ProgressEvent,
} from "./backend.js";
import { type ErrorCode, VideoMakerError, toVideoMakerError } from "./errors.js";
import { checkInstruction } from "./instruction.js";
import { isRunning, ownStartTicks } from "./processes.js";
import { readJsonFile, withFileLock, writeJsonFileAtomic } from "./store.js";

/**
 * Long operations (an agent edit can take 15 minutes, a render 30–90 s plus the download)
 * run as jobs: they outlive the call that started them, report progress to whoever waits,
 * and are written to disk so a restarted process can resume a cloud render and tell the
 * truth about an edit it lost.
 */

export type JobKind = "edit" | "export";
export type JobStatus = "running" | "completed" | "failed" | "cancelled" | "interrupted";

const ProgressSchema = z.object({
  message: z.string(),
  percent: z.number().min(0).max(100).optional(),
  stage: z.string().optional(),
});

const JobErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  link: z.string().optional(),
});

export const JobRecordSchema = z.object({
  id: z.string(),
  kind: z.enum(["edit", "export"]),
  status: z.enum(["running", "completed", "failed", "cancelled", "interrupted"]),
  backend: z.enum(["nemo", "local"]),
  created_at: z.string(),
  updated_at: z.string(),
  progress: ProgressSchema,
  /** The process running the job; another process leaves a live owner's job alone. */
  owner_pid: z.number().int().optional(),
  /** The owner's start time (Linux clock ticks), so a later process that got its pid is not taken for it. */
  owner_started: z.string().optional(),
  input: z.object({
    instruction: z.string().optional(),
    output_dir: z.string().optional(),
    file_name: z.string().optional(),
  }),
  checkpoint: z
    .object({
      backend: z.enum(["nemo", "local"]),
      render_id: z.string(),
      session_id: z.string(),
      output_path: z.string(),
      started_at: z.string(),
      download_url: z.string().optional(),
    })
    .optional(),
  edit: z
    .object({
      reply: z.string(),
      replied: z.boolean(),
      changes: z.array(z.string()),
      timeline: z.string(),
      suggestsExport: z.boolean(),
    })
    .optional(),
  export: z.object({ render_id: z.string(), file: z.string(), bytes: z.number() }).optional(),
  error: JobErrorSchema.optional(),
});

export type JobRecord = z.infer<typeof JobRecordSchema>;

export interface WaitOptions {
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
}

interface LiveJob {
  record: JobRecord;
  controller: AbortController;
  done: Promise<void>;
  listeners: Set<(event: ProgressEvent) => void>;
  lastPersist: number;
  /** Writes happen one after another, so an older snapshot never lands after a newer one. */
  writes: Promise<void>;
  /** Watches for a cancel request left by another process (the CLI's `cancel`). */
  watcher?: NodeJS.Timeout;
}

const PERSIST_PROGRESS_EVERY_MS = 2000;
const CANCEL_POLL_MS = 500;
const KEEP_FINISHED_JOBS_MS = 7 * 24 * 3600 * 1000;

export class JobManager {
  private readonly dir: string;
  private readonly live = new Map<string, LiveJob>();

  constructor(
    home: string,
    private readonly backend: Backend,
  ) {
    this.dir = join(home, "jobs");
  }

  startEdit(instruction: string, agent: AgentCapability): JobRecord {
    this.refuseWhileEditing();
    // A mistake in the words is answered at once and leaves no job behind.
    const text = checkInstruction(instruction);
    return this.start("edit", { instruction: text }, async (job, context) => {
      const result = await agent.edit(text, context);
      job.record.edit = result satisfies EditResult;
    });
  }

  startExport(request: ExportRequest): JobRecord {
    this.refuseWhileEditing();
    return this.start(
      "export",
      { output_dir: request.outputDir, ...(request.fileName ? { file_name: request.fileName } : {}) },
      async (job, context) => {
        const result = await this.backend.exportVideo(request, {
          ...context,
          onCheckpoint: (checkpoint) => this.checkpoint(job, checkpoint),
        });
        job.record.export = result satisfies ExportResult;
      },
    );
  }

  /** A job by id: live in this process, else as last written to disk. */
  async get(id: string): Promise<JobRecord | undefined> {
    const live = this.live.get(id);
    if (live) return live.record;
    if (!/^[a-z]+_[0-9a-f]{12}$/.test(id)) return undefined;
    return readJsonFile(this.file(id), JobRecordSchema);
  }

  async require(id: string): Promise<JobRecord> {
    const job = await this.get(id);
    if (!job) {
      throw new VideoMakerError(
        "invalid_input",
        `There is no job "${id.length > 40 ? `${id.slice(0, 37)}...` : id}". Job ids come from edit_video or export_video (e.g. "export_1a2b3c4d5e6f").`,
      );
    }
    return job;
  }

  /**
   * Waits up to `ms` for the job to finish, forwarding its progress. Returns the record as
   * it stands then: still "running" when the time ran out or the waiter's signal fired.
   */
  async wait(id: string, ms: number, options: WaitOptions = {}): Promise<JobRecord> {
    const live = this.live.get(id);
    if (!live || live.record.status !== "running") return this.require(id);
    const listener = options.onProgress;
    if (listener) listener(progressEventOf(live.record));
    if (listener) live.listeners.add(listener);
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    try {
      await Promise.race([
        live.done,
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, Math.max(0, ms));
        }),
        new Promise<void>((resolve) => {
          if (!options.signal) return;
          if (options.signal.aborted) return resolve();
          onAbort = resolve;
          options.signal.addEventListener("abort", onAbort, { once: true });
        }),
      ]);
    } finally {
      clearTimeout(timer);
      if (onAbort) options.signal?.removeEventListener("abort", onAbort);
      if (listener) live.listeners.delete(listener);
    }
    return live.record;
  }

  /**
   * Stops the job: the waiting, and the work itself where the backend can stop it. A job
   * run by another live process is asked to stop through a `<id>.cancel` file it watches.
   */
  async cancel(id: string, waitForOwnerMs = 5000): Promise<JobRecord> {
    const live = this.live.get(id);
    if (live) {
      if (live.record.status === "running") {
        live.controller.abort();
        await live.done;
      }
      return live.record;
    }
    const record = await this.require(id);
    if (record.status !== "running") return record;
    if (!ownerAlive(record)) {
      record.status = "cancelled";
      record.updated_at = new Date().toISOString();
      record.error = { code: "cancelled", message: "The job was cancelled." };
      await writeJsonFileAtomic(this.file(id), record);
      return record;
    }
    await writeFile(this.cancelFile(id), String(process.pid), { mode: 0o600 });
    const deadline = Date.now() + waitForOwnerMs;
    for (;;) {
      const now = await this.require(id);
      if (now.status !== "running" || Date.now() > deadline) return now;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /**
   * Takes over a job left running by a process that is gone: a cloud render is resumed
   * here, an edit is reported as interrupted. A job whose owner is alive is left alone.
   */
  async adopt(id: string): Promise<JobRecord> {
    const live = this.live.get(id);
    if (live) return live.record;
    const record = await this.require(id);
    if (record.status !== "running" || ownerAlive(record) || record.backend !== this.backend.name) return record;
    const claimed = await this.claim(id);
    if (!claimed) return this.require(id);
    await this.takeOver(claimed);
    return claimed;
  }

  /** The ids of jobs running in this process, newest first. */
  running(): JobRecord[] {
    return [...this.live.values()].map((job) => job.record).filter((record) => record.status === "running");
  }

  /**
   * After a restart: cloud renders that were started are polled and downloaded again;
   * an edit whose stream died with the old process is reported as interrupted, with the
   * timeline as the service now has it. Old finished jobs are removed.
   */
  async resumeAll(): Promise<{ resumed: string[]; interrupted: string[] }> {
    const resumed: string[] = [];
    const interrupted: string[] = [];
    let names: string[] = [];
    try {
      names = await readdir(this.dir);
    } catch {
      return { resumed, interrupted };
    }
    for (const name of names.filter((n) => n.endsWith(".json"))) {
      const path = join(this.dir, name);
      const record = await readJsonFile(path, JobRecordSchema);
      if (!record) continue;
      if (record.status !== "running") {
        const age = Date.now() - (await stat(path)).mtimeMs;
        if (age > KEEP_FINISHED_JOBS_MS) await rm(path, { force: true });
        continue;
      }
      if (this.live.has(record.id) || record.backend !== this.backend.name || ownerAlive(record)) continue;
      const claimed = await this.claim(record.id);
      if (!claimed) continue;
      if ((await this.takeOver(claimed)) === "resumed") resumed.push(claimed.id);
      else interrupted.push(claimed.id);
    }
    return { resumed, interrupted };
  }

  /** Lets running work finish its current step; used when the process is shutting down. */
  async close(): Promise<void> {
    this.live.clear();
  }

  // --- internals ----------------------------------------------------------

  private refuseWhileEditing(): void {
    const editing = this.running().find((job) => job.kind === "edit");
    if (editing) {
      throw new VideoMakerError(
        "invalid_input",
        `An edit is still running (job ${editing.id}). Wait for it with get_job, or cancel it with cancel_job, before starting another edit or an export.`,
      );
    }
  }

  private start(
    kind: JobKind,
    input: JobRecord["input"],
    work: (job: LiveJob, context: { signal: AbortSignal; onProgress: (event: ProgressEvent) => void }) => Promise<void>,
    existing?: JobRecord,
  ): JobRecord {
    const now = new Date().toISOString();
    const record: JobRecord = existing ?? {
      id: `${kind}_${randomBytes(6).toString("hex")}`,
      kind,
      status: "running",
      backend: this.backend.name as BackendName,
      created_at: now,
      updated_at: now,
      progress: { message: kind === "edit" ? "sending the instruction" : "starting the render" },
      input,
    };
    takeOwnership(record);
    void rm(this.cancelFile(record.id), { force: true }).catch(() => {});
    const controller = new AbortController();
    const job: LiveJob = {
      record,
      controller,
      done: Promise.resolve(),
      listeners: new Set(),
      lastPersist: 0,
      writes: Promise.resolve(),
    };
    this.live.set(record.id, job);
    const onProgress = (event: ProgressEvent) => this.progress(job, event);
    job.watcher = setInterval(() => {
      void access(this.cancelFile(record.id)).then(
        () => controller.abort(),
        () => {},
      );
    }, CANCEL_POLL_MS);
    job.watcher.unref();
    job.done = (async () => {
      await this.persist(job);
      try {
        await work(job, { signal: controller.signal, onProgress });
        this.finish(job, "completed");
      } catch (error) {
        const failure = toVideoMakerError(error);
        if (failure.code === "cancelled" || controller.signal.aborted) {
          this.finish(job, "cancelled", { code: "cancelled", message: "The job was cancelled." });
        } else {
          this.finish(job, "failed", {
            code: failure.code,
            message: failure.message,
            ...(failure.link ? { link: failure.link } : {}),
          });
        }
      }
      clearInterval(job.watcher);
      await rm(this.cancelFile(record.id), { force: true }).catch(() => {});
      // A server runs for weeks: a finished job is read from its file from now on, unless
      // that file could not be written (then memory is the only true copy).
      const saved = await this.persist(job).then(
        () => true,
        () => false,
      );
      if (saved) this.live.delete(record.id);
    })();
    return record;
  }

  /**
   * Makes this process the owner of a job whose owner is gone, under the job's lock: when a
   * restarted server and a CLI look at the same job at once, exactly one of them resumes it.
   */
  private claim(id: string): Promise<JobRecord | undefined> {
    return withFileLock(this.file(id), async () => {
      const record = await readJsonFile(this.file(id), JobRecordSchema);
      if (!record || record.status !== "running" || this.live.has(id)) return undefined;
      if (record.backend !== this.backend.name || ownerAlive(record)) return undefined;
      takeOwnership(record);
      record.updated_at = new Date().toISOString();
      await writeJsonFileAtomic(this.file(id), record);
      return record;
    });
  }

  /** A claimed job: a started render is resumed, anything else is reported as interrupted. */
  private async takeOver(record: JobRecord): Promise<"resumed" | "interrupted"> {
    if (record.kind === "export" && record.checkpoint) {
      this.resumeExport(record, record.checkpoint);
      return "resumed";
    }
    await this.markInterrupted(record);
    return "interrupted";
  }

  private resumeExport(record: JobRecord, checkpoint: ExportCheckpoint): void {
    record.progress = { message: "resuming the render after a restart", stage: "render" };
    this.start(
      "export",
      record.input,
      async (job, context) => {
        const result = await this.backend.resumeExport(checkpoint, {
          ...context,
          onCheckpoint: (next) => this.checkpoint(job, next),
        });
        job.record.export = result;
      },
      record,
    );
  }

  private async markInterrupted(record: JobRecord): Promise<void> {
    let timeline = "";
    try {
      timeline = (await this.backend.getState()).timeline;
    } catch {
      // The state cannot be read now; say so rather than guess.
    }
    record.status = "interrupted";
    record.updated_at = new Date().toISOString();
    const what =
      record.kind === "edit"
        ? "The server stopped while the agent was working on this edit, so its answer was lost. It may or may not have been applied"
        : "The server stopped before the render had started, so nothing was rendered";
    const next =
      record.kind === "edit"
        ? "The edit was not resent automatically: check the timeline before sending it again, since sending it twice could apply it twice and charge twice."
        : "Nothing was resent automatically: export again.";
    record.error = {
      code: "interrupted",
      message: `${what}.${timeline ? ` The timeline now reads: ${timeline}.` : " Check the timeline with get_state."} ${next}`,
    };
    if (record.kind === "edit" && timeline) {
      record.edit = { reply: record.error.message, replied: false, changes: [], timeline, suggestsExport: false };
    }
    await writeJsonFileAtomic(this.file(record.id), record);
  }

  private async checkpoint(job: LiveJob, checkpoint: ExportCheckpoint): Promise<void> {
    job.record.checkpoint = checkpoint;
    await this.persist(job);
  }

  private progress(job: LiveJob, event: ProgressEvent): void {
    job.record.progress = {
      message: event.message,
      stage: event.stage,
      ...(event.fraction !== undefined ? { percent: Math.round(Math.min(1, Math.max(0, event.fraction)) * 100) } : {}),
    };
    job.record.updated_at = new Date().toISOString();
    for (const listener of job.listeners) listener(event);
    if (Date.now() - job.lastPersist > PERSIST_PROGRESS_EVERY_MS) void this.persist(job).catch(() => {});
  }

  private finish(job: LiveJob, status: JobStatus, error?: { code: ErrorCode | "cancelled"; message: string; link?: string }): void {
    job.record.status = status;
    job.record.updated_at = new Date().toISOString();
    if (status === "completed") job.record.progress = { ...job.record.progress, message: "done", percent: 100 };
    if (error) job.record.error = error;
  }

  private persist(job: LiveJob): Promise<void> {
    job.lastPersist = Date.now();
    const write = job.writes.then(() => writeJsonFileAtomic(this.file(job.record.id), structuredClone(job.record)));
    job.writes = write.catch(() => {});
    return write;
  }

  private file(id: string): string {
    return join(this.dir, `${id}.json`);
  }

  private cancelFile(id: string): string {
    return join(this.dir, `${id}.cancel`);
  }
}

function takeOwnership(record: JobRecord): void {
  record.owner_pid = process.pid;
  const started = ownStartTicks();
  if (started === undefined) delete record.owner_started;
  else record.owner_started = started;
}

/** Whether the process that started a job is still running (then it owns the job). */
export function ownerAlive(record: JobRecord): boolean {
  const pid = record.owner_pid;
  // Our own pid on a job this process does not run: an earlier process with the same pid (a restarted container).
  if (!pid || pid === process.pid) return false;
  return isRunning(pid, record.owner_started);
}

function progressEventOf(record: JobRecord): ProgressEvent {
  return {
    stage: (record.progress.stage as ProgressEvent["stage"]) ?? "waiting",
    message: record.progress.message,
    ...(record.progress.percent !== undefined ? { fraction: record.progress.percent / 100 } : {}),
  };
}
