import { join } from "node:path";
import { VideoMakerError } from "../core/errors.js";
import { expression, filter, filterValue } from "./filtergraph.js";
import { framesToMs } from "./format.js";
import { ROUGH_CJK, ROUGH_LATIN, type TextFont, fontForLine, isCjkLetter, noCjkFontMessage } from "./font-coverage.js";
import { ffmpegColor, fontSizeFor, layoutText } from "./text-layout.js";
import type { TextSegment } from "./timeline.js";
import { type Compilation, type CompileOptions, msText } from "./compile-context.js";

/**
 * Titles and subtitles: drawtext from text files, never from the graph, with `%{…}` left as
 * written; each line with the font that has most of it. `shownFrame`: a preview's one frame,
 * where only the text on screen is drawn (and needs a font).
 */
export function drawTexts(c: Compilation, video: string, texts: TextSegment[], totalFrames: number, shownFrame?: number): string {
  const totalMs = framesToMs(totalFrames, c.rate);
  // Frame times after concat can land a hair early (µs rounding); half-frame edges keep
  // the first and last frame of a text where they belong.
  const halfFrameMs = framesToMs(1, c.rate) / 2;
  const startOf = (t: TextSegment): number => Math.max(0, t.startMs - halfFrameMs);
  const endOf = (t: TextSegment): number => Math.min(t.startMs + t.durationMs, totalMs) - halfFrameMs;
  const shownMs = shownFrame === undefined ? undefined : framesToMs(shownFrame, c.rate);
  const visible = texts.filter(
    (t) => t.startMs < totalMs && t.text.trim() !== "" && (shownMs === undefined || (shownMs >= startOf(t) && shownMs < endOf(t))),
  );
  if (visible.length === 0) return video;
  const fonts = textFonts(c.options);
  c.use("drawtext");
  const { width, height } = c.format;
  const filters: string[] = [];
  for (const text of visible) {
    const size = fontSizeFor(text, width, height);
    const start = msText(startOf(text));
    const end = msText(endOf(text));
    const lines = layoutText(text.text, text.position, size, width, height);
    lines.forEach((line, index) => {
      const { font, missing } = fontForLine(line.text, fonts);
      // Refused when the edit was made; a project from before, or a font removed since, ends here.
      const cjk = missing.filter(isCjkLetter);
      if (cjk.length > 0 && !fonts.some((f) => f.cjk)) throw new VideoMakerError("config", noCjkFontMessage([text.id], cjk));
      const path = join(c.options.workDir, `${safeName(text.id)}-${index + 1}.txt`);
      c.textFiles.push({ path, content: line.text });
      const style: Record<string, string | number> = text.box
        ? { box: 1, boxcolor: "black@0.55", boxborderw: Math.max(2, Math.round(size * 0.25)) }
        : { borderw: Math.max(1, Math.round(size / 24)), bordercolor: "black@0.7" };
      filters.push(
        filter("drawtext", {
          fontfile: filterValue(font.file),
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

/** The fonts given, each with what it has (fontconfig's charset, or the rule of thumb without it). */
function textFonts(options: CompileOptions): TextFont[] {
  if (!options.fontFile) throw new VideoMakerError("config", "Rendering text needs a font file, and none was given.");
  const coverage = options.fontCoverage;
  const fonts: TextFont[] = [{ file: options.fontFile, charset: coverage?.get(options.fontFile) ?? ROUGH_LATIN }];
  if (options.cjkFontFile) fonts.push({ file: options.cjkFontFile, charset: coverage?.get(options.cjkFontFile) ?? ROUGH_CJK, cjk: true });
  return fonts;
}

function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, "_");
}
