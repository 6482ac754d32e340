import { access, readdir, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { BackendName, EditResult, ExportCheckpoint, ExportResult } from "../backend.js";
import { VideoMakerError } from "../errors.js";
import { LoudnessReportSchema } from "../loudness.js";
import { keepDamagedCopy, readJsonFile, readJsonState, withFileLock, writeJsonFileAtomic } from "../store.js";

/**
 * Jobs on disk: one `<id>.json` per job under `<home>/jobs`, written atomically, so a
 * restarted process (or the CLI next to a server) reads the same truth. A `<id>.cancel`
 * file beside it asks the process running the job to stop.
 */

export const JobKindSchema = z.enum(["edit", "export"]);
/** "queued": started, waiting for its turn (a local render behind others on the same home); it starts by itself. */
export const JobStatusSchema = z.enum(["queued", "running", "completed", "failed", "cancelled", "interrupted"]);
const BackendNameSchema = z.enum(["nemo", "local"]);

export type JobKind = z.infer<typeof JobKindSchema>;
export type JobStatus = z.infer<typeof JobStatusSchema>;

/** Queued or running: the job has not ended, so callers keep waiting and a cancel still stops it. */
export function isUnfinished(status: JobStatus): boolean {
  return status === "queued" || status === "running";
}

// --- the job file ------------------------------------------------------------------------
// A job file is snake_case JSON, as every version has written it, so a restarted (or newer)
// process reads the jobs an older one left and resumes their renders. The code's JobRecord
// is camelCase; jobToFile and jobFromFile below are the only place one becomes the other,
// and the types below check that each file shape is the code's with its keys in snake_case.

const CheckpointFileSchema = z.object({
  backend: BackendNameSchema,
  render_id: z.string(),
  session_id: z.string(),
  output_path: z.string(),
  started_at: z.string(),
  download_url: z.string().optional(),
  retried: z.boolean().optional(),
  loudness: z.union([z.number(), z.literal("off")]).optional(),
});

/** An edit's result, stored as the code spells it (its one two-word key has always been camelCase on disk). */
export const EditResultSchema = z.object({
  reply: z.string(),
  replied: z.boolean(),
  changes: z.array(z.string()),
  timeline: z.string(),
  suggestsExport: z.boolean(),
});

export const ExportResultFileSchema = z.object({
  render_id: z.string(),
  file: z.string(),
  bytes: z.number(),
  // Its keys are one word each, so they read the same in the code and in the file.
  loudness: LoudnessReportSchema.optional(),
});

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

export const JobFileSchema = z.object({
  id: z.string(),
  kind: JobKindSchema,
  status: JobStatusSchema,
  backend: BackendNameSchema,
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
  checkpoint: CheckpointFileSchema.optional(),
  edit: EditResultSchema.optional(),
  export: ExportResultFileSchema.optional(),
  error: JobErrorSchema.optional(),
});

export type JobFile = z.infer<typeof JobFileSchema>;

/** A job as the code holds it; `jobToFile` spells it for the disk. */
export interface JobRecord {
  id: string;
  kind: JobKind;
  status: JobStatus;
  backend: BackendName;
  createdAt: string;
  updatedAt: string;
  progress: JobProgress;
  /** The process running the job; another process leaves a live owner's job alone. */
  ownerPid?: number;
  /** The owner's start time (Linux clock ticks), so a later process that got its pid is not taken for it. */
  ownerStarted?: string;
  input: { instruction?: string; outputDir?: string; fileName?: string };
  checkpoint?: ExportCheckpoint;
  edit?: EditResult;
  export?: ExportResult;
  error?: JobError;
}

/** The latest progress line, with the current stage's percent when it has one. */
export type JobProgress = z.infer<typeof ProgressSchema>;
export type JobError = z.infer<typeof JobErrorSchema>;

// Each file shape is the code's shape with its keys in snake_case (the edit result, whose
// file spelling predates this rule, is the code's shape as it is): a field added on one
// side and not the other stops the build here instead of vanishing from the job file.
type Snake<S extends string> = S extends `${infer Head}${infer Tail}`
  ? `${Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`}${Snake<Tail>}`
  : S;
type SnakeKeys<T> = { [K in keyof T as K extends string ? Snake<K> : K]: T[K] };
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Holds<T extends true> = T;
type FileSchemasMatchCode = [
  Holds<Same<z.infer<typeof CheckpointFileSchema>, SnakeKeys<ExportCheckpoint>>>,
  Holds<Same<z.infer<typeof EditResultSchema>, EditResult>>,
  Holds<Same<z.infer<typeof ExportResultFileSchema>, SnakeKeys<ExportResult>>>,
  Holds<Same<JobFile["input"], SnakeKeys<JobRecord["input"]>>>,
  Holds<Same<keyof JobFile, keyof SnakeKeys<JobRecord>>>,
];

/** A job's keys as its file spells them, and back: the record's own, and those of its input, checkpoint and export. */
export function jobToFile(record: JobRecord): JobFile {
  return spellJob<JobFile>(record, (key) => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`));
}

