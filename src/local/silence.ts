import type { Trace } from "../core/debug.js";
import type { MediaFacts } from "./media.js";
import type { SilenceRange } from "./ops-common.js";
import { runFfmpeg } from "./ffmpeg.js";

/**
 * Pauses in a clip's sound, found by ffmpeg's silencedetect (it logs `silence_start` and
 * `silence_end` on stderr). Times come back in source time.
 */

export interface SilenceOptions {
  noiseDb: number;
  minSilenceMs: number;
  signal?: AbortSignal;
  trace?: Trace;
}

export async function detectSilence(
  ffmpegPath: string,
  media: MediaFacts,
  fromMs: number,
  toMs: number,
  options: SilenceOptions,
): Promise<SilenceRange[]> {
  const lines: string[] = [];
  const args = [
    "-hide_banner", "-nostdin", "-loglevel", "info",
    ...(fromMs > 0 ? ["-ss", (fromMs / 1000).toFixed(3)] : []),
    "-t", ((toMs - fromMs) / 1000).toFixed(3),
    "-i", media.path,
    "-vn", "-sn", "-dn",
    "-af", `silencedetect=noise=${options.noiseDb}dB:d=${(options.minSilenceMs / 1000).toFixed(3)}`,
    "-f", "null", "-",
  ];
  await runFfmpeg(ffmpegPath, args, {
    activity: `search for pauses in "${media.name}"`,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.trace ? { trace: options.trace } : {}),
    onStderrLine: (line) => {
      if (line.includes("silence_")) lines.push(line);
    },
  });
  return parseSilenceLog(lines.join("\n"), fromMs, toMs);
}

/** Pure: silencedetect's log → ranges, shifted by the seek offset; an open silence runs to the end. */
export function parseSilenceLog(log: string, offsetMs: number, endMs: number): SilenceRange[] {
  const ranges: SilenceRange[] = [];
  let open: number | undefined;
  for (const line of log.split(/\r?\n/)) {
    const start = /silence_start:\s*(-?[\d.]+)/.exec(line);
    if (start) {
      open = offsetMs + Math.max(0, Number(start[1]) * 1000);
      continue;
    }
    const end = /silence_end:\s*(-?[\d.]+)/.exec(line);
    if (end && open !== undefined) {
      ranges.push({ startMs: Math.round(open), endMs: Math.round(Math.min(endMs, offsetMs + Number(end[1]) * 1000)) });
      open = undefined;
    }
  }
  if (open !== undefined && open < endMs) ranges.push({ startMs: Math.round(open), endMs });
  return ranges;
}
