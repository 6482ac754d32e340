/**
 * Deterministic "rendered MP4" bytes: an `ftyp` box (so sniffers see an MP4), then a 64 KiB
 * pattern derived from the render id, XOR-ed with the 64 KiB block index so blocks differ.
 * Any byte range can be produced without producing the bytes before it (range requests).
 */
import { createHash } from "node:crypto";

const FTYP = Buffer.from("000000206674797069736f6d0000020069736f6d69736f3261766331" + "6d703431", "hex");
const PATTERN_BYTES = 64 * 1024;
const patterns = new Map<string, Buffer>();

function patternFor(renderId: string): Buffer {
  let pattern = patterns.get(renderId);
  if (pattern) return pattern;
  const blocks: Buffer[] = [];
  for (let i = 0; i < PATTERN_BYTES / 32; i++) {
    blocks.push(createHash("sha256").update(`${renderId}:${i}`).digest());
  }
  pattern = Buffer.concat(blocks);
  if (patterns.size >= 64) patterns.clear();
  patterns.set(renderId, pattern);
  return pattern;
}

/** Bytes [start, end) of the file rendered for `renderId`. */
export function renderBytesAt(renderId: string, start: number, end: number): Buffer {
  const out = Buffer.allocUnsafe(Math.max(0, end - start));
  const pattern = patternFor(renderId);
  for (let i = start; i < end; i++) {
    out[i - start] = i < FTYP.length ? FTYP[i]! : pattern[i & (PATTERN_BYTES - 1)]! ^ ((i >>> 16) & 0xff);
  }
  return out;
}

/** The whole file the fake serves for `renderId` when it is `size` bytes long. */
export function expectedRenderBytes(renderId: string, size: number): Buffer {
  return renderBytesAt(renderId, 0, size);
}