export function jobFromFile(file: JobFile): JobRecord {
  return spellJob<JobRecord>(file, (key) => key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase()));
}

/** Progress, edit and error read the same on both sides; keys keep their order, so a file reads back as it was written. */
const SPELLED_INSIDE = new Set(["input", "checkpoint", "export"]);

function spellJob<T>(job: object, spell: (key: string) => string): T {
  const respelled = (value: object) => Object.fromEntries(Object.entries(value).map(([key, inner]) => [spell(key), inner]));
  return Object.fromEntries(
    Object.entries(job).map(([key, value]) => [spell(key), SPELLED_INSIDE.has(key) && value ? respelled(value as object) : value]),
  ) as T;
}

/** Reads a job file into the code's record (a file that does not match is damaged). */
const JobRecordFromFile = JobFileSchema.transform(jobFromFile);

/** Ids are made by the runner (`edit_1a2b3c4d5e6f`); anything else never reaches the disk. */
const JOB_ID = /^[a-z]+_[0-9a-f]{12}$/;
/** How long a finished job is kept after its last change (then swept). */
export const KEEP_FINISHED_JOBS_MS = 7 * 24 * 3600 * 1000;

export class JobStore {
  readonly dir: string;

  constructor(home: string) {
    this.dir = join(home, "jobs");
  }

  /** The job as last written, or undefined for an unknown id. A damaged file is kept and reported (state_damaged). */
  read(id: string): Promise<JobRecord | undefined> {
    if (!JOB_ID.test(id)) return Promise.resolve(undefined);
    return this.readOrReport(id);
  }

  private async readOrReport(id: string): Promise<JobRecord | undefined> {
    const path = this.file(id);
    const state = await readJsonState(path, JobRecordFromFile);
    if (state.status === "ok") return state.value;
    if (state.status === "absent") return undefined;
    // Reading it as missing would lose an export's checkpoint without a word.
    const keptAs = await keepDamagedCopy(path, state.bytes);
    throw new VideoMakerError(
      "state_damaged",
      `The record of job ${id} cannot be read: ${state.reason}. The file is ${path}; a copy was kept as ${keptAs}, ` +
        "and video-maker will not save over it. If it was an export, its video may already be in the output folder; otherwise start it again.",
    );
  }

  write(record: JobRecord): Promise<void> {
    return writeJsonFileAtomic(this.file(record.id), jobToFile(record));
  }

  /**
   * Read-modify-write under the job's lock, so two processes looking at the same job (a
   * restarted server and a CLI) cannot both change it. `change` returns the record to
   * write, or undefined to leave the file as it is.
   */
  update(id: string, change: (record: JobRecord) => JobRecord | undefined): Promise<JobRecord | undefined> {
    if (!JOB_ID.test(id)) return Promise.resolve(undefined);
    return withFileLock(this.file(id), async () => {
      const record = await this.readOrReport(id);
      const next = record && change(record);
      if (next) await this.write(next);
      return next;
    });
  }

  /** Every stored job, newest first; damaged files are skipped. */
  async list(): Promise<JobRecord[]> {
    const records: JobRecord[] = [];
    for (const name of await this.names()) {
      const record = await readJsonFile(join(this.dir, name), JobRecordFromFile);
      if (record) records.push(record);
    }
    // ISO times sort as text; the id breaks ties between jobs started in the same millisecond.
    return records.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
  }

  /** Removes finished jobs not touched for a week: a server runs for months. */
  async sweep(now = Date.now()): Promise<void> {
    for (const name of await this.names()) {
      const path = join(this.dir, name);
      const record = await readJsonFile(path, JobRecordFromFile);
      if (!record || isUnfinished(record.status)) continue;
      try {
        if (now - (await stat(path)).mtimeMs > KEEP_FINISHED_JOBS_MS) await rm(path, { force: true });
      } catch {
        // Removed by another process meanwhile.
      }
    }
  }

  /** Asks the process running the job to stop (it polls for this file). */
  requestCancel(id: string): Promise<void> {
    return writeFile(this.cancelFile(id), String(process.pid), { mode: 0o600 });
  }

  cancelRequested(id: string): Promise<boolean> {
    return access(this.cancelFile(id)).then(
      () => true,
      () => false,
    );
  }

  clearCancel(id: string): Promise<void> {
    return rm(this.cancelFile(id), { force: true }).catch(() => {});
  }

  private async names(): Promise<string[]> {
    try {
      return (await readdir(this.dir)).filter((name) => name.endsWith(".json"));
    } catch {
      return [];
    }
  }

  private file(id: string): string {
    return join(this.dir, `${id}.json`);
  }

  private cancelFile(id: string): string {
    return join(this.dir, `${id}.cancel`);
  }
}
