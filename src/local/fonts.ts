import { execFile } from "node:child_process";
import { access, constants } from "node:fs/promises";
import { VideoMakerError } from "../core/errors.js";
import { type Charset, ROUGH_CJK, ROUGH_LATIN, type TextFont, drawnChars, parseCharset } from "./font-coverage.js";

/**
 * A bold sans-serif font file for text overlays. drawtext's default font depends on the
 * machine's fontconfig setup, so we always pass an explicit `fontfile=`. A second font draws
 * Chinese, Japanese and Korean, and what each font has is read from fontconfig (font-coverage.ts
 * decides which font draws a line).
 */

const CANDIDATES = [
  // Debian/Ubuntu (fonts-dejavu-core), Fedora, Arch, Alpine
  "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
  "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
  "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans-Bold.ttf",
  "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
  "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
  "/usr/share/fonts/liberation-sans/LiberationSans-Bold.ttf",
  "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
  "/usr/share/fonts/noto/NotoSans-Bold.ttf",
  // macOS
  "/System/Library/Fonts/Supplemental/Arial Bold.ttf",
  "/Library/Fonts/Arial Bold.ttf",
  "/System/Library/Fonts/Helvetica.ttc",
  // Windows
  "C:\\Windows\\Fonts\\arialbd.ttf",
  "C:\\Windows\\Fonts\\segoeuib.ttf",
];

export const INSTALL_FONT_HINT =
  "Install one: Debian/Ubuntu `sudo apt-get install -y fonts-dejavu-core`, Fedora `sudo dnf install dejavu-sans-fonts`, Alpine `apk add font-dejavu` (macOS and Windows ship Arial).";

export { INSTALL_CJK_FONT_HINT } from "./font-coverage.js";

/**
 * Fonts with Chinese, Japanese and Korean glyphs (DejaVu has none; drawtext has no fallback), for
 * a machine without fontconfig to ask: bold faces first, so CJK lines match the bold Latin ones.
 */
const CJK_CANDIDATES = [
  "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
  "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc",
  "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Bold.ttc",
  "/usr/share/fonts/google-noto-sans-cjk-fonts/NotoSansCJK-Bold.ttc",
  "/System/Library/Fonts/STHeiti Medium.ttc",
  "C:\\Windows\\Fonts\\msyhbd.ttc",
  // only one weight, or regular
  "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
  "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
  "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
  "/System/Library/Fonts/PingFang.ttc",
  "C:\\Windows\\Fonts\\msyh.ttc",
];

let located: Promise<string> | undefined;
let locatedCjk: Promise<string | undefined> | undefined;

/** A face fontconfig lists for Chinese: file, face index, weight (fontconfig's scale: 80 regular, 200 bold), family. */
export interface ListedFont {
  file: string;
  index: number;
  /** Undefined for a variable font's range: drawtext draws its default instance, whatever that is. */
  weight: number | undefined;
  family: string;
}

/** How fonts are found; injectable so the choice is tested without installing fonts. */
export interface FontLookup {
  readable(path: string): Promise<boolean>;
  /** Every face fontconfig knows for Chinese (none without fontconfig). */
  listCjk(): Promise<ListedFont[]>;
}

const SYSTEM: FontLookup = { readable, listCjk: fontconfigListCjk };

/**
 * A font for Chinese, Japanese and Korean text, or undefined when the machine has none: of the
 * faces fontconfig knows, sans-serif first and the nearest to bold (the Latin font is bold).
 */
export function locateCjkFont(lookup: FontLookup = SYSTEM): Promise<string | undefined> {
  if (lookup !== SYSTEM) return searchCjk(lookup);
  // "None" is not kept: the refusal says what to install, and the next edit should find it.
  locatedCjk ??= searchCjk(lookup).then((found) => {
    if (!found) locatedCjk = undefined;
    return found;
  });
  return locatedCjk;
}

async function searchCjk(lookup: FontLookup): Promise<string | undefined> {
  for (const font of rankCjkFonts(await lookup.listCjk())) if (await lookup.readable(font.file)) return font.file;
  for (const path of CJK_CANDIDATES) if (await lookup.readable(path)) return path;
  return undefined;
}

const SERIF = /serif|mincho|ming|song|kai|batang|myeongjo/i;
const BOLD = 200;
const REGULAR = 80;

