import { checkExportTarget } from "../../core/output.js";
import type { Command } from "../context.js";
import { reportJob, runJobToEnd } from "./jobs-shared.js";

export const exportCommand: Command = {
  name: "export",
  usage: "export [--out DIR] [--name FILE]",
  summary: "render the project and save the MP4 (prints its path last)",
  details: "Renders the timeline and saves the MP4; the file's absolute path is the last line of stdout. --out picks the folder (default: VIDEO_MAKER_OUTPUT_DIR), --name the file name (a free name is chosen when it exists).",
  examples: ["video-maker export", "video-maker export --name promo --out ~/Videos"],
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
