import { execFile } from "node:child_process";
import { access, constants } from "node:fs/promises";
import { VideoMakerError } from "../core/errors.js";

/**
 * A bold sans-serif font file for text overlays. drawtext's default font depends on the
 * machine's fontconfig setup, so we always pass an explicit `fontfile=`.
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

/** Fonts with Chinese, Japanese and Korean glyphs (DejaVu has none; drawtext has no fallback). */
const CJK_CANDIDATES = [
  "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
  "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
  "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc",
  "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Bold.ttc",
  "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
  "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
  "/System/Library/Fonts/PingFang.ttc",
  "/System/Library/Fonts/STHeiti Medium.ttc",
  "C:\\Windows\\Fonts\\msyhbd.ttc",
  "C:\\Windows\\Fonts\\msyh.ttc",
];

export const INSTALL_CJK_FONT_HINT =
  "Install one: Debian/Ubuntu `sudo apt-get install -y fonts-noto-cjk`, Fedora `sudo dnf install google-noto-sans-cjk-fonts` (macOS and Windows ship one).";

let located: Promise<string> | undefined;
let locatedCjk: Promise<string | undefined> | undefined;

/** A font for Chinese, Japanese and Korean text, or undefined when the machine has none. */
export function locateCjkFont(): Promise<string | undefined> {
  locatedCjk ??= (async () => {
    for (const path of CJK_CANDIDATES) if (await readable(path)) return path;
    const listed = await fontconfigList(":lang=zh");
    const bold = listed.find((file) => /bold/i.test(file)) ?? listed[0];
    return bold && (await readable(bold)) ? bold : undefined;
  })();
  return locatedCjk;
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

async function readable(path: string): Promise<boolean> {
  try {
    await access(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

function fontconfigList(pattern: string): Promise<string[]> {
  return new Promise((resolve) => {
    execFile("fc-list", [pattern, "file"], { timeout: 5000, windowsHide: true }, (error, stdout) => {
      if (error) return resolve([]);
      resolve(stdout.split("\n").map((line) => line.trim().replace(/:$/, "")).filter((file) => /\.(ttf|otf|ttc)$/i.test(file)));
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
