import { writeFile, rm } from "node:fs/promises";
import { join } from "node:path";
import type { ProjectExportRequest, ProjectExportResult } from "../../core/backend.js";
import type { Draft } from "../../core/draft.js";
import { VideoMakerError } from "../../core/errors.js";
import { defaultExportName, prepareOutputDir, publishFile, temporaryPathFor, validateFileName } from "../../core/output.js";
import type { MediaFacts } from "../media.js";
import { notCarried } from "./not-carried.js";
import { planProject } from "./plan-from-timeline.js";
import { FORMAT_NAMES, PROJECT_FORMATS, PROJECT_WRITERS } from "./writers.js";

/**
 * Writes the timeline as a project file for another editor: planned (plan-from-timeline.ts),
 * written by the format's writer, saved under a hidden name and then given its final one,
 * never over an existing file (as exports are). The media stay where they are.
 */
export async function exportProjectFile(request: ProjectExportRequest, draft: Draft, media: readonly MediaFacts[]): Promise<ProjectExportResult> {
  const format = request.format.trim().toLowerCase().replace(/^\./, "");
  const write = PROJECT_WRITERS[format];
  if (!write) {
    throw new VideoMakerError("invalid_input", `"${request.format}" is not a project format here; choose one of: ${PROJECT_FORMATS.join(", ")}.`);
  }
  const extension = `.${format}`;
  const fileName = validateFileName(request.fileName ?? defaultExportName(new Date(), extension), extension);
  const outputDir = await prepareOutputDir(request.outputDir);
  const plan = planProject(draft, media);
  const text = write(plan);
  const finalPath = join(outputDir, fileName);
  const tempPath = temporaryPathFor(finalPath);
  try {
    await writeFile(tempPath, text, { mode: 0o644 });
    const file = await publishFile(tempPath, finalPath);
    const names = FORMAT_NAMES[format] ?? { name: `${format} file`, opensIn: "an editor that reads it" };
    return {
      file,
      format,
      formatName: names.name,
      opensIn: names.opensIn,
      durationSeconds: Math.round(((plan.totalFrames * plan.frameRate.den) / plan.frameRate.num) * 1000) / 1000,
      clips: plan.clips.length,
      music: plan.music.length,
      texts: plan.texts.length,
      logos: plan.logos.length,
      notCarried: notCarried(plan, format),
    };
  } finally {
    await rm(tempPath, { force: true });
  }
}
