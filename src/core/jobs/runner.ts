import { randomBytes } from "node:crypto";
import type {
  AgentCapability,
  Backend,
  BackendName,
  EditResult,
  ExportCheckpoint,
  ExportRequest,
  ExportResult,
  ProgressEvent,
} from "../backend.js";
import { type ErrorCode, VideoMakerError, toVideoMakerError } from "../errors.js";
import { checkInstruction } from "../instruction.js";
import type { SurfaceNames } from "../surface.js";
import { type JobMessages, jobMessages } from "./messages.js";
import { ownerAlive, takeOwnership } from "./ownership.js";
import { type JobKind, type JobRecord, type JobStatus, JobStore, isUnfinished } from "./store.js";

/**
 * Long operations (an agent edit can take 15 minutes, a render 30–90 s plus the download)
 * run as jobs: they outlive the call that started them, report progress to whoever waits,
 * and are written to disk so a restarted process can resume a cloud render and tell the
 * truth about an edit it lost.
 */

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

export class JobManager {
  private readonly store: JobStore;
  private readonly say: JobMessages;
  private readonly live = new Map<string, LiveJob>();

  constructor(
    home: string,
    private readonly backend: Backend,
    names: SurfaceNames,
  ) {
    this.store = new JobStore(home);
    this.say = jobMessages(names, { agent: backend.agent !== undefined });
  }

