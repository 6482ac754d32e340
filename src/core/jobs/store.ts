import { access, readdir, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { EditResult, ExportCheckpoint, ExportResult } from "../backend.js";
import { readJsonFile, withFileLock, writeJsonFileAtomic } from "../store.js";

/**
 * Jobs on disk: one `<id>.json` per job under `<home>/jobs`, written atomically, so a
 * restarted process (or the CLI next to a server) reads the same truth. A `<id>.cancel`
 * file beside it asks the process running the job to stop.
 */

export const JobKindSchema = z.enum(["edit", "export"]);
export const JobStatusSchema = z.enum(["running", "completed", "failed", "cancelled", "interrupted"]);
const BackendNameSchema = z.enum(["nemo", "local"]);

export type JobKind = z.infer<typeof JobKindSchema>;
export type JobStatus = z.infer<typeof JobStatusSchema>;

export const ExportCheckpointSchema = z.object({
  backend: BackendNameSchema,
  render_id: z.string(),
  session_id: z.string(),
  output_path: z.string(),
  started_at: z.string(),
  download_url: z.string().optional(),
});

export const EditResultSchema = z.object({
  reply: z.string(),
  replied: z.boolean(),
  changes: z.array(z.string()),
  timeline: z.string(),
  suggestsExport: z.boolean(),
});

export const ExportResultSchema = z.object({ render_id: z.string(), file: z.string(), bytes: z.number() });

// The backend contract states these as interfaces; a field added on one side and not the
// other stops the build here instead of vanishing from the job file.
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Holds<T extends true> = T;
type SchemasMatchBackend = [
  Holds<Same<z.infer<typeof ExportCheckpointSchema>, ExportCheckpoint>>,
  Holds<Same<z.infer<typeof EditResultSchema>, EditResult>>,
  Holds<Same<z.infer<typeof ExportResultSchema>, ExportResult>>,
];

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
  checkpoint: ExportCheckpointSchema.optional(),
  edit: EditResultSchema.optional(),
  export: ExportResultSchema.optional(),
  error: JobErrorSchema.optional(),
});

export type JobRecord = z.infer<typeof JobRecordSchema>;

/** Ids are made by the runner (`edit_1a2b3c4d5e6f`); anything else never reaches the disk. */
const JOB_ID = /^[a-z]+_[0-9a-f]{12}$/;
const KEEP_FINISHED_JOBS_MS = 7 * 24 * 3600 * 1000;

export class JobStore {
  readonly dir: string;

  constructor(home: string) {
    this.dir = join(home, "jobs");
  }

  /** The job as last written, or undefined (unknown id, or a damaged file). */
  read(id: string): Promise<JobRecord | undefined> {
    if (!JOB_ID.test(id)) return Promise.resolve(undefined);
    return readJsonFile(this.file(id), JobRecordSchema);
  }

  write(record: JobRecord): Promise<void> {
    return writeJsonFileAtomic(this.file(record.id), record);
  }

  /**
   * Read-modify-write under the job's lock, so two processes looking at the same job (a
   * restarted server and a CLI) cannot both change it. `change` returns the record to
   * write, or undefined to leave the file as it is.
   */
  update(id: string, change: (record: JobRecord) => JobRecord | undefined): Promise<JobRecord | undefined> {
    if (!JOB_ID.test(id)) return Promise.resolve(undefined);
    return withFileLock(this.file(id), async () => {
      const record = await readJsonFile(this.file(id), JobRecordSchema);
      const next = record && change(record);
      if (next) await this.write(next);
      return next;
    });
  }

  /** Every stored job, newest first; damaged files are skipped. */
  async list(): Promise<JobRecord[]> {
    const records: JobRecord[] = [];
    for (const name of await this.names()) {
      const record = await readJsonFile(join(this.dir, name), JobRecordSchema);
      if (record) records.push(record);
    }
    // ISO times sort as text; the id breaks ties between jobs started in the same millisecond.
    return records.sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id));
  }

  /** Removes finished jobs not touched for a week: a server runs for months. */
  async sweep(now = Date.now()): Promise<void> {
    for (const name of await this.names()) {
      const path = join(this.dir, name);
      const record = await readJsonFile(path, JobRecordSchema);
      if (!record || record.status === "running") continue;
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
