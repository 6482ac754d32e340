/**
 * Jobs, the front door: `jobs/store.ts` keeps them on disk, `jobs/runner.ts` runs them
 * (`JobManager`), `jobs/messages.ts` says what they mean to a person.
 */
export { JobManager, type WaitOptions, ownerAlive } from "./jobs/runner.js";
export {
  EditResultSchema,
  ExportCheckpointSchema,
  ExportResultSchema,
  type JobKind,
  JobKindSchema,
  type JobRecord,
  JobRecordSchema,
  type JobStatus,
  JobStatusSchema,
  JobStore,
} from "./jobs/store.js";
export { type JobMessages, jobMessages } from "./jobs/messages.js";
