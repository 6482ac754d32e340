import { describe, expect, it } from "vitest";
import { checkLanguage } from "../../src/core/names.js";
import { validateFileName } from "../../src/core/output.js";

/** Issue 12, item 8: the name and language checks, table by table (tests/bad-inputs runs them through both faces). */

describe("validateFileName", () => {
  const refused: Array<[string, RegExp]> = [
    ["promo\u202egnp.exe", /invisible direction controls/],
    ["a\u200fb", /invisible direction controls/],
    ["a\u2066b\u2069", /invisible direction controls/],
    ["a\u061cb", /invisible direction controls/],
    ["COM\u00b9", /Windows reserves/],
    ["lpt\u00b3.mp4", /Windows reserves/],
    ["COM0", /Windows reserves/],
    ["LPT9.mp4", /Windows reserves/],
    ["CON .mp4", /Windows reserves/],
    ["conin$", /Windows reserves/],
    [".hidden", /starts with a dot/],
    [".x.mp4.abc123.part", /starts with a dot/],
    ["a\u0085b", /control characters/],
  ];
  for (const [name, message] of refused) {
    it(`refuses ${JSON.stringify(name)}`, () => {
      expect(() => validateFileName(name)).toThrow(message);
    });
  }
  for (const [name, stored] of [["COM10", "COM10.mp4"], ["console", "console.mp4"], ["promo.v2", "promo.v2.mp4"], ["عرض", "عرض.mp4"], ["宣传片", "宣传片.mp4"], ["a.b.", "a.b..mp4"]]) {
    it(`accepts ${JSON.stringify(name)}`, () => {
      expect(validateFileName(name!)).toBe(stored);
    });
  }
});

describe("checkLanguage", () => {
  it.each(["en", "zh", "pt-BR", "zh-Hans", "zh-Hans-CN", "de-CH-1901", "en-x-private"])("accepts %s", (tag) => {
    expect(checkLanguage(tag)).toBe(tag);
  });
  it.each(["", "english", "EN", "en_US", "e", "en--US", "en-US-", "a".repeat(36), `en-${"abcdefgh-".repeat(4)}x`])("refuses %j", (tag) => {
    expect(() => checkLanguage(tag)).toThrow(/is not a language code/);
  });
  it("says the length of a long tag and shows at most 40 characters of it", () => {
    const tag = `en-${"abcdefgh-".repeat(1000)}`.slice(0, 9000);
    expect(() => checkLanguage(tag)).toThrow(/^"en-abcdefgh-abcdefgh-abcdefgh-abcdefgh-a…" is not a language code \(9000 characters; a language code has at most 35\)/);
  });
});
