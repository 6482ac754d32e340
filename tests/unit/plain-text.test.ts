import { describe, expect, it } from "vitest";
import { plainText } from "../../src/core/plain-text.js";

describe("plainText: service text as plain text (issue 12, item 9)", () => {
  it.each([
    ["right-to-left override (U+202E)", "invoice\u202Egpj.exe", "invoicegpj.exe"],
    ["embeddings and the pop (U+202A…U+202C)", "a\u202Ab\u202Bc\u202Cd", "abcd"],
    ["left-to-right override (U+202D)", "x\u202Dy", "xy"],
    ["isolates LRI…PDI (U+2066…U+2069)", "\u2066name\u2069 and \u2067x\u2069 \u2068y\u2069", "name and x y"],
    ["bidi marks (LRM, RLM, ALM)", "a\u200Eb\u200Fc\u061Cd", "abcd"],
    ["NUL", "before\u0000after", "beforeafter"],
    ["C0 controls (BEL, BS, VT, FF, ESC alone)", "a\u0007b\u0008c\u000Bd\u000Ce\u001B", "abcde"],
    ["DEL and C1 controls", "a\u007Fb\u0080c\u0099d", "abcd"],
    ["ANSI colour (CSI … m)", "\u001B[31mred\u001B[0m and \u001B[1;38;5;196mbold\u001B[m", "red and bold"],
    ["ANSI cursor and erase (CSI)", "\u001B[2J\u001B[Hhome\u001B[K", "home"],
    ["8-bit CSI", "\u009B31mred", "red"],
    ["OSC title ended by BEL", "\u001B]0;pwned\u0007text", "text"],
    ["OSC 8 hyperlink ended by ST", "\u001B]8;;https://evil.example\u001B\\click\u001B]8;;\u001B\\", "click"],
    ["an unterminated OSC runs to the end", "ok\u001B]0;never ends", "ok"],
    ["two-character escapes (ESC c, ESC 7)", "a\u001Bcb\u001B7c", "abc"],
    ["BOM / zero-width no-break space", "\uFEFFstart", "start"],
    ["a lone surrogate becomes U+FFFD", "a\uD800b", "a\uFFFDb"],
    ["CR LF and CR become newlines", "one\r\ntwo\rthree", "one\ntwo\nthree"],
    ["line and paragraph separators become newlines", "a\u2028b\u2029c", "a\nb\nc"],
  ])("%s", (_name, input, expected) => {
    expect(plainText(input)).toBe(expected);
  });

  it.each([
    ["Chinese", "添加字幕和背景音乐"],
    ["emoji with joiners and a variation selector", "🎬 👩‍👩‍👧 ❤️ 🏳️‍🌈"],
    ["Arabic and Hebrew (right-to-left scripts, no overrides)", "مرحبا שלום"],
    ["accents (composed and combining)", "café cafe\u0301"],
    ["newlines and tabs", "line one\nline two\tcolumn"],
    // Left as text on purpose: shown as plain text, a tag is only characters (see plain-text.ts).
    ["markup is left as text", "<script>alert(1)</script> & <b>bold</b>"],
  ])("keeps %s", (_name, text) => {
    expect(plainText(text)).toBe(text);
  });
});
