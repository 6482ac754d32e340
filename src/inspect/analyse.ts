import type { Trace } from "../core/debug.js";
import { runFfmpeg } from "../local/ffmpeg.js";
import { type Loudness, type SceneCut, type Span, parseLoudnessSummary, parsePauses, parseSceneCuts } from "./parse.js";

/**
 * One ffmpeg pass over a file for every measure at once: the picture is decoded once, shrunk
 * and compared frame to frame (scdet), the sound is searched for pauses (silencedetect, with
 * remove_silence's own defaults, so what is shown is what a cut would do) and measured (ebur128).
 * The deblocking filter is skipped while decoding: about a third of H.264's decode cost, and
 * scene scores on 108-line frames do not need it.
 */

/** remove_silence's defaults (src/local/ops/remove-silence.ts): the same detector, the same answer. */
export const PAUSE_NOISE_DB = -35;
export const PAUSE_MIN_SECONDS = 0.5;
/** scdet's own default: a score of 10 or more out of 100 is a new scene. */
export const SCENE_THRESHOLD = 10;
/** Scene scores are computed on frames this tall: a cut changes a frame at any size. */
const ANALYSIS_HEIGHT = 108;
/** ebur128's summary is 14 lines. */
const SUMMARY_LINES = 16;

export interface AnalysisRequest {
  ffmpegPath: string;
  path: string;
  hasVideo: boolean;
  hasAudio: boolean;
  durationSeconds: number;
  signal?: AbortSignal;
  trace?: Trace;
  onProgress?: (fraction: number) => void;
}

export interface Analysis {
  scenes: SceneCut[];
  pauses: Span[];
  loudness?: Loudness;
}

export function analysisArgs(request: Pick<AnalysisRequest, "path" | "hasVideo" | "hasAudio">): string[] {
  const chains: string[] = [];
  const maps: string[] = [];
  if (request.hasVideo) {
    chains.push(`[0:v:0]scale=-2:${ANALYSIS_HEIGHT}:flags=fast_bilinear,scdet=threshold=${SCENE_THRESHOLD}[scenes]`);
    maps.push("-map", "[scenes]");
  }
  if (request.hasAudio) {
    chains.push(
      `[0:a:0]asplit=2[forpauses][forloudness]`,
      `[forpauses]silencedetect=noise=${PAUSE_NOISE_DB}dB:d=${PAUSE_MIN_SECONDS},anullsink`,
      // framelog=verbose: the per-frame lines stay out of an info-level log; the summary stays in.
      `[forloudness]ebur128=peak=true:framelog=verbose[loudness]`,
    );
    maps.push("-map", "[loudness]");
  }
  return [
    "-hide_banner", "-nostdin", "-nostats", "-loglevel", "info",
    "-skip_loop_filter", "all",
    "-progress", "pipe:1",
    "-i", request.path,
    "-filter_complex", chains.join(";"),
    ...maps,
    "-f", "null", "-",
  ];
}

export async function analyseMedia(request: AnalysisRequest): Promise<Analysis> {
  if (!request.hasVideo && !request.hasAudio) return { scenes: [], pauses: [] };
  const scdet: string[] = [];
  const silence: string[] = [];
  let loudness: string[] = [];
  await runFfmpeg(request.ffmpegPath, analysisArgs(request), {
    activity: "look at the file",
    durationMs: request.durationSeconds * 1000,
    ...(request.onProgress ? { onProgress: (fraction: number) => request.onProgress!(fraction) } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
    ...(request.trace ? { trace: request.trace } : {}),
    onStderrLine: (line) => {
      // Only the lines that matter are kept: a 20-minute file logs thousands of others.
      if (line.includes("lavfi.scd.")) scdet.push(line);
      else if (line.includes("silence_")) silence.push(line);
      // ebur128 also prints an empty summary when the graph is set up: the last one counts.
      else if (/ebur128.*Summary:/.test(line)) loudness = [line];
      else if (loudness.length > 0 && loudness.length < SUMMARY_LINES) loudness.push(line);

    },
  });
  return {
    scenes: parseSceneCuts(scdet),
    pauses: parsePauses(silence, request.durationSeconds),
    ...(request.hasAudio ? { loudness: parseLoudnessSummary(loudness) ?? silentLoudness() } : {}),
  };
}

/** ebur128 says nothing useful about pure silence; it measures as quiet as the scale goes. */
function silentLoudness(): Loudness {
  return { integratedLufs: -70, truePeakDbtp: Number.NEGATIVE_INFINITY, rangeLu: 0 };
}
