import { z } from "zod";
import { JobStatusSchema, isUnfinished } from "../../core/jobs.js";
import { type Offer, defineTool } from "../tool.js";

export const cancelJobTool = (offer: Offer) =>
  defineTool({
    name: "cancel_job",
    title: "Cancel a job",
    description:
      (offer.agent
        ? "Stop a running edit or export. An export stops polling and downloading (nothing is written); an edit stops listening to the agent, though the service may still finish it, so check get_state afterwards. "
        : "Stop a running or queued export: the render stops (or never starts) and no file is written. ") +
      "Use it only when the person asks to stop.",
    inputSchema: {
      job_id: z.string({ error: "job_id must be text" }).min(1, { error: "job_id cannot be empty" }).max(64, { error: "job_id is too long to be a job id" }).describe("The job to stop"),
    },
    outputSchema: {
      job_id: z.string(),
      status: JobStatusSchema.describe("The job's status after the request"),
    },
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    async run(args, { jobs }) {
      const wasRunning = isUnfinished((await jobs.require(args.job_id)).status);
      const record = await jobs.cancel(args.job_id);
      const text =
        wasRunning && record.status === "cancelled"
          ? `Cancelled job ${record.id}.`
          : `Job ${record.id} had already ended (${record.status}); nothing to cancel.`;
      return { structured: { job_id: record.id, status: record.status }, text };
    },
  });
