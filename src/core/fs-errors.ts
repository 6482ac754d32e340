import { isAbsolute, relative, sep } from "node:path";

/**
 * A file-system failure said in words. Without this an unusable VIDEO_MAKER_HOME or a full disk
 * came out as "Something went wrong: ENOTDIR: not a directory, mkdir …" with the network's exit
 * code: they are the person's setup (configuration), named with the folder and what to do.
 */

/** State folders in use (VIDEO_MAKER_HOME of each loaded config), so a failure inside one names it. */
const stateFolders = new Set<string>();

export function registerStateFolder(home: string): void {
  stateFolders.add(home);
}

export interface FileSystemProblem {
  code: "config" | "disk_full";
  message: string;
}

/** Why a folder cannot be used, for the errno codes that mean the setup (not a passing glitch). */
const FOLDER_REASON: Record<string, (path: string) => string> = {
  ENOTDIR: (path) => `a file stands where a folder should be (${path})`,
  EEXIST: (path) => `a file stands where a folder should be (${path})`,
  EACCES: (path) => `it may not be written to (permission denied at ${path})`,
  EPERM: (path) => `it may not be written to (operation not permitted at ${path})`,
  EROFS: () => "it is on a read-only disk",
  ELOOP: (path) => `a symbolic link on its path loops back on itself (${path})`,
  ENAMETOOLONG: () => "its path is too long",
};

const missingParent = (path: string) => `a folder on its path is missing and could not be made (${path})`;

const DISK_FULL = new Set(["ENOSPC", "EDQUOT"]);

/** The state folder that holds `path`, if any. */
function stateFolderOf(path: string): string | undefined {
  for (const home of stateFolders) {
    const inner = relative(home, path);
    if (inner === "" || (!inner.startsWith(`..${sep}`) && inner !== ".." && !isAbsolute(inner))) return home;
  }
  return undefined;
}

/** The person's words for an errno error from `node:fs`, or undefined when it is not one we can explain. */
export function fileSystemProblem(value: unknown): FileSystemProblem | undefined {
  if (!(value instanceof Error)) return undefined;
  const { code, path } = value as NodeJS.ErrnoException;
  if (typeof code !== "string") return undefined;
  const home = typeof path === "string" ? stateFolderOf(path) : undefined;
  if (DISK_FULL.has(code)) {
    const where = home ? `${home} (video-maker's state folder, VIDEO_MAKER_HOME)` : typeof path === "string" ? path : "the file";
    return {
      code: "disk_full",
      message: `There is no space left on the disk that holds ${where}, so the last change could not be saved; what was saved before is unchanged. Free some space, then try again.`,
    };
  }
  // A missing file is ordinary (it is read as absent); a folder that cannot be made is not.
  const reason = code === "ENOENT" && (value as NodeJS.ErrnoException).syscall === "mkdir" ? missingParent : FOLDER_REASON[code];
  if (!home || !reason || typeof path !== "string") return undefined;
  return {
    code: "config",
    message: `video-maker cannot use its state folder ${home}: ${reason(path)}. Set VIDEO_MAKER_HOME to a folder you can write to, or fix that one.`,
  };
}

/** `error` with `path` set when the failing call had only a file handle (a write, a sync). */
export function withPath(error: unknown, path: string): unknown {
  if (error instanceof Error && typeof (error as NodeJS.ErrnoException).code === "string" && !(error as NodeJS.ErrnoException).path) {
    (error as NodeJS.ErrnoException).path = path;
  }
  return error;
}
