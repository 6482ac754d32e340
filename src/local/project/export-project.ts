import { writeFile, rm } from "node:fs/promises";
import { join } from "node:path";
import type { ProjectExportRequest, ProjectExportResult } from "../../core/backend.js";
import type { Draft } from "../../core/draft.js";
import { VideoMakerError } from "../../core/errors.js";
import { defaultExportName, prepareOutputDir, publishFile, temporaryPathFor, validateFileName } from "../../core/output.js";
import type { MediaFacts } from "../media.js";
import { planProject } from "./plan-from-timeline.js";
import { PROJECT_FORMATS, PROJECT_WRITERS } from "./writers.js";

/**
 * Writes the timeline as a project file for another editor: planned (plan-from-timeline.ts),
 * written by the format's writer, saved under a hidden name and then given its final one,
 * never over an existing file (as exports are). The media stay where they are.
 */
export async function exportProjectFile(request: ProjectExportRequest, draft: Draft, media: readonly MediaFacts[]): Promise<ProjectExportResult> {
  const format = request.format.trim().toLowerCase().replace(/^\./, "");
  const writer = PROJECT_WRITERS[format];
  if (!writer) {
    throw new VideoMakerError("invalid_input", `"${request.format}" is not a project format here; choose one of: ${PROJECT_FORMATS.join(", ")}.`);
  }
  const extension = `.${format}`;
  const fileName = validateFileName(request.fileName ?? defaultExportName(new Date(), extension), extension);
  const outputDir = await prepareOutputDir(request.outputDir);
  const plan = planProject(draft, media);
  const text = writer.write(plan);
  const finalPath = join(outputDir, fileName);
  const tempPath = temporaryPathFor(finalPath);
  try {
    await writeFile(tempPath, text, { mode: 0o644 });
    const file = await publishFile(tempPath, finalPath);
    return {
      file,
      format,
      formatName: writer.name,
      opensIn: writer.opensIn,
      mimeType: writer.mimeType,
      durationSeconds: Math.round(((plan.totalFrames * plan.frameRate.den) / plan.frameRate.num) * 1000) / 1000,
      clips: plan.clips.length,
      music: plan.music.length,
      texts: plan.texts.length,
      logos: plan.logos.length,
      notCarried: writer.notCarried(plan),
    };
  } finally {
    await rm(tempPath, { force: true });
  }
}
