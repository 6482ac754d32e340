import { isUnfinished } from "../../core/jobs.js";
import type { Command } from "../context.js";
import { reportJob, runJobToEnd } from "./jobs-shared.js";

export const jobCommand: Command = {
  name: "job",
  usage: "job <id> [--wait]",
  summary: "show an edit or export job; --wait waits for it to finish",
  details: "Shows a job an edit or an export started (its id is printed when it starts). --wait waits until it ends.",
  examples: ["video-maker job export_1a2b3c4d5e6f", "video-maker job export_1a2b3c4d5e6f --wait"],
  async run(context) {
    const id = context.args[0] ?? "";
    // Without --wait it only reads what is stored: taking over a render this process would leave
    // at once (or with the network down) would turn a resumable export into a failed one.
    if (!context.options.wait) return reportJob(context, await context.jobs.require(id));
    // A job left by a process that is gone is taken over here: a render resumes, an edit is reported.
    let record = await context.jobs.adopt(id);
    if (isUnfinished(record.status)) {
      record = context.jobs.running().some((job) => job.id === id)
        ? await runJobToEnd(context, record)
        : await waitForOtherProcess(context, id);
    }
    return reportJob(context, record);
  },
};

async function waitForOtherProcess(context: Parameters<Command["run"]>[0], id: string) {
  let last = "";
  for (;;) {
    const record = await context.jobs.require(id);
    if (!isUnfinished(record.status) || context.signal.aborted) return record;
    if (!context.json && record.progress.message !== last) {
      last = record.progress.message;
      context.io.err(`… ${last}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
