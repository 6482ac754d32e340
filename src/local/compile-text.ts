import { join } from "node:path";
import { VideoMakerError } from "../core/errors.js";
import { expression, filter, filterValue } from "./filtergraph.js";
import { framesToMs } from "./format.js";
import { ffmpegColor, layoutText, needsCjkFont } from "./text-layout.js";
import type { TextSegment } from "./timeline.js";
import { type Compilation, msText } from "./compile-context.js";

/** Titles and subtitles: drawtext from text files, never from the graph, with `%{…}` left as written. */

/** Text sizes are stored for a 1080-pixel short side and scale with the output. */
function fontSizeFor(segment: TextSegment, width: number, height: number): number {
  return Math.max(8, Math.round((segment.sizePx * Math.min(width, height)) / 1080));
}

export function drawTexts(c: Compilation, video: string, texts: TextSegment[], totalFrames: number): string {
  const totalMs = framesToMs(totalFrames, c.rate);
  const visible = texts.filter((t) => t.startMs < totalMs && t.text.trim() !== "");
  if (visible.length === 0) return video;
  if (!c.options.fontFile) {
    throw new VideoMakerError("config", "Rendering text needs a font file, and none was given.");
  }
  c.use("drawtext");
  const { width, height } = c.format;
  const font = filterValue(c.options.fontFile);
  const cjkFont = c.options.cjkFontFile ? filterValue(c.options.cjkFontFile) : undefined;
  const halfFrameMs = framesToMs(1, c.rate) / 2;
  const filters: string[] = [];
  for (const text of visible) {
    const size = fontSizeFor(text, width, height);
    // Frame times after concat can land a hair early (µs rounding); half-frame edges keep
    // the first and last frame of a text where they belong.
    const start = msText(Math.max(0, text.startMs - halfFrameMs));
    const end = msText(Math.min(text.startMs + text.durationMs, totalMs) - halfFrameMs);
    const lines = layoutText(text.text, text.position, size, width, height);
    lines.forEach((line, index) => {
      const path = join(c.options.workDir, `${safeName(text.id)}-${index + 1}.txt`);
      c.textFiles.push({ path, content: line.text });
      const style: Record<string, string | number> = text.box
        ? { box: 1, boxcolor: "black@0.55", boxborderw: Math.max(2, Math.round(size * 0.25)) }
        : { borderw: Math.max(1, Math.round(size / 24)), bordercolor: "black@0.7" };
      filters.push(
        filter("drawtext", {
          fontfile: cjkFont && needsCjkFont(line.text) ? cjkFont : font,
          textfile: filterValue(path),
          // The person's text is shown as written: `%{…}` is not evaluated.
          expansion: "none",
          fontsize: size,
          fontcolor: ffmpegColor(text.colour),
          x: line.x,
          y: line.y,
          ...style,
          enable: expression(`gte(t,${start})*lt(t,${end})`),
        }),
      );
    });
  }
  const out = c.graph.label("vt");
  c.graph.add([video], filters, [out]);
  return out;
}

function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, "_");
}
