import type { TextPosition, TextSegment } from "./timeline.js";

/**
 * Where text goes on the frame. drawtext does not wrap, so lines are broken here, and each
 * line is drawn on its own so that every line is centred (drawtext would left-align them).
 */

/** Named colours a host may use; anything else must be #RRGGBB or #RRGGBBAA. */
export const COLOR_NAMES = [
  "white", "black", "yellow", "red", "green", "blue", "orange", "pink", "purple", "cyan", "magenta", "gray", "grey", "gold",
] as const;

const HEX_COLOR = /^#?([0-9a-f]{6}|[0-9a-f]{8})$/i;

/** A colour as the person wrote it → the form we store ("#ffcc00", "white"), or undefined when unknown. */
export function normalizeColor(value: string): string | undefined {
  const text = value.trim().toLowerCase();
  if ((COLOR_NAMES as readonly string[]).includes(text)) return text;
  const hex = HEX_COLOR.exec(text);
  return hex ? `#${hex[1]}` : undefined;
}

/** The stored colour as ffmpeg's colour syntax ("0xffcc00", "white"); unknown values fall back to white. */
export function ffmpegColor(stored: string): string {
  const normal = normalizeColor(stored);
  if (!normal) return "white";
  return normal.startsWith("#") ? `0x${normal.slice(1)}` : normal;
}

/** Rough advance of DejaVu Sans Bold / Arial Bold, as a share of the font size. */
const CHAR_WIDTH = 0.62;
const WIDE_CHAR_WIDTH = 1.0;

function charWidth(char: string): number {
  const code = char.codePointAt(0) ?? 0;
  // CJK, Hangul, full-width forms and emoji take about a full em.
  const wide = (code >= 0x1100 && code <= 0x115f) || (code >= 0x2e80 && code <= 0xa4cf) || (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) || (code >= 0xff00 && code <= 0xff60) || code >= 0x1f300;
  return wide ? WIDE_CHAR_WIDTH : CHAR_WIDTH;
}

export function estimateWidth(text: string, fontSize: number): number {
  let width = 0;
  for (const char of text) width += charWidth(char);
  return width * fontSize;
}

/** Breaks text into lines no wider than `maxWidth`, at spaces when it can, keeping the person's own line breaks. */
export function wrapText(text: string, fontSize: number, maxWidth: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.replace(/\r\n?/g, "\n").split("\n")) {
    const words = paragraph.trim().split(/\s+/).filter(Boolean);
    let line = "";
    for (const word of words) {
      const candidate = line ? `${line} ${word}` : word;
      if (estimateWidth(candidate, fontSize) <= maxWidth || !line) {
        line = candidate;
      } else {
        lines.push(line);
        line = word;
      }
      // A single word wider than the frame (a URL, CJK without spaces) is cut by characters.
      while (estimateWidth(line, fontSize) > maxWidth && [...line].length > 1) {
        const chars = [...line];
        let cut = chars.length - 1;
        while (cut > 1 && estimateWidth(chars.slice(0, cut).join(""), fontSize) > maxWidth) cut--;
        lines.push(chars.slice(0, cut).join(""));
        line = chars.slice(cut).join("");
      }
    }
    if (line) lines.push(line);
  }
  return lines;
}

export interface PlacedLine {
  text: string;
  /** drawtext x expression (uses text_w, so each line centres itself). */
  x: string;
  y: number;
}

/** Lines placed on a `width`×`height` frame. */
export function layoutText(
  text: string,
  position: TextPosition,
  fontSize: number,
  width: number,
  height: number,
): PlacedLine[] {
  const margin = Math.round(Math.min(width, height) * 0.06);
  const lines = wrapText(text, fontSize, width - 2 * margin);
  const lineHeight = Math.round(fontSize * 1.3);
  const blockHeight = lines.length * lineHeight;
  const x = position.endsWith("_left") ? `${margin}` : position.endsWith("_right") ? `w-text_w-${margin}` : "(w-text_w)/2";
  let top: number;
  if (position.startsWith("top")) top = margin;
  else if (position === "center") top = (height - blockHeight) / 2;
  else if (position === "lower_third") top = height * 0.68;
  else top = height - margin - blockHeight;
  top = Math.max(0, Math.round(top));
  return lines.map((line, index) => ({ text: line, x, y: top + index * lineHeight }));
}

/** Text sizes are stored for a 1080-pixel short side and scale with the output. */
export function fontSizeFor(segment: TextSegment, width: number, height: number): number {
  return Math.max(8, Math.round((segment.sizePx * Math.min(width, height)) / 1080));
}

/** The lines a text is drawn in on a `width`×`height` frame (what each drawtext gets). */
export function textLines(segment: TextSegment, width: number, height: number): string[] {
  return layoutText(segment.text, segment.position, fontSizeFor(segment, width, height), width, height).map((line) => line.text);
}
