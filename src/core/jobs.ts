/**
 * Jobs, the front door: `jobs/store.ts` keeps them on disk, `jobs/runner.ts` runs them
 * (`JobManager`), `jobs/messages.ts` says what they mean to a person.
 */
export { JobManager, type WaitOptions } from "./jobs/runner.js";
export { ownerAlive } from "./jobs/ownership.js";
export {
  EditResultSchema,
  ExportResultFileSchema,
  type JobFile,
  JobFileSchema,
  type JobKind,
  JobKindSchema,
  type JobProgress,
  type JobRecord,
  type JobStatus,
  JobStatusSchema,
  JobStore,
  KEEP_FINISHED_JOBS_MS,
  isUnfinished,
  jobFromFile,
  jobToFile,
} from "./jobs/store.js";
export { type JobMessages, jobMessages } from "./jobs/messages.js";
