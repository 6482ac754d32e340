import { z } from "zod";
import { editOutputShape, editView } from "../job-view.js";
import { defineJobTool, waitSecondsSchema } from "../tool.js";

export const editVideoTool = defineJobTool({
  name: "edit_video",
  requires: ["agent"],
  title: "Edit the video",
  description:
    "Send the person's request to the video editing agent in their own words, e.g. \"combine these clips into a 60-second promo video with text overlays and transitions\", \"cut the pauses, add background music\", \"add a title 'Summer Sale' for 3 seconds\". " +
    "Use it for everything that is not upload, state, credits or export. Upload the media first. " +
    "It starts a job and waits up to wait_seconds: most edits finish in 5–15 s, generating new footage can take minutes. " +
    "Returns the agent's reply (GUI wording already translated), the list of changes and the timeline. " +
    "If status is \"running\", call get_job with the job_id; never send the same instruction again (it would be charged twice). " +
    "When suggests_export is true, offer export_video.",
  inputSchema: {
    instruction: z
      .string({ error: "instruction must be text" })
      .min(1, { error: "instruction cannot be empty: say what the video should become" })
      .max(8000, { error: "instruction is too long; keep it under 8000 characters" })
      .describe("What to do, in the person's words"),
    wait_seconds: waitSecondsSchema,
  },
  outputSchema: editOutputShape,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  job: {
    kind: "edit",
    start: async (args, { backend, jobs }) => jobs.startEdit(args.instruction, backend.agent),
    view: editView,
  },
  changesTimeline: true,
});
