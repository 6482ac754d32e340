import { checkExportTarget } from "../../core/output.js";
import type { Command } from "../context.js";
import { reportJob, runJobToEnd } from "./jobs-shared.js";

export const exportCommand: Command = {
  name: "export",
  usage: "export [--out DIR] [--name FILE]",
  summary: "render the project and save the MP4 (prints its path last)",
  async run(context) {
    const target = {
      outputDir: context.options.out ?? context.config.outputDir,
      ...(context.options.name !== undefined ? { fileName: context.options.name } : {}),
    };
    await checkExportTarget(target);
    const job = context.jobs.startExport(target);
    return reportJob(context, await runJobToEnd(context, job));
  },
};
