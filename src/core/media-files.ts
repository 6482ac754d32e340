import { open, stat } from "node:fs/promises";
import { basename, extname, resolve } from "node:path";
import {
  MAX_UPLOAD_BYTES,
  SNIFF_BYTES,
  acceptedExtensionsText,
  extensionMatchesContent,
  formatForExtension,
  sniffMediaType,
} from "./media.js";
import type { UploadedMedia } from "./backend.js";

/**
 * Checks a local file before a single byte is sent anywhere: it exists, is a regular
 * file, has an accepted extension, is not empty, is within the limit, and its first
 * bytes say it is what its extension claims.
 */

export interface LocalMediaFile {
  path: string;
  name: string;
  size: number;
  extension: string;
  type: UploadedMedia["type"];
  contentType: string;
}

export type LocalMediaCheck = { ok: true; file: LocalMediaFile } | { ok: false; reason: string };


export async function inspectLocalMedia(input: string, maxBytes = MAX_UPLOAD_BYTES): Promise<LocalMediaCheck> {
  if (typeof input !== "string" || input.trim() === "") return { ok: false, reason: "The path is empty." };
  if (input.includes("\0")) return { ok: false, reason: "The path contains a NUL character." };
  const path = resolve(input);
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    return { ok: false, reason: describeFsError(error, "stat") };
  }
  if (info.isDirectory()) return { ok: false, reason: "This is a folder, not a file. Pass the files inside it." };
  if (!info.isFile()) return { ok: false, reason: "This is not a regular file." };

  const extension = extname(path).slice(1).toLowerCase();
  const format = formatForExtension(extension);
  if (!format) {
    return {
      ok: false,
      reason: `${extension ? `".${extension}" files are` : "Files without an extension are"} not accepted. Accepted formats: ${acceptedExtensionsText()}.`,
    };
  }
  if (info.size === 0) return { ok: false, reason: "The file is empty (0 bytes)." };
  if (info.size > maxBytes) {
    return {
      ok: false,
      reason: `The file is ${formatBytes(info.size)}, over the ${formatBytes(maxBytes)} limit. Compress it or trim it shorter.`,
    };
  }

  let head: Buffer;
  try {
    const handle = await open(path, "r");
    try {
      const buffer = Buffer.alloc(Math.min(SNIFF_BYTES, info.size));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    return { ok: false, reason: describeFsError(error, "read") };
  }
  const sniffed = sniffMediaType(head);
  if (!sniffed || !extensionMatchesContent(extension, sniffed)) {
    const what = sniffed ? `looks like a ${sniffed.format.toUpperCase()} file` : "is not a recognisable media file";
    return { ok: false, reason: `The name says .${extension} but the content ${what}. Check that it is the right file.` };
  }
  return {
    ok: true,
    file: { path, name: basename(path), size: info.size, extension, type: format.type, contentType: format.contentType },
  };
}

function describeFsError(error: unknown, action: "stat" | "read"): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case "ENOENT":
      return "No file exists at this path.";
    case "ENOTDIR":
      return "A part of this path is not a folder.";
    case "EACCES":
    case "EPERM":
      return action === "read" ? "The file cannot be read (permission denied)." : "The path cannot be reached (permission denied).";
    case "ELOOP":
      return "The path is a symbolic link that loops back on itself.";
    case "ENAMETOOLONG":
      return "The path is too long.";
    case "EISDIR":
      return "This is a folder, not a file.";
    default:
      return "The file could not be read.";
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024 / 1024).toFixed(1)} GB`;
  if (bytes >= 1024 * 1024) return `${Math.round(bytes / 1024 / 1024)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}
