/**
 * SubRip (.srt) and WebVTT (.vtt) cues, read into plain text and times. Styling tags
 * (<i>, {\an8}, <c.yellow>) are dropped: the local engine draws its own style.
 */

export interface Cue {
  startMs: number;
  endMs: number;
  text: string;
}

const TIME = /(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})/;
const ARROW = /-->/;

function parseTime(text: string): number | undefined {
  const match = TIME.exec(text.trim());
  if (!match) return undefined;
  const [, h, m, s, frac] = match;
  const millis = Number((frac ?? "0").padEnd(3, "0"));
  return ((Number(h ?? 0) * 60 + Number(m)) * 60 + Number(s)) * 1000 + millis;
}

function cleanText(lines: string[]): string {
  return lines
    .join("\n")
    .replace(/<[^>]*>/g, "")
    .replace(/\{\\[^}]*\}/g, "")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&nbsp;/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .join("\n");
}

/** Cues in time order; blocks without a valid time line (headers, NOTE, STYLE) are skipped. */
export function parseSubtitles(content: string): Cue[] {
  const blocks = content.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n").split(/\n{2,}/);
  const cues: Cue[] = [];
  for (const block of blocks) {
    const lines = block.split("\n");
    const timeIndex = lines.findIndex((line) => ARROW.test(line));
    if (timeIndex < 0) continue;
    const [from, to] = lines[timeIndex]!.split(ARROW);
    const startMs = parseTime(from ?? "");
    // WebVTT puts cue settings after the end time ("00:01.000 --> 00:02.000 line:0").
    const endMs = parseTime((to ?? "").trim().split(/\s+/)[0] ?? "");
    if (startMs === undefined || endMs === undefined || endMs <= startMs) continue;
    const text = cleanText(lines.slice(timeIndex + 1));
    if (text) cues.push({ startMs, endMs, text });
  }
  return cues.sort((a, b) => a.startMs - b.startMs);
}