  /** An edit by the backend's agent (only a backend with one has an edit tool or command). */
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
      { outputDir: request.outputDir, ...(request.fileName ? { fileName: request.fileName } : {}) },
      async (job, context) => {
        const result = await this.backend.exportVideo(request, {
          ...context,
          onCheckpoint: (checkpoint) => this.checkpoint(job, checkpoint),
        });
        job.record.export = result satisfies ExportResult;
      },
    );
  }

  /** A job that failed before its work could start (refused input), for a caller that must be answered with a job. */
  startFailed(kind: JobKind, input: JobRecord["input"], error: unknown): JobRecord {
    return this.start(kind, input, () => Promise.reject(error));
  }

  /** A job by id: live in this process, else as last written to disk. */
  async get(id: string): Promise<JobRecord | undefined> {
    return this.live.get(id)?.record ?? this.store.read(id);
  }

  async require(id: string): Promise<JobRecord> {
    const job = await this.get(id);
    if (!job) throw new VideoMakerError("invalid_input", this.say.noSuchJob(id));
    return job;
  }

  /**
   * Waits up to `ms` for the job to finish, forwarding its progress. Returns the record as
   * it stands then: still unfinished ("queued" or "running") when the time ran out or the waiter's signal fired.
   */
  async wait(id: string, ms: number, options: WaitOptions = {}): Promise<JobRecord> {
    const live = this.live.get(id);
    if (!live || !isUnfinished(live.record.status)) return this.require(id);
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
      if (isUnfinished(live.record.status)) {
        live.controller.abort();
        await live.done;
      }
      return live.record;
    }
    const record = await this.require(id);
    if (!isUnfinished(record.status)) return record;
    if (!ownerAlive(record)) {
      record.status = "cancelled";
      record.updatedAt = new Date().toISOString();
      record.error = { code: "cancelled", message: this.say.cancelled };
      await this.store.write(record);
      return record;
    }
    await this.store.requestCancel(id);
    const deadline = Date.now() + waitForOwnerMs;
    for (;;) {
      const now = await this.require(id);
      if (!isUnfinished(now.status) || Date.now() > deadline) return now;
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
    if (!isUnfinished(record.status) || ownerAlive(record) || record.backend !== this.backend.name) return record;
    const claimed = await this.claim(id);
    if (!claimed) return this.require(id);
    await this.takeOver(claimed);
    return claimed;
  }

  /** Every job, newest first: live ones as they stand in memory, the others as last written. */
  async list(): Promise<JobRecord[]> {
    return (await this.store.list()).map((record) => this.live.get(record.id)?.record ?? record);
  }

  /** The jobs queued or running in this process (records, not ids), oldest first: in the order this process started or resumed them. */
  running(): JobRecord[] {
    return [...this.live.values()].map((job) => job.record).filter((record) => isUnfinished(record.status));
  }

  /**
   * After a restart: cloud renders that were started are polled and downloaded again;
   * an edit whose stream died with the old process is reported as interrupted, with the
   * timeline as the service now has it. Old finished jobs are removed.
   */
  async resumeAll(): Promise<{ resumed: string[]; interrupted: string[] }> {
    const resumed: string[] = [];
    const interrupted: string[] = [];
    await this.store.sweep();
    for (const record of await this.store.list()) {
      if (!isUnfinished(record.status) || this.live.has(record.id)) continue;
      if (record.backend !== this.backend.name || ownerAlive(record)) continue;
      const claimed = await this.claim(record.id);
      if (!claimed) continue;
      if ((await this.takeOver(claimed)) === "resumed") resumed.push(claimed.id);
      else interrupted.push(claimed.id);
    }
    return { resumed, interrupted };
  }

  /**
   * Forgets the jobs held in memory, without waiting for them or stopping them: work still
   * under way goes on until the process exits and writes its end to disk if it gets there.
   * Used when the process is shutting down.
   */
  async close(): Promise<void> {
    this.live.clear();
  }

  // --- internals ----------------------------------------------------------

  private refuseWhileEditing(): void {
    const editing = this.running().find((job) => job.kind === "edit");
    if (editing) throw new VideoMakerError("invalid_input", this.say.editStillRunning(editing.id));
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
      createdAt: now,
      updatedAt: now,
      progress: { message: this.say.starting(kind) },
      input,
    };
    takeOwnership(record);
    void this.store.clearCancel(record.id);
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
      void this.store.cancelRequested(record.id).then((asked) => {
        if (asked) controller.abort();
      });
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
          this.finish(job, "cancelled", { code: "cancelled", message: this.say.cancelled });
        } else {
          this.finish(job, "failed", {
            code: failure.code,
            message: failure.message,
            ...(failure.link ? { link: failure.link } : {}),
          });
        }
      }
      clearInterval(job.watcher);
      await this.store.clearCancel(record.id);
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
    return this.store.update(id, (record) => {
      if (!isUnfinished(record.status) || this.live.has(id)) return undefined;
      if (record.backend !== this.backend.name || ownerAlive(record)) return undefined;
      takeOwnership(record);
      record.updatedAt = new Date().toISOString();
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
    record.status = "running";
    record.progress = { message: this.say.resuming, stage: "render" };
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
    record.updatedAt = new Date().toISOString();
    record.error = { code: "interrupted", message: this.say.interrupted(record.kind, timeline) };
    if (record.kind === "edit" && timeline) {
      record.edit = { reply: record.error.message, replied: false, changes: [], timeline, suggestsExport: false };
    }
    await this.store.write(record);
  }

  private async checkpoint(job: LiveJob, checkpoint: ExportCheckpoint): Promise<void> {
    job.record.checkpoint = checkpoint;
    await this.persist(job);
  }

  private progress(job: LiveJob, event: ProgressEvent): void {
    // What the work still says once it is being stopped, or after it ended, is not progress:
    // a cancelled or failed job keeps the progress it reached.
    if (!isUnfinished(job.record.status) || job.controller.signal.aborted) return;
    // A render waiting for its turn is "queued"; its first other line means it has started.
    const status: JobStatus = event.stage === "queued" ? "queued" : "running";
    const changed = status !== job.record.status;
    job.record.status = status;
    job.record.progress = {
      message: event.message,
      stage: event.stage,
      ...(event.fraction !== undefined ? { percent: Math.round(Math.min(1, Math.max(0, event.fraction)) * 100) } : {}),
    };
    job.record.updatedAt = new Date().toISOString();
    for (const listener of job.listeners) listener(event);
    // A change of status is written at once: another process (`video-maker job`, get_job) reads it from the file.
    if (changed || Date.now() - job.lastPersist > PERSIST_PROGRESS_EVERY_MS) void this.persist(job).catch(() => {});
  }

  private finish(job: LiveJob, status: JobStatus, error?: { code: ErrorCode | "cancelled"; message: string; link?: string }): void {
    job.record.status = status;
    job.record.updatedAt = new Date().toISOString();
    if (status === "completed") job.record.progress = { ...job.record.progress, message: this.say.done, percent: 100 };
    if (error) job.record.error = error;
  }

  private persist(job: LiveJob): Promise<void> {
    job.lastPersist = Date.now();
    const write = job.writes.then(() => this.store.write(structuredClone(job.record)));
    job.writes = write.catch(() => {});
    return write;
  }
}

function progressEventOf(record: JobRecord): ProgressEvent {
  return {
    stage: (record.progress.stage as ProgressEvent["stage"]) ?? "waiting",
    message: record.progress.message,
    ...(record.progress.percent !== undefined ? { fraction: record.progress.percent / 100 } : {}),
  };
}
