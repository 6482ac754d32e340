import { z } from "zod";
import { jobOutputShape, jobView, loudnessOutputShape } from "../job-view.js";
import { type Offer, defineTool, waitMs, waitSecondsSchema } from "../tool.js";

export const getJobTool = (offer: Offer) =>
  defineTool({
    name: "get_job",
    title: "Wait for a job",
    description:
      (offer.agent
        ? "Check on an edit or export that came back with status \"running\", waiting up to wait_seconds for it to finish. " +
          "Returns the same fields as the tool that started it (edit: reply, changes, timeline; export: progress and, when completed, the file path). "
        : "Check on an export that came back with status \"queued\" or \"running\", waiting up to wait_seconds for it to finish. " +
          "Returns what export_video returns: progress and, when completed, the file path. ") +
      (offer.agent
        ? "Keep calling it while status is \"running\"; tell the person it is still working."
        : "Keep calling it while status is \"queued\" (waiting for other renders on this computer; message says its place) or \"running\"; tell the person it is still working."),
    inputSchema: {
      job_id: z.string({ error: "job_id must be text" }).min(1, { error: "job_id cannot be empty" }).max(64, { error: "job_id is too long to be a job id" }).describe(offer.agent ? "The job_id returned by edit_video or export_video" : "The job_id returned by export_video"),
      wait_seconds: waitSecondsSchema,
    },
    outputSchema: offer.backend === "local" ? { ...jobOutputShape, ...loudnessOutputShape } : jobOutputShape,
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    async run(args, { jobs }, call) {
      // A job left running by a process that is gone (a killed CLI) is taken over here.
      await jobs.adopt(args.job_id);
      const record = await jobs.wait(args.job_id, waitMs(args.wait_seconds), { signal: call.signal, onProgress: call.progress });
      return jobView(record);
    },
  });
