import { randomBytes } from "node:crypto";
import { access, constants, link, mkdir, open, rename, rm, stat } from "node:fs/promises";
import { basename, extname, join, resolve } from "node:path";
import { VideoMakerError } from "./errors.js";
import { bidiControlProblem } from "./names.js";

/**
 * Where finished videos land. A file being written lives under a hidden temporary
 * name; only a complete file is given its final name, and an existing file is never
 * replaced (the next free name, "promo (2).mp4", is used instead).
 */

/** Rejects names that would leave the folder or that no file system takes. */
export function validateFileName(raw: string, extension = ".mp4"): string {
  const name = raw.trim();
  if (!name) throw new VideoMakerError("invalid_input", "The file name is empty.");
  // Before any message quotes the name: an override would turn the quote around.
  const bidi = bidiControlProblem(name);
  if (bidi) throw new VideoMakerError("invalid_input", bidi);
  if (name.includes("/") || name.includes("\\")) {
    throw new VideoMakerError("invalid_input", `The file name "${name}" must not contain folders; put the folder in output_dir.`);
  }
  if (name === "." || name === ".." || name.startsWith("..")) {
    throw new VideoMakerError("invalid_input", `"${name}" is not a usable file name.`);
  }
  // Control characters (newlines included) and NUL break shells, logs and some file systems.
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) {
    throw new VideoMakerError("invalid_input", "The file name contains control characters such as line breaks.");
  }
  // A hidden file the person would not see, and the shape of our own temporary files (".x.mp4.<tag>.part").
  if (name.startsWith(".")) {
    throw new VideoMakerError("invalid_input", `"${name}" starts with a dot, which hides the file on macOS and Linux; choose a name without the leading dot.`);
  }
  // Windows gives these names to devices, whatever the extension (COM¹ ² ³ and LPT¹ ² ³ too): the file could never be opened there.
  if (/^(con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3]|conin\$|conout\$)\s*(\.|$)/i.test(name)) {
    throw new VideoMakerError("invalid_input", `"${name}" is a name Windows reserves for a device; choose another file name.`);
  }
  if (Buffer.byteLength(name, "utf8") > 240) {
    throw new VideoMakerError("invalid_input", "The file name is too long.");
  }
  return extname(name).toLowerCase() === extension ? name : `${name}${extension}`;
}

export function defaultExportName(now = new Date(), extension = ".mp4"): string {
  const stamp = now.toISOString().replace(/\.\d+Z$/, "").replace(/[-:]/g, "").replace("T", "-");
  return `video-maker-${stamp}${extension}`;
}

/** Makes sure the folder exists and can be written, with a message a person understands. */
export async function prepareOutputDir(dir: string): Promise<string> {
  if (!dir.trim()) throw new VideoMakerError("invalid_input", "The output folder is empty; name a folder or leave it out for the default.");
  const absolute = resolve(dir);
  try {
    await mkdir(absolute, { recursive: true });
    const info = await stat(absolute);
    if (!info.isDirectory()) throw Object.assign(new Error("not a folder"), { code: "ENOTDIR" });
    await access(absolute, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "EACCES" || code === "EPERM" || code === "EROFS"
        ? "it is not writable"
        : code === "ENOTDIR" || code === "EEXIST"
          ? "a file stands where the folder should be"
          : "it cannot be created";
    throw new VideoMakerError("invalid_input", `Cannot save into ${absolute}: ${why}. Choose another output folder.`);
  }
  return absolute;
}

/**
 * Checks an export's name and folder before a job is started for it, so a mistake is
 * answered at once and leaves no job behind.
 */
export async function checkExportTarget(request: { outputDir: string; fileName?: string }): Promise<void> {
  if (request.fileName !== undefined) validateFileName(request.fileName);
  await prepareOutputDir(request.outputDir);
}

/**
 * A hidden name beside the final one. Given the render's id, the name is the same each time
 * that render is written, so a resumed download or render overwrites what a killed process
 * left instead of leaving it behind.
 */
export function temporaryPathFor(finalPath: string, renderId?: string): string {
  const dir = resolve(finalPath, "..");
  const tag = renderId?.replace(/[^A-Za-z0-9_-]/g, "").slice(0, 64) || randomBytes(4).toString("hex");
  return join(dir, `.${basename(finalPath)}.${tag}.part`);
}

/**
 * Gives a finished temporary file its final name without ever replacing a file:
 * hard-linking fails when the name exists, so the next free name is tried.
 * Returns the path it ended up at.
 */
export async function publishFile(tempPath: string, desiredPath: string): Promise<string> {
  const dir = resolve(desiredPath, "..");
  const ext = extname(desiredPath);
  const stem = basename(desiredPath, ext);
  for (let attempt = 1; attempt < 1000; attempt++) {
    const candidate = attempt === 1 ? desiredPath : join(dir, `${stem} (${attempt})${ext}`);
    try {
      await link(tempPath, candidate);
      await rm(tempPath, { force: true });
      return candidate;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EEXIST") continue;
      if (code === "EPERM" || code === "ENOTSUP" || code === "EOPNOTSUPP" || code === "ENOSYS") {
        // No hard links here (FAT, some network shares): reserve the name, then rename over our own placeholder.
        if (await reserveAndRename(tempPath, candidate)) return candidate;
        continue;
      }
      throw new VideoMakerError("download_failed", `Could not save ${candidate} (${errnoWords(error)}).`, { cause: error });
    }
  }
  throw new VideoMakerError("output_exists", `Too many files named like ${basename(desiredPath)} already exist in ${dir}.`);
}

async function reserveAndRename(tempPath: string, candidate: string): Promise<boolean> {
  try {
    const placeholder = await open(candidate, "wx");
    await placeholder.close();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw new VideoMakerError("download_failed", `Could not save ${candidate} (${errnoWords(error)}).`, { cause: error });
  }
  await rename(tempPath, candidate);
  return true;
}

/** The reason a file could not be given its name, in words (the publisher saves videos, projects and pictures). */
function errnoWords(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "ENOSPC" || code === "EDQUOT") return "the disk is full";
  if (code === "EROFS") return "the disk is read-only";
  if (code === "ENOENT") return "the file or its folder is gone";
  return code ?? "the system refused";
}
