/**
 * What the service accepts (seed: "mp4, mov, avi, webm, mkv, jpg, png, gif, webp, mp3, wav,
 * m4a, aac", up to 500 MB) and how to tell a file's real format from its first bytes.
 *
 * We check before uploading because the service's own answer (error 4001) comes only after
 * the whole file went up, and because a renamed file (".mp4" that is really a ".mkv") fails
 * late and obscurely in its renderer.
 */

export type MediaType = "video" | "image" | "audio";

export interface MediaFormat {
  /** Extension without the dot, lower case. */
  ext: string;
  /** Canonical format name (what `sniffMediaType` reports); "jpeg" files are "jpg". */
  format: string;
  type: MediaType;
  /** MIME type, for the upload's Content-Type. */
  contentType: string;
}

export const MEDIA_FORMATS: readonly MediaFormat[] = [
  { ext: "mp4", format: "mp4", type: "video", contentType: "video/mp4" },
  { ext: "mov", format: "mov", type: "video", contentType: "video/quicktime" },
  { ext: "avi", format: "avi", type: "video", contentType: "video/x-msvideo" },
  { ext: "webm", format: "webm", type: "video", contentType: "video/webm" },
  { ext: "mkv", format: "mkv", type: "video", contentType: "video/x-matroska" },
  { ext: "jpg", format: "jpg", type: "image", contentType: "image/jpeg" },
  { ext: "jpeg", format: "jpg", type: "image", contentType: "image/jpeg" },
  { ext: "png", format: "png", type: "image", contentType: "image/png" },
  { ext: "gif", format: "gif", type: "image", contentType: "image/gif" },
  { ext: "webp", format: "webp", type: "image", contentType: "image/webp" },
  { ext: "mp3", format: "mp3", type: "audio", contentType: "audio/mpeg" },
  { ext: "wav", format: "wav", type: "audio", contentType: "audio/wav" },
  { ext: "m4a", format: "m4a", type: "audio", contentType: "audio/mp4" },
  { ext: "aac", format: "aac", type: "audio", contentType: "audio/aac" },
];

export const MAX_UPLOAD_BYTES = 500 * 1024 * 1024;

/** The extension of a file name or path ("Clip.MOV" → "mov"), without the dot; "" when none. */
export function extensionOf(nameOrPath: string): string {
  const base = nameOrPath.split(/[\\/]/).pop() ?? "";
  const dot = base.lastIndexOf(".");
  return dot <= 0 ? "" : base.slice(dot + 1).toLowerCase();
}

function normalizeExt(ext: string): string {
  return ext.replace(/^\./, "").toLowerCase();
}

export function formatForExtension(ext: string): MediaFormat | undefined {
  const wanted = normalizeExt(ext);
  return MEDIA_FORMATS.find((f) => f.ext === wanted);
}

export function isAcceptedExtension(ext: string): boolean {
  return formatForExtension(ext) !== undefined;
}

/** "video (mp4, mov, avi, webm, mkv), images (jpg, jpeg, png, gif, webp), audio (mp3, wav, m4a, aac)" */
export function acceptedExtensionsText(): string {
  const groups: Array<[MediaType, string]> = [
    ["video", "video"],
    ["image", "images"],
    ["audio", "audio"],
  ];
  return groups
    .map(([type, label]) => `${label} (${MEDIA_FORMATS.filter((f) => f.type === type).map((f) => f.ext).join(", ")})`)
    .join(", ");
}

// --- sniffing -------------------------------------------------------------------

export interface SniffedMedia {
  format: string;
  type: MediaType;
}

/** How many leading bytes `sniffMediaType` wants; fewer still works for most formats. */
export const SNIFF_BYTES = 4096;

function ascii(head: Uint8Array, start: number, length: number): string {
  if (head.length < start + length) return "";
  return String.fromCharCode(...head.subarray(start, start + length));
}

function startsWith(head: Uint8Array, bytes: readonly number[], at = 0): boolean {
  if (head.length < at + bytes.length) return false;
  return bytes.every((b, i) => head[at + i] === b);
}

const found = (format: string, type: MediaType): SniffedMedia => ({ format, type });

/** ISO base media (mp4/mov/m4a): the brand says which; images in the same box (HEIC, AVIF) are not accepted. */
function sniffIsoBmff(head: Uint8Array): SniffedMedia | undefined {
  const brand = ascii(head, 8, 4);
  if (brand === "qt  ") return found("mov", "video");
  if (brand === "M4A " || brand === "M4B " || brand === "M4P ") return found("m4a", "audio");
  if (/^(heic|heix|hevc|hevx|heim|heis|mif1|msf1|avif|avis|crx )$/.test(brand)) return undefined;
  return found("mp4", "video");
}

