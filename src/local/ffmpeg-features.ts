import { execFile } from "node:child_process";
import { VideoMakerError } from "../core/errors.js";

/**
 * What this ffmpeg can do: its filters, encoders, amix options and xfade transitions, probed once
 * per path, and the errors that name what is missing and how to install it.
 */

export const INSTALL_FFMPEG_HINT =
  "Install a full ffmpeg (Debian/Ubuntu: `sudo apt-get install -y ffmpeg`; macOS: `brew install ffmpeg`; Windows: `winget install ffmpeg`) or point FFMPEG_PATH at one.";

/** Where the probe looks for a feature: `-filters`, `-encoders`, or `-h filter=amix`. */
type FeatureKind = "filter" | "encoder" | "amix option";

/**
 * Everything a render may ask of ffmpeg (which of it a given render needs, the compiler
 * decides): where the probe finds it, and what it is for, for the error when it is missing.
 */
const FEATURES = {
  libx264: { kind: "encoder", needed: "the H.264 encoder libx264" },
  aac: { kind: "encoder", needed: "the AAC audio encoder" },
  png: { kind: "encoder", needed: "the PNG encoder (for preview frames)" },
  pcm_f32le: { kind: "encoder", needed: "the pcm_f32le audio encoder (the mix, kept lossless until its loudness is measured)" },
  ebur128: { kind: "filter", needed: "the ebur128 filter (measuring loudness; or export with loudness off)" },
  alimiter: { kind: "filter", needed: "the alimiter filter (keeping peaks under the ceiling; or export with loudness off)" },
  drawtext: { kind: "filter", needed: "the drawtext filter (text overlays; needs ffmpeg built with freetype)" },
  xfade: { kind: "filter", needed: "the xfade filter (video transitions, ffmpeg 4.3+)" },
  acrossfade: { kind: "filter", needed: "the acrossfade filter (audio under transitions)" },
  zoompan: { kind: "filter", needed: "the zoompan filter (Ken Burns on photos)" },
  sidechaincompress: { kind: "filter", needed: "the sidechaincompress filter (music ducking)" },
  amix: { kind: "filter", needed: "the amix filter (mixing music)" },
  // normalize=0 keeps the music at the volume asked for instead of halving it.
  "amix-normalize": { kind: "amix option", needed: "amix's normalize option (ffmpeg 4.4+)" },
  silencedetect: { kind: "filter", needed: "the silencedetect filter (cutting pauses)" },
  subtitles: { kind: "filter", needed: "the subtitles filter" },
  scale: { kind: "filter", needed: "the scale filter" },
  pad: { kind: "filter", needed: "the pad filter" },
  crop: { kind: "filter", needed: "the crop filter" },
  fps: { kind: "filter", needed: "the fps filter" },
  tpad: { kind: "filter", needed: "the tpad filter (ffmpeg 4.2+)" },
  loop: { kind: "filter", needed: "the loop filter" },
  boxblur: { kind: "filter", needed: "the boxblur filter (blurred backgrounds)" },
  overlay: { kind: "filter", needed: "the overlay filter" },
  concat: { kind: "filter", needed: "the concat filter" },
  color: { kind: "filter", needed: "the color source" },
  anullsrc: { kind: "filter", needed: "the anullsrc source (silence for clips without sound)" },
  apad: { kind: "filter", needed: "the apad filter" },
  atrim: { kind: "filter", needed: "the atrim filter" },
  afade: { kind: "filter", needed: "the afade filter" },
  fade: { kind: "filter", needed: "the fade filter (fade transitions)" },
  adelay: { kind: "filter", needed: "the adelay filter" },
  volume: { kind: "filter", needed: "the volume filter" },
  select: { kind: "filter", needed: "the select filter" },
  aselect: { kind: "filter", needed: "the aselect filter" },
  asegment: { kind: "filter", needed: "the asegment filter (ffmpeg 4.4+)" },
} as const satisfies Record<string, { kind: FeatureKind; needed: string }>;

export type FfmpegFeature = keyof typeof FEATURES;

export interface FfmpegFeatures {
  path: string;
  /** "5.1.9-0+deb12u1" */
  version: string;
  available: ReadonlySet<FfmpegFeature>;
  /** xfade transition names this build knows. */
  transitions: ReadonlySet<string>;
  /**
   * This build accepts `-cpuflags +slowgather` (libavutil 57+), which keeps swscale off its
   * AVX2 gather path: gathers are microcoded on AMD Zen and slowed by the Downfall (GDS)
   * mitigation on Intel, and on the 2-core EPYC of bench/render the gather path made the
   * renders' scaling (fits, Ken Burns) take 30–50% more CPU than the SSSE3 path.
   */
  slowGather?: boolean;
}

