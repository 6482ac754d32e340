import { isUnfinished } from "../../core/jobs.js";
import { type Command, EXIT, printJson } from "../context.js";

export const cancelCommand: Command = {
  name: "cancel",
  usage: "cancel <id>",
  summary: "stop a running or queued edit or export",
  details: "Stops the job, even when another video-maker process (an MCP server, another terminal) runs it. Exit 0 when it was stopped or had already ended.",
  examples: ["video-maker cancel export_1a2b3c4d5e6f"],
  async run(context) {
    const id = context.args[0] ?? "";
    const before = await context.jobs.require(id);
    const record = await context.jobs.cancel(id);
    if (context.json) printJson(context, { job_id: record.id, status: record.status });
    else if (!isUnfinished(before.status)) context.io.out(`Job ${id} had already ended (${before.status}).`);
    else if (record.status === "cancelled") context.io.out(`Cancelled job ${id}.`);
    else context.io.out(`Asked job ${id} to stop; it is still ${record.status}.`);
    return EXIT.ok;
  },
};
