import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import type { Draft } from "../../src/core/draft.js";
import { type CompileOptions, compileRender } from "../../src/local/compile.js";
import { type TextFont, fontForLine, parseCharset } from "../../src/local/font-coverage.js";
import { type ListedFont, fontCharset, locateCjkFont, locateFont } from "../../src/local/fonts.js";
import { type OpHelpers, applyOps } from "../../src/local/ops.js";
import { readTimeline } from "../../src/local/timeline.js";
import { fakeMedia } from "./fixtures.js";

/**
 * Text is checked against the fonts that will draw it, glyph by glyph, when the edit is made;
 * each line is drawn with the font that has most of it, by fontconfig's coverage; previews need
 * only the fonts of what is on screen. The fonts here are fakes with a charset of fontconfig's
 * shape, so the tests do not depend on the fonts of the machine (CI has DejaVu and no CJK font).
 */

const LATIN: TextFont = { file: "/fonts/Bold.ttf", charset: parseCharset("20-7e a0-2e9 2010-2027 2122 2605 2764") };
const CJK: TextFont = { file: "/fonts/cjk.ttc", charset: parseCharset("20-7e 3000-303f 4e00-9fff ff00-ffef"), cjk: true };

const NO_CJK_HINT = "no font for them was found on this computer. Install one: Debian/Ubuntu `sudo apt-get install -y fonts-noto-cjk`";

const hasFcQuery = await promisify(execFile)("fc-query", ["--version"]).then(() => true, () => false);

const MEDIA = [fakeMedia({ id: "media-1", name: "beach.mp4", duration_ms: 10_000 })];

function srt(...cues: string[]): string {
  return cues.map((text, i) => `${i + 1}\n00:00:0${i},000 --> 00:00:0${i},900\n${text}\n`).join("\n");
}

function helpersWith(fonts: TextFont[], subtitles = ""): OpHelpers {
  return { textFonts: async () => fonts, readTextFile: async () => subtitles };
}

async function notesOf(ops: unknown[], helpers: OpHelpers): Promise<string[]> {
  return (await applyOps({ t: [] }, ops, MEDIA, helpers)).notes;
}

