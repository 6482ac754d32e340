import { DEFAULT_LOUDNESS_TARGET, MAX_LOUDNESS_TARGET, MIN_LOUDNESS_TARGET, TRUE_PEAK_CEILING, parseLoudnessSetting } from "../../core/loudness.js";
import { VideoMakerError } from "../../core/errors.js";
import { checkExportTarget } from "../../core/output.js";
import { type Command, localMode } from "../context.js";
import { reportJob, runJobToEnd } from "./jobs-shared.js";

const SHARED =
  "Renders the timeline and saves the MP4; the file's absolute path is the last line of stdout. --out picks the folder (default: VIDEO_MAKER_OUTPUT_DIR), --name the file name (a free name is chosen when it exists).";

/** Only renders on this computer are brought to a loudness target (src/local/loudness.ts): the cloud's help does not offer it. */
export const exportCommand: Command = {
  name: "export",
  get usage() {
    return localMode() ? "export [--out DIR] [--name FILE] [--loudness LUFS|off]" : "export [--out DIR] [--name FILE]";
  },
  summary: "render the project and save the MP4 (prints its path last)",
  details: async () =>
    localMode()
      ? `${SHARED} The sound is delivered at a loudness target with one gain for the whole mix (default ${DEFAULT_LOUDNESS_TARGET} LUFS integrated, true peak at most ${TRUE_PEAK_CEILING} dBTP; VIDEO_MAKER_LOUDNESS sets another); --loudness picks one for this export (${MIN_LOUDNESS_TARGET} to ${MAX_LOUDNESS_TARGET}, e.g. -23 for broadcast) or off. The line before the path says the loudness measured and delivered.`
      : SHARED,
  get examples() {
    return localMode()
      ? ["video-maker export", "video-maker export --name promo --out ~/Videos", "video-maker export --loudness -16", "video-maker export --loudness off"]
      : ["video-maker export", "video-maker export --name promo --out ~/Videos"];
  },
  async run(context) {
    const { loudness } = context.options;
    if (loudness !== undefined && context.backend.name !== "local") {
      throw new VideoMakerError("invalid_input", "--loudness is for renders on this computer (VIDEO_MAKER_BACKEND=local); NemoVideo renders its exports itself.");
    }
    const target = {
      outputDir: context.options.out ?? context.config.outputDir,
      ...(context.options.name !== undefined ? { fileName: context.options.name } : {}),
      ...(loudness !== undefined ? { loudness: parseLoudnessSetting(loudness, "--loudness") } : {}),
    };
    await checkExportTarget(target);
    const job = context.jobs.startExport(target);
    return reportJob(context, await runJobToEnd(context, job));
  },
};
