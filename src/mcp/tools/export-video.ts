import { checkExportTarget } from "../../core/output.js";
import { fileNameSchema, outputDirSchema, outputFolder } from "../paths.js";
import { DEFAULT_LOUDNESS_TARGET, type LoudnessSetting, LoudnessSettingSchema, MAX_LOUDNESS_TARGET, MIN_LOUDNESS_TARGET, TRUE_PEAK_CEILING } from "../../core/loudness.js";
import { exportOutputShape, exportView, loudnessOutputShape } from "../job-view.js";
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
      "An existing file is never overwritten: a free name such as \"promo (2).mp4\" is used." +
      // Local renders are measured and brought to a loudness target (src/local/loudness.ts); the cloud's are the service's.
      (offer.backend === "local"
        ? ` The sound is delivered at the configured loudness (default ${DEFAULT_LOUDNESS_TARGET} LUFS, true peak at most ${TRUE_PEAK_CEILING} dBTP, what the large platforms play at) with one gain for the whole mix, and the answer says the loudness measured and delivered; \`loudness\` asks for another target or "off".`
        : ""),
    inputSchema: {
      output_dir: outputDirSchema,
      file_name: fileNameSchema('File name without folders, e.g. "summer-promo.mp4" (.mp4 is added when missing)'),
      ...(offer.backend === "local"
        ? {
            loudness: LoudnessSettingSchema.optional().describe(
              `Integrated loudness to deliver, in LUFS (${MIN_LOUDNESS_TARGET} to ${MAX_LOUDNESS_TARGET}; -14 for YouTube, Spotify, TikTok; -16 for Apple podcasts; -23 for EBU broadcast), or "off" to keep the mix as it is (default: the configured one, ${DEFAULT_LOUDNESS_TARGET} unless set)`,
            ),
          }
        : {}),
      wait_seconds: waitSecondsSchema,
    },
    outputSchema: offer.backend === "local" ? { ...exportOutputShape, ...loudnessOutputShape } : exportOutputShape,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    app: "view",
    job: {
      kind: "export",
      async start(args, { jobs, config }) {
        const target = {
          outputDir: outputFolder(args.output_dir, config.outputDir),
          ...(args.file_name !== undefined ? { fileName: args.file_name } : {}),
          // Only the local schema has it (zod checked it there); the spread of a conditional shape loses its type.
          ...(args.loudness !== undefined ? { loudness: args.loudness as LoudnessSetting } : {}),
        };
        await checkExportTarget(target);
        return jobs.startExport(target);
      },
      view: exportView,
    },
  });