/** drawtext draws a file's first face: those only, sans-serif before serif, nearest to bold first. */
function rankCjkFonts(listed: readonly ListedFont[]): ListedFont[] {
  const distance = (font: ListedFont): number => Math.abs((font.weight ?? REGULAR) - BOLD);
  const serif = (font: ListedFont): number => (SERIF.test(font.family) ? 1 : 0);
  return listed
    .filter((font) => font.index === 0 && /\.(ttf|otf|ttc)$/i.test(font.file))
    .map((font, order) => ({ font, order }))
    .sort((a, b) => serif(a.font) - serif(b.font) || distance(a.font) - distance(b.font) || a.order - b.order)
    .map(({ font }) => font);
}

/** The first usable font, looked up once per process. */
export function locateFont(candidates: readonly string[] = CANDIDATES): Promise<string> {
  if (candidates !== CANDIDATES) return search(candidates);
  located ??= search(candidates).catch((error: unknown) => {
    located = undefined;
    throw error;
  });
  return located;
}

async function search(candidates: readonly string[]): Promise<string> {
  for (const path of candidates) {
    if (await readable(path)) return path;
  }
  const matched = await fontconfigMatch();
  if (matched && (await readable(matched))) return matched;
  throw new VideoMakerError("config", `No font for text overlays was found on this computer. ${INSTALL_FONT_HINT}`);
}

const charsets = new Map<string, Promise<Charset | undefined>>();

/**
 * The characters a font file has, from fontconfig (its first face, the one drawtext draws),
 * read once per file; undefined where fontconfig is not installed (most Macs, Windows).
 */
export function fontCharset(file: string): Promise<Charset | undefined> {
  let found = charsets.get(file);
  if (!found) {
    found = new Promise((resolve) => {
      const options = { timeout: 10_000, windowsHide: true, maxBuffer: 4 * 1024 * 1024 };
      execFile("fc-query", ["--index", "0", "--format", "%{charset}", file], options, (error, stdout) => {
        resolve(error || stdout.trim() === "" ? undefined : parseCharset(stdout));
      });
    });
    charsets.set(file, found);
  }
  return found;
}

/**
 * The fonts that will draw these texts, each with what it has: the main font (given, or located)
 * and, when it lacks some of their characters, the CJK font if the machine has one. Throws
 * (config) only when there is no font for text at all.
 */
export async function textFontsFor(texts: readonly string[], fontFile?: string): Promise<TextFont[]> {
  const main = fontFile ?? (await locateFont());
  const fonts: TextFont[] = [{ file: main, charset: (await fontCharset(main)) ?? ROUGH_LATIN }];
  const lacking = texts.some((text) => drawnChars(text).some((char) => !fonts[0]!.charset.has(char.codePointAt(0)!)));
  const cjk = lacking ? await locateCjkFont() : undefined;
  if (cjk && cjk !== main) fonts.push({ file: cjk, charset: (await fontCharset(cjk)) ?? ROUGH_CJK, cjk: true });
  return fonts;
}

/** The font options of a render of these texts (compile-text picks among them per line). */
export async function fontsForRender(
  texts: readonly string[],
  fontFile?: string,
): Promise<{ fontFile?: string; cjkFontFile?: string; fontCoverage?: Map<string, Charset> }> {
  if (texts.length === 0) return {};
  const fonts = await textFontsFor(texts, fontFile);
  const cjk = fonts.find((font) => font.cjk);
  return {
    fontFile: fonts[0]!.file,
    ...(cjk ? { cjkFontFile: cjk.file } : {}),
    fontCoverage: new Map(fonts.map((font) => [font.file, font.charset])),
  };
}

async function readable(path: string): Promise<boolean> {
  try {
    await access(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** Every face fontconfig knows for Chinese, one a line; none without fontconfig. */
function fontconfigListCjk(): Promise<ListedFont[]> {
  return new Promise((resolve) => {
    const options = { timeout: 5000, windowsHide: true, maxBuffer: 4 * 1024 * 1024 };
    execFile("fc-list", ["--format", "%{file}\t%{index}\t%{weight}\t%{family}\n", ":lang=zh"], options, (error, stdout) => {
      if (error) return resolve([]);
      resolve(
        stdout.split("\n").flatMap((line) => {
          const [file, index, weight, family] = line.split("\t");
          if (!file || index === undefined || index === "") return [];
          const number = weight ? Number(weight) : Number.NaN;
          return [{ file, index: Number(index), weight: Number.isFinite(number) ? number : undefined, family: family ?? "" }];
        }),
      );
    });
  });
}

/** fontconfig knows about fonts installed anywhere; absent on most Macs and Windows, which is fine. */
function fontconfigMatch(): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile("fc-match", ["-f", "%{file}", "sans-serif:bold"], { timeout: 5000, windowsHide: true }, (error, stdout) => {
      const file = stdout.trim();
      resolve(!error && /\.(ttf|otf|ttc)$/i.test(file) ? file : undefined);
    });
  });
}
