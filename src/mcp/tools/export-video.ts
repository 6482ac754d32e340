import { checkExportTarget } from "../../core/output.js";
import { fileNameSchema, outputDirSchema, outputFolder } from "../paths.js";
import { exportOutputShape, exportView } from "../job-view.js";
import { type Offer, defineJobTool, waitSecondsSchema } from "../tool.js";

export const exportVideoTool = (offer: Offer) =>
  defineJobTool({
    name: "export_video",
    title: "Export the MP4",
    description:
      "Render the current timeline to an MP4 and save it on this computer. Use it when the person says export, download, render, \"send me the video\" or 导出, or when the agent says to click Export. Exporting costs no credits. " +
      "It starts a job and waits up to wait_seconds (a render takes 30–90 s plus the download). " +
      "When status is \"completed\", `file` is the absolute path of the MP4 (also given as a resource link); if it is \"running\", call get_job with the job_id. " +
      // Renders on this computer take turns (src/local/render-slots.ts); the cloud queues nothing of ours.
      (offer.backend === "local"
        ? "Renders on this computer run one after another: while others go first the status is \"queued\" with the place in line in `message`; it starts by itself, so call get_job and do not export again. "
        : "") +
      "An existing file is never overwritten: a free name such as \"promo (2).mp4\" is used.",
    inputSchema: {
      output_dir: outputDirSchema,
      file_name: fileNameSchema('File name without folders, e.g. "summer-promo.mp4" (.mp4 is added when missing)'),
      wait_seconds: waitSecondsSchema,
    },
    outputSchema: exportOutputShape,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    app: "view",
    job: {
      kind: "export",
      async start(args, { jobs, config }) {
        const target = { outputDir: outputFolder(args.output_dir, config.outputDir), ...(args.file_name !== undefined ? { fileName: args.file_name } : {}) };
        await checkExportTarget(target);
        return jobs.startExport(target);
      },
      view: exportView,
    },
  });