const cache = new Map<string, Promise<FfmpegFeatures>>();

/** Probes the binary once per path and process; a failed probe is retried next time. */
export function probeFfmpeg(path: string): Promise<FfmpegFeatures> {
  let pending = cache.get(path);
  if (!pending) {
    pending = probeUncached(path);
    cache.set(path, pending);
    pending.catch(() => cache.delete(path));
  }
  return pending;
}

async function probeUncached(path: string): Promise<FfmpegFeatures> {
  const [versionText, filtersText, encodersText, amixHelp, xfadeHelp, slowGather] = await Promise.all([
    captureStdout(path, ["-hide_banner", "-version"]),
    captureStdout(path, ["-hide_banner", "-filters"]),
    captureStdout(path, ["-hide_banner", "-encoders"]),
    captureStdout(path, ["-hide_banner", "-h", "filter=amix"]).catch(() => ""),
    captureStdout(path, ["-hide_banner", "-h", "filter=xfade"]).catch(() => ""),
    // An ffmpeg that does not know the flag fails on it before printing its version.
    captureStdout(path, ["-hide_banner", "-cpuflags", "+slowgather", "-version"]).then(
      () => true,
      () => false,
    ),
  ]);
  return {
    path,
    version: /ffmpeg version (\S+)/.exec(versionText)?.[1] ?? "unknown",
    available: parseFeatures(filtersText, encodersText, amixHelp),
    transitions: parseTransitions(xfadeHelp),
    slowGather,
  };
}

/** Reads `ffmpeg -filters` / `-encoders` listings: " T.C drawtext  V->V  …" / " V....D libx264  …". */
export function parseFeatures(filtersText: string, encodersText: string, amixHelp: string): Set<FfmpegFeature> {
  const listed = (text: string, line: RegExp): Set<string> => new Set(text.split("\n").flatMap((l) => line.exec(l)?.[1] ?? []));
  const filters = listed(filtersText, /^\s*[T.][S.][C.]\s+(\S+)\s+\S+->\S+/);
  const found: Record<FeatureKind, Set<string>> = {
    filter: filters,
    encoder: listed(encodersText, /^\s*[VAS][F.][S.][X.][B.][D.]\s+(\S+)/),
    "amix option": new Set(filters.has("amix") && /\bnormalize\b/.test(amixHelp) ? ["amix-normalize"] : []),
  };
  const available = new Set<FfmpegFeature>();
  for (const [feature, { kind }] of Object.entries(FEATURES)) if (found[kind].has(feature)) available.add(feature as FfmpegFeature);
  return available;
}

export function parseTransitions(xfadeHelp: string): Set<string> {
  const names = new Set<string>();
  const section = xfadeHelp.split(/\n\s*duration\s/)[0] ?? "";
  for (const line of section.split("\n")) {
    const match = /^\s{4,}([a-z]+)\s+-?\d+\s/.exec(line);
    if (match && match[1] !== "custom") names.add(match[1]!);
  }
  return names;
}

/** Throws one error naming everything this ffmpeg lacks for the job at hand. */
export function requireFeatures(features: FfmpegFeatures, needed: Iterable<FfmpegFeature>): void {
  const missing = [...new Set(needed)].filter((feature) => !features.available.has(feature));
  if (missing.length === 0) return;
  throw new VideoMakerError(
    "config",
    `The ffmpeg at ${features.path} (version ${features.version}) lacks ${missing.map((f) => FEATURES[f].needed).join(", ")}. ${INSTALL_FFMPEG_HINT}`,
  );
}

export function ffmpegMissingError(path: string, tool = "ffmpeg", variable = "FFMPEG_PATH"): VideoMakerError {
  const where = path.includes("/") || path.includes("\\") ? `at ${path} (${variable})` : `on PATH (looked for "${path}")`;
  return new VideoMakerError("config", `${tool} was not found ${where}. The local backend needs it to read and render media. ${INSTALL_FFMPEG_HINT}`);
}

function captureStdout(path: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(path, args, { maxBuffer: 8 * 1024 * 1024, timeout: 30_000, windowsHide: true }, (error, stdout) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException).code;
        reject(code === "ENOENT" || code === "EACCES" ? ffmpegMissingError(path) : error);
      } else resolve(stdout);
    });
  });
}