async function problemsOf(ops: unknown[], helpers: OpHelpers): Promise<string> {
  try {
    await applyOps({ t: [] }, ops, MEDIA, helpers);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected the ops to be refused");
}

describe("text is checked against its fonts when the edit is made", () => {
  it("refuses Chinese, Japanese or Korean with the font to install when no font has them, in titles and subtitles alike", async () => {
    const latinOnly = helpersWith([LATIN], srt("Hello", "你好", "世界和平"));
    expect(await problemsOf([{ op: "add_text", text: "夏季特卖 Sale" }], latinOnly)).toContain(
      `op 1 (add_text): text-1 has Chinese, Japanese or Korean characters (夏季特卖), and ${NO_CJK_HINT}`,
    );
    expect(await problemsOf([{ op: "add_subtitles", file: "/subs/zh.srt" }], latinOnly)).toContain(
      `op 1 (add_subtitles): sub-2 and sub-3 have Chinese, Japanese or Korean characters (你好世界和), and ${NO_CJK_HINT}`,
    );
    expect(await problemsOf([{ op: "add_text", text: "Sale" }, { op: "set_text", segment: "text-1", text: "안녕하세요" }], latinOnly)).toContain(
      `op 2 (set_text): text-1 has Chinese, Japanese or Korean characters (안녕하세요), and ${NO_CJK_HINT}`,
    );
    // With a CJK font on the machine the same edits pass without a word.
    const both = helpersWith([LATIN, CJK], srt("Hello", "你好", "世界和平"));
    expect(await notesOf([{ op: "add_text", text: "夏季特卖 Sale" }], both)).toEqual([]);
    expect(await notesOf([{ op: "add_subtitles", file: "/subs/zh.srt" }], both)).toEqual(["Added 3 subtitles from /subs/zh.srt."]);
  });

  it("names the characters that will draw as empty boxes, the same for subtitles as for titles", async () => {
    const fonts = [LATIN, CJK];
    expect(await notesOf([{ op: "add_text", text: "Party 🎉" }], helpersWith(fonts))).toEqual([
      'text-1: 🎉 will show as an empty box in the local render (no font on this computer has it); remove it with {"op":"set_text","segment":"text-1","text":…} unless that is fine.',
    ]);
    expect(await notesOf([{ op: "add_subtitles", file: "/subs/party.srt" }], helpersWith(fonts, srt("Party 🎉")))).toEqual([
      "Added 1 subtitles from /subs/party.srt.",
      'sub-1: 🎉 will show as an empty box in the local render (no font on this computer has it); remove it with {"op":"set_text","segment":"sub-1","text":…} unless that is fine.',
    ]);
    // Many cues: one note, not one per cue.
    const many = helpersWith(fonts, srt("a 🎉", "b 🔥", "c 🎉", "d", "e 🎉", "f 🎉"));
    expect(await notesOf([{ op: "add_subtitles", file: "/subs/many.srt" }], many)).toEqual([
      "Added 6 subtitles from /subs/many.srt.",
      'sub-1, sub-2, sub-3 and 2 more: 🎉 🔥 will show as empty boxes in the local render (no font on this computer has them); remove them with {"op":"set_text","segment":"sub-1","text":…} unless that is fine.',
    ]);
    // What the fonts have passes: ❤ (its emoji selector is invisible), ★, ™, dashes; zero-width joiners draw nothing.
    expect(await notesOf([{ op: "add_text", text: "I ❤️ it: © 2026 Acme™ — ★ 4.9\u200d" }], helpersWith(fonts))).toEqual([]);
  });

  it("draws a line with the font that has most of it, and names what that font lacks", async () => {
    const fonts = [LATIN, CJK];
    // The CJK font draws the line (it has the letters), and it has no ❤.
    expect(await notesOf([{ op: "add_text", text: "I ❤ NY 纽约" }], helpersWith(fonts))).toEqual([
      'text-1: ❤ will show as an empty box in the local render (a line is drawn with one font, and the one for the rest of its line lacks it); put it on a line of its own, or remove it with {"op":"set_text","segment":"text-1","text":…} unless that is fine.',
    ]);
    // On a line of its own it is drawn with the Latin font, which has it.
    expect(await notesOf([{ op: "add_text", text: "纽约\n❤" }], helpersWith(fonts))).toEqual([]);
  });

  it("checks nothing when no font lookup is given (ops tested without fonts)", async () => {
    expect(await notesOf([{ op: "add_text", text: "夏季 🎉" }], {})).toEqual([]);
  });
});

// --- drawing ---------------------------------------------------------------------------------

const OPTIONS: CompileOptions = {
  outputPath: "/out/.render.part",
  workDir: "/w",
  fontFile: LATIN.file,
  fontCoverage: new Map([[LATIN.file, LATIN.charset], [CJK.file, CJK.charset]]),
};

function draftWithTexts(...texts: Array<[id: string, text: string, startMs: number, durationMs: number]>): Draft {
  const sg = texts.map(([id, tx, st, d]) => ({ id, st, d, tx, pos: "bottom", sz: 42, c: "white", box: true }));
  return { t: [{ tt: 0, sg: [{ id: "clip-1", n: "beach.mp4", src: "media-1", st: 0, d: 3000, in: 0 }] }, { tt: 7, sg }] } as Draft;
}

const fontsDrawn = (graph: string): string[] => graph.split("drawtext=").slice(1).map((d) => /fontfile=([^:]+):/.exec(d)![1]!);

describe("each line is drawn with the font that covers it", () => {
  it("picks the font per line by coverage", () => {
    const draft = draftWithTexts(["text-1", "I ❤ NY 纽约\n❤\nSale", 0, 3000]);
    const out = compileRender(draft, MEDIA, { ...OPTIONS, cjkFontFile: CJK.file });
    expect(out.textFiles.map((f) => f.content)).toEqual(["I ❤ NY 纽约", "❤", "Sale"]);
    expect(fontsDrawn(out.filtergraph)).toEqual([CJK.file, LATIN.file, LATIN.file]);
    const fonts = [LATIN, CJK];
    expect(fontForLine("I ❤ NY 纽约", fonts)).toEqual({ font: CJK, missing: ["❤"] }); // the CJK font has no ❤ (Noto Sans CJK has none)
    expect(fontForLine("❤ 爱", fonts)).toEqual({ font: CJK, missing: ["❤"] }); // letters count first
    expect(fontForLine("Sale ❤", fonts)).toEqual({ font: LATIN, missing: [] });
    expect(fontForLine("Sale", fonts).font).toBe(LATIN); // a tie goes to the main font
    expect(fontForLine("I ❤️ it\u200d", fonts)).toEqual({ font: LATIN, missing: [] }); // selectors and joiners draw nothing
  });

  it("a preview needs fonts only for the text on screen at that moment; an export for all it shows", () => {
    // A draft made before the check, or a CJK font removed since: Chinese from 1 s to 2 s.
    const draft = draftWithTexts(["text-1", "Hello", 0, 1000], ["text-2", "你好", 1000, 1000]);
    const before = compileRender(draft, MEDIA, { ...OPTIONS, previewAtMs: 500 });
    expect(before.textFiles.map((f) => f.content)).toEqual(["Hello"]);
    const after = compileRender(draft, MEDIA, { ...OPTIONS, previewAtMs: 2500 });
    expect(after.textFiles).toEqual([]);
    expect(() => compileRender(draft, MEDIA, { ...OPTIONS, previewAtMs: 1500 })).toThrow(
      expect.objectContaining({ code: "config", message: expect.stringContaining(`text-2 has Chinese, Japanese or Korean characters (你好), and ${NO_CJK_HINT}`) }),
    );
    expect(() => compileRender(draft, MEDIA, OPTIONS)).toThrow(expect.objectContaining({ code: "config" }));
    // Text past the end of the video is never shown, so it needs no font either.
    const late = draftWithTexts(["text-1", "Hello", 0, 1000], ["text-2", "你好", 5000, 1000]);
    expect(compileRender(late, MEDIA, OPTIONS).textFiles.map((f) => f.content)).toEqual(["Hello"]);
    expect(readTimeline(late).titles).toHaveLength(2);
  });
});

// --- finding fonts -----------------------------------------------------------------------------

describe("finding fonts", () => {
  it("prefers a bold sans-serif CJK face, as bold as the Latin text, over a lighter one found first", async () => {
    const listed: ListedFont[] = [
      { file: "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", index: 0, weight: 80, family: "WenQuanYi Zen Hei" },
      { file: "/home/me/.fonts/NotoSerifCJKsc-Bold.otf", index: 0, weight: 200, family: "Noto Serif CJK SC" },
      { file: "/home/me/.fonts/NotoSansCJKsc-Regular.otf", index: 0, weight: 80, family: "Noto Sans CJK SC" },
      { file: "/home/me/.fonts/NotoSansCJKsc-Bold.otf", index: 0, weight: 200, family: "Noto Sans CJK SC" },
      { file: "/home/me/.fonts/NotoSansCJK-VF.ttc", index: 0, weight: undefined, family: "Noto Sans CJK JP" },
    ];
    const lookup = { readable: async () => true, listCjk: async () => listed };
    expect(await locateCjkFont(lookup)).toBe("/home/me/.fonts/NotoSansCJKsc-Bold.otf");
    // Only a regular face: that one, rather than none.
    expect(await locateCjkFont({ readable: async () => true, listCjk: async () => [listed[0]!] })).toBe(listed[0]!.file);
    // No fontconfig (most Macs, Windows): the known places, bold faces first.
    const known = new Set(["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"]);
    expect(await locateCjkFont({ readable: async (path) => known.has(path), listCjk: async () => [] })).toBe("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc");
    expect(await locateCjkFont({ readable: async () => false, listCjk: async () => [] })).toBeUndefined();
  });

  it.skipIf(!hasFcQuery)("reads what a real font has from fontconfig, once per file (skipped where fc-query is not installed)", async () => {
    const file = await locateFont();
    const charset = await fontCharset(file);
    expect(charset).toBeDefined();
    expect(charset!.has(0x41)).toBe(true); // A
    expect(charset!.has(0x1f389)).toBe(false); // 🎉: no text font we locate has colour emoji
    expect(fontCharset(file)).toBe(fontCharset(file));
    expect(await fontCharset("/nowhere/font.ttf")).toBeUndefined();
  });
});
