import { describe, expect, it } from "vitest";
import { type ListedFont, locateCjkFont } from "../../src/local/fonts.js";

/** Which fonts draw text: found by what fontconfig knows of them. */

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

});