/** Matroska's EBML header names its DocType ("webm" or "matroska") in element 0x4282. */
function sniffEbml(head: Uint8Array): SniffedMedia {
  const limit = Math.min(head.length - 2, 64);
  for (let i = 4; i < limit; i++) {
    if (head[i] !== 0x42 || head[i + 1] !== 0x82) continue;
    const sizeByte = head[i + 2]!;
    // A one-byte EBML size has its top bit set; the doctype is short enough to always use one.
    if ((sizeByte & 0x80) === 0) continue;
    const size = sizeByte & 0x7f;
    const docType = ascii(head, i + 3, Math.min(size, head.length - i - 3));
    if (docType.startsWith("webm")) return found("webm", "video");
    if (docType.startsWith("matroska")) return found("mkv", "video");
  }
  return found("mkv", "video");
}

/**
 * MPEG audio frame header: 11 sync bits, then version, layer. ADTS (AAC) uses the same sync
 * but its "layer" bits are always 00, which MPEG audio reserves — that is how the two differ.
 */
function sniffFrameSync(head: Uint8Array, at: number): SniffedMedia | undefined {
  const b0 = head[at];
  const b1 = head[at + 1];
  const b2 = head[at + 2];
  if (b0 !== 0xff || b1 === undefined || (b1 & 0xe0) !== 0xe0) return undefined;
  const layer = (b1 >> 1) & 0x03;
  if (layer === 0) {
    // ADTS: the full 12-bit sync and a real sampling-frequency index (0–12).
    if ((b1 & 0xf0) !== 0xf0) return undefined;
    if (b2 !== undefined && ((b2 >> 2) & 0x0f) > 12) return undefined;
    return found("aac", "audio");
  }
  const version = (b1 >> 3) & 0x03;
  if (version === 1 || layer !== 1) return undefined; // reserved version; Layer I/II is not mp3
  if (b2 !== undefined && ((b2 >> 4) === 0x0f || ((b2 >> 2) & 0x03) === 0x03)) return undefined; // bad bitrate / rate
  return found("mp3", "audio");
}

/** The format a file's first bytes show, or undefined for anything we do not accept. */
export function sniffMediaType(head: Uint8Array): SniffedMedia | undefined {
  if (ascii(head, 4, 4) === "ftyp") return sniffIsoBmff(head);
  // QuickTime files from before ftyp start straight with an atom.
  if (["moov", "mdat", "wide", "free", "skip", "pnot"].includes(ascii(head, 4, 4))) return found("mov", "video");

  if (ascii(head, 0, 4) === "RIFF") {
    const form = ascii(head, 8, 4);
    if (form === "AVI ") return found("avi", "video");
    if (form === "WAVE") return found("wav", "audio");
    if (form === "WEBP") return found("webp", "image");
    return undefined;
  }

  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) return sniffEbml(head);
  if (startsWith(head, [0xff, 0xd8, 0xff])) return found("jpg", "image");
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return found("png", "image");
  if (ascii(head, 0, 6) === "GIF87a" || ascii(head, 0, 6) === "GIF89a") return found("gif", "image");

  const tagEnd = id3TagEnd(head);
  if (tagEnd !== undefined) {
    // ID3 is only a tag: the audio frames after it (MP3 or ADTS) make the file. A head that ends
    // inside the tag cannot tell; inspectLocalMedia then reads the frames where the tag ends.
    return head.length >= tagEnd + 3 ? sniffAudioFrames(head.subarray(tagEnd)) : found("mp3", "audio");
  }
  return sniffFrameSync(head, 0);
}

/** Where an ID3v2 tag at the start ends (its size is four 7-bit bytes, plus a footer when flagged). */
export function id3TagEnd(head: Uint8Array): number | undefined {
  if (ascii(head, 0, 3) !== "ID3" || head.length < 10) return undefined;
  const b = (i: number): number => (head[i] ?? 0) & 0x7f;
  const footer = ((head[5] ?? 0) & 0x10) !== 0 ? 10 : 0;
  return 10 + ((b(6) << 21) | (b(7) << 14) | (b(8) << 7) | b(9)) + footer;
}

/** MP3 or ADTS frames at the start of `bytes` (what follows an ID3 tag); zero padding before them is skipped. */
export function sniffAudioFrames(bytes: Uint8Array): SniffedMedia | undefined {
  let at = 0;
  while (at < bytes.length && bytes[at] === 0) at++;
  return sniffFrameSync(bytes, at);
}

/** Formats that share a container, where the extension is a matter of taste, not content. */
const FAMILIES: readonly (readonly string[])[] = [
  ["mp4", "mov", "m4a"],
  ["mkv", "webm"],
];

/**
 * Whether a file's extension fits what its bytes are. ISO files (mp4/mov/m4a) carry whatever
 * brand their writer chose, and Matroska/WebM differ only by a doctype string, so those are
 * interchangeable within their family; everything else must match exactly.
 */
export function extensionMatchesContent(ext: string, sniffed: SniffedMedia | undefined): boolean {
  if (!sniffed) return false;
  const format = formatForExtension(ext)?.format;
  if (format === undefined) return false;
  if (format === sniffed.format) return true;
  return FAMILIES.some((family) => family.includes(format) && family.includes(sniffed.format));
}
