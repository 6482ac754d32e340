/**
 * Which font draws which characters. drawtext draws a line with ONE font file and has no
 * fallback: a character the file lacks is an empty box. What a file has comes from fontconfig
 * (`fc-query --format %{charset}`, read in fonts.ts), so text is checked glyph by glyph against
 * the font itself, both when an edit is made (ops) and when a line is drawn (compile-text).
 */

export interface Charset {
  has(codePoint: number): boolean;
}

export interface TextFont {
  file: string;
  charset: Charset;
  /** The font located for Chinese, Japanese and Korean. */
  cjk?: boolean;
}

export const INSTALL_CJK_FONT_HINT =
  "Install one: Debian/Ubuntu `sudo apt-get install -y fonts-noto-cjk`, Fedora `sudo dnf install google-noto-sans-cjk-fonts` (macOS and Windows ship one).";

/** fontconfig's charset ("20-7e a0-2e9 2764", hex ranges) → a lookup. */
export function parseCharset(text: string): Charset {
  const ranges: Array<[number, number]> = [];
  for (const part of text.trim().split(/\s+/)) {
    const match = /^([0-9a-f]{1,6})(?:-([0-9a-f]{1,6}))?$/i.exec(part);
    if (match) ranges.push([parseInt(match[1]!, 16), parseInt(match[2] ?? match[1]!, 16)]);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  return {
    has(codePoint) {
      let low = 0;
      let high = ranges.length - 1;
      while (low <= high) {
        const middle = (low + high) >> 1;
        const [start, end] = ranges[middle]!;
        if (codePoint < start) high = middle - 1;
        else if (codePoint > end) low = middle + 1;
        else return true;
      }
      return false;
    },
  };
}

/** Han, kana, Hangul, and their punctuation and full-width forms: glyphs DejaVu does not have. */
const WIDE_SCRIPT = /[\u1100-\u11ff\u2e80-\u9fff\ua960-\ua97f\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]|[\u{20000}-\u{2fa1f}]/u;

/**
 * Where fontconfig is not there to ask (most Macs, Windows): the rule of thumb for the fonts we
 * locate (DejaVu, Arial… have no CJK and no emoji past U+1F000; CJK fonts have no emoji either).
 */
export const ROUGH_LATIN: Charset = { has: (cp) => cp < 0x1f000 && !WIDE_SCRIPT.test(String.fromCodePoint(cp)) };
export const ROUGH_CJK: Charset = { has: (cp) => cp < 0x1f000 };

/** Characters that draw nothing whatever the font: spaces, controls, joiners, variation selectors (❤️'s FE0F). */
const INVISIBLE = /[\s\p{Cc}\p{Default_Ignorable_Code_Point}]/u;
const LETTER = /[\p{L}\p{N}]/u;
const CJK_LETTER = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}]/u;

/** The characters of `text` that need a glyph. */
export function drawnChars(text: string): string[] {
  return [...text].filter((char) => !INVISIBLE.test(char));
}

export function isCjkLetter(char: string): boolean {
  return CJK_LETTER.test(char);
}

const has = (font: TextFont, char: string): boolean => font.charset.has(char.codePointAt(0)!);

/**
 * The font that draws a line: the one with most of its letters, then most of its characters;
 * on a tie the first (the main font). `missing`: what it lacks, drawn as empty boxes.
 */
export function fontForLine(line: string, fonts: readonly TextFont[]): { font: TextFont; missing: string[] } {
  const chars = drawnChars(line);
  let best = fonts[0]!;
  let bestScore = [-1, -1];
  for (const font of fonts) {
    const covered = chars.filter((char) => has(font, char));
    const score = [covered.filter((char) => LETTER.test(char)).length, covered.length];
    if (score[0]! > bestScore[0]! || (score[0] === bestScore[0] && score[1]! > bestScore[1]!)) {
      best = font;
      bestScore = score;
    }
  }
  return { font: best, missing: chars.filter((char) => !has(best, char)) };
}

/** What will not draw in these lines: characters no font has, and ones only a font other than their line's has. */
export function uncovered(lines: readonly string[], fonts: readonly TextFont[]): { nowhere: string[]; elsewhere: string[] } {
  const nowhere = new Set<string>();
  const elsewhere = new Set<string>();
  for (const line of lines) {
    for (const char of fontForLine(line, fonts).missing) (fonts.some((font) => has(font, char)) ? elsewhere : nowhere).add(char);
  }
  return { nowhere: [...nowhere], elsewhere: [...elsewhere] };
}

/** Said when text in Chinese, Japanese or Korean would be drawn and the machine has no font for it. */
export function noCjkFontMessage(ids: readonly string[], chars: readonly string[]): string {
  return `${idList(ids)} ${ids.length === 1 ? "has" : "have"} Chinese, Japanese or Korean characters (${[...new Set(chars)].slice(0, 5).join("")}), and no font for them was found on this computer. ${INSTALL_CJK_FONT_HINT}`;
}

/** "text-1", "sub-2 and sub-3", "sub-1, sub-2, sub-3 and 5 more". */
export function idList(ids: readonly string[]): string {
  if (ids.length <= 1) return ids.join("");
  if (ids.length <= 3) return `${ids.slice(0, -1).join(", ")} and ${ids[ids.length - 1]}`;
  return `${ids.slice(0, 3).join(", ")} and ${ids.length - 3} more`;
}
