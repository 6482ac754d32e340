import { VideoMakerError } from "../../core/errors.js";
import { checkExportTarget } from "../../core/output.js";
import { EXIT, type Command, type CommandContext, defineCommand, printJson } from "../context.js";
import { PROJECT_FORMATS, formatsHelp } from "../../local/project/writers.js";
import { reportJob, runJobToEnd } from "./jobs-shared.js";

/** The MP4 export, on every backend. */
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
    return exportMp4(context);
  },
};

/** The same command where there is an editor: also writes the timeline as a project file for Shotcut or Kdenlive. */
export const editorExportCommand = defineCommand({
  name: "export",
  requires: ["editor"],
  usage: `export [--project ${PROJECT_FORMATS.join("|")}] [--out DIR] [--name FILE]`,
  summary: "render the project and save the MP4, or save it as a project for Shotcut or Kdenlive",
  details:
    `${exportCommand.details as string} ` +
    `With --project FORMAT it renders nothing: it saves the timeline as a project file to finish in another editor — ${formatsHelp("")} — ` +
    "with every clip's in and out points, photos, dissolves, sound levels, music with its fades, titles and logos, the media referenced where they are (nothing is copied). " +
    "Its path is printed last; what the format could not carry is said on stderr.",
  examples: ["video-maker export", "video-maker export --project kdenlive --name promo", "video-maker export --project mlt --out ~/Projects"],
  async run(context) {
    if (context.options.project === undefined) return exportMp4(context);
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
  const target = {
    outputDir: context.options.out ?? context.config.outputDir,
    ...(context.options.name !== undefined ? { fileName: context.options.name } : {}),
  };
  await checkExportTarget(target);
  const job = context.jobs.startExport(target);
  return reportJob(context, await runJobToEnd(context, job));
}
