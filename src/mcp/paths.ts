import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import { z } from "zod";
import { VideoMakerError } from "../core/errors.js";

/**
 * A path a host model sends. The server runs in whatever folder the host started it from, so a
 * relative path would land somewhere the person never chose (a folder literally named "~" was
 * seen): "~" is the person's home, anything else must be absolute.
 */
export function hostPath(path: string): { ok: true; path: string } | { ok: false; reason: string } {
  if (path === "~" || path.startsWith("~/")) return { ok: true, path: join(homedir(), path.slice(1)) };
  if (isAbsolute(path)) return { ok: true, path };
  return { ok: false, reason: `"${path}" is not an absolute path: give the full path, e.g. ${join(homedir(), path)}` };
}

/** `output_dir` of the tools that save a file (export_video, export_project). */
export const outputDirSchema = z
  .string({ error: "output_dir must be a folder path" })
  .min(1, { error: "output_dir cannot be empty; leave it out to use the default folder" })
  .optional()
  .describe("Absolute folder to save into, or one under ~ (default: the configured output folder)");

/** `file_name` of the tools that save a file; `what` says what is added when missing. */
export function fileNameSchema(description: string) {
  return z
    .string({ error: "file_name must be text" })
    .min(1, { error: "file_name cannot be empty; leave it out for a dated name" })
    .max(200, { error: "file_name is too long (at most 200 characters)" })
    .optional()
    .describe(description);
}

/** The folder a tool saves into: `output_dir` as the host gave it, or the configured one. */
export function outputFolder(outputDir: string | undefined, defaultDir: string): string {
  if (outputDir === undefined) return defaultDir;
  const folder = hostPath(outputDir);
  if (!folder.ok) throw new VideoMakerError("invalid_input", `output_dir ${folder.reason}; or leave it out to use ${defaultDir}.`);
  return folder.path;
}
