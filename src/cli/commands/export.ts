import { DEFAULT_LOUDNESS_TARGET, MAX_LOUDNESS_TARGET, MIN_LOUDNESS_TARGET, TRUE_PEAK_CEILING, parseLoudnessSetting } from "../../core/loudness.js";
import { VideoMakerError } from "../../core/errors.js";
import { checkExportTarget } from "../../core/output.js";
import { EXIT, type Command, type CommandContext, defineCommand, printJson } from "../context.js";
import { PROJECT_FORMATS, formatsHelp } from "../../local/project/writers.js";
import { reportJob, runJobToEnd } from "./jobs-shared.js";

/** The MP4 export, on every backend. NemoVideo renders its exports itself: no loudness, no project file here. */
export const exportCommand: Command = {
  name: "export",
  usage: "export [--out DIR] [--name FILE]",
  summary: "render the project and save the MP4 (prints its path last)",
  details: "Renders the timeline and saves the MP4; the file's absolute path is the last line of stdout. --out picks the folder (default: VIDEO_MAKER_OUTPUT_DIR), --name the file name (a free name is chosen when it exists).",
  examples: ["video-maker export", "video-maker export --name promo --out ~/Videos"],
  async run(context) {
    if (context.options.project !== undefined) {
      // Only an editor keeps a timeline file to hand over; this backend lists no --project.
      throw new VideoMakerError("invalid_input", "Saving the project for another editor (--project) needs the local backend (VIDEO_MAKER_BACKEND=local); here the export is the MP4.");
    }
    if (context.options.loudness !== undefined) {
      throw new VideoMakerError("invalid_input", "--loudness is for renders on this computer (VIDEO_MAKER_BACKEND=local); NemoVideo renders its exports itself.");
    }
    return exportMp4(context);
  },
};

/**
 * The same command where there is an editor (renders on this computer): the MP4 delivered at a
 * loudness target (src/local/loudness.ts), or the timeline as a project file for another editor.
 */
export const editorExportCommand = defineCommand({
  name: "export",
  requires: ["editor"],
  usage: `export [--project ${PROJECT_FORMATS.join("|")}] [--out DIR] [--name FILE] [--loudness LUFS|off]`,
  summary: "render the project and save the MP4, or save it as a project for Shotcut, Kdenlive or Resolve",
  details:
    `${exportCommand.details as string} ` +
    `The sound is delivered at a loudness target with one gain for the whole mix (default ${DEFAULT_LOUDNESS_TARGET} LUFS integrated, true peak at most ${TRUE_PEAK_CEILING} dBTP; VIDEO_MAKER_LOUDNESS sets another); --loudness picks one for this export (${MIN_LOUDNESS_TARGET} to ${MAX_LOUDNESS_TARGET}, e.g. -23 for broadcast) or off. The line before the path says the loudness measured and delivered. ` +
    `With --project FORMAT it renders nothing: it saves the timeline as a project file to finish in another editor — ${formatsHelp("")} — ` +
    "with every clip's in and out points, photos, dissolves, sound levels, music with its fades, titles and logos, the media referenced where they are (nothing is copied). " +
    "Its path is printed last; what the format could not carry is said on stderr.",
  examples: [
    "video-maker export",
    "video-maker export --loudness -16",
    "video-maker export --loudness off",
    "video-maker export --project kdenlive --name promo",
    "video-maker export --project mlt --out ~/Projects",
  ],
  async run(context) {
    if (context.options.project === undefined) return exportMp4(context);
    if (context.options.loudness !== undefined) {
      throw new VideoMakerError("invalid_input", "--loudness is for the MP4 export; a project file (--project) renders nothing, so it has no loudness to set.");
    }
    const saved = await context.backend.editor.exportProject(
      {
        format: context.options.project,
        outputDir: context.options.out ?? context.config.outputDir,
        ...(context.options.name !== undefined ? { fileName: context.options.name } : {}),
      },
      { signal: context.signal },
    );
    if (context.json) {
      printJson(context, {
        file: saved.file, format: saved.format, duration_s: saved.durationSeconds, clips: saved.clips, music: saved.music, texts: saved.texts, logos: saved.logos, not_carried: saved.notCarried,
      });
      return EXIT.ok;
    }
    context.io.err(`Saved the ${saved.formatName} (${saved.clips} clips, ${saved.durationSeconds} s); open it in ${saved.opensIn}. The media stay where they are: nothing was copied.`);
    for (const note of saved.notCarried) context.io.err(`Not carried: ${note}.`);
    context.io.out(saved.file);
    return EXIT.ok;
  },
});

async function exportMp4(context: CommandContext): Promise<number> {
  const { loudness } = context.options;
  const target = {
    outputDir: context.options.out ?? context.config.outputDir,
    ...(context.options.name !== undefined ? { fileName: context.options.name } : {}),
    ...(loudness !== undefined ? { loudness: parseLoudnessSetting(loudness, "--loudness") } : {}),
  };
  await checkExportTarget(target);
  const job = context.jobs.startExport(target);
  return reportJob(context, await runJobToEnd(context, job));
}
