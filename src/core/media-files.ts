import type { Stats } from "node:fs";
import { type FileHandle, open, stat } from "node:fs/promises";
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


/** `maxBytes`: the cloud service's upload limit by default; the local engine passes Infinity (the files are the person's own). */
export async function inspectLocalMedia(input: string, maxBytes = MAX_UPLOAD_BYTES): Promise<LocalMediaCheck> {
  if (typeof input !== "string" || input.trim() === "") return { ok: false, reason: "The path is empty." };
  if (input.includes("\0")) return { ok: false, reason: "The path contains a NUL character." };
  let path = resolve(input);
  let info;
  try {
    ({ path, info } = await statInEitherForm(path));
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
    // Just over the limit rounds to the limit itself: then the exact byte counts say it.
    const [size, limit] = [formatBytes(info.size), formatBytes(maxBytes)];
    const said = size === limit ? `${info.size.toLocaleString("en")} bytes, over the ${limit} (${maxBytes.toLocaleString("en")} bytes)` : `${size}, over the ${limit}`;
    return { ok: false, reason: `The file is ${said} limit. Compress it or trim it shorter.` };
  }

  let head: Buffer;
  let declaredEnd: number | undefined;
  try {
    const handle = await open(path, "r");
    try {
      const buffer = Buffer.alloc(Math.min(SNIFF_BYTES, info.size));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      head = buffer.subarray(0, bytesRead);
      if (ISO_FORMATS.has(sniffMediaType(head)?.format ?? "")) declaredEnd = await isoBoxPastEnd(handle, info.size);
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
  if (declaredEnd !== undefined) {
    return {
      ok: false,
      reason: `The file is cut short: it holds ${formatBytes(info.size)} but says it has ${formatBytes(declaredEnd)}. It was probably not copied or downloaded completely; get the whole file again.`,
    };
  }
  return {
    ok: true,
    file: { path, name: basename(path), size: info.size, extension, type: format.type, contentType: format.contentType },
  };
}

/**
 * macOS stores names decomposed (NFD) while people and hosts type them composed (NFC);
 * a name that is not found in the form given is looked up in the other before giving up.
 */
async function statInEitherForm(path: string): Promise<{ path: string; info: Stats }> {
  try {
    return { path, info: await stat(path) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    for (const form of ["NFC", "NFD"] as const) {
      const other = path.normalize(form);
      if (other === path) continue;
      try {
        return { path: other, info: await stat(other) };
      } catch {
        // not under this form either
      }
    }
    throw error;
  }
}

const ISO_FORMATS = new Set(["mp4", "mov", "m4a"]);
const TOP_LEVEL_BOXES = new Set(["ftyp", "moov", "mdat", "free", "skip", "wide", "uuid", "meta", "moof", "mfra", "styp", "sidx", "pdin", "pnot"]);

/**
 * An MP4/MOV/M4A is a row of boxes that each declare their size. A box reaching past the
 * end of the file means it was cut short (an interrupted copy or download): ffprobe still
 * reads its header happily and the render fails or freezes late. Returns that declared end.
 */
async function isoBoxPastEnd(handle: FileHandle, fileSize: number): Promise<number | undefined> {
  const header = Buffer.alloc(16);
  let offset = 0;
  for (let boxes = 0; boxes < 1000 && offset < fileSize; boxes++) {
    const { bytesRead } = await handle.read(header, 0, 16, offset);
    if (bytesRead < 8) return undefined;
    const size32 = header.readUInt32BE(0);
    if (size32 === 0) return undefined; // "up to the end of the file"
    const size = size32 === 1 && bytesRead >= 16 ? Number(header.readBigUInt64BE(8)) : size32;
    // Anything but a known top-level box is damage of another kind: left to ffprobe to describe.
    if (size < 8 || !TOP_LEVEL_BOXES.has(header.toString("latin1", 4, 8))) return undefined;
    if (offset + size > fileSize) return offset + size;
    offset += size;
  }
  return undefined;
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
