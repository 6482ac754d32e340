import type { Trace } from "../core/debug.js";
import { VideoMakerError } from "../core/errors.js";
import { DEFAULT_MAX_TILES, type InspectOptions, type InspectReport } from "../core/inspect.js";
import { inspectLocalMedia } from "../core/media-files.js";
import { probeMedia } from "../local/ffprobe.js";
import { locateFont } from "../local/fonts.js";
import { analyseMedia } from "./analyse.js";
import { clockLabel, sheetMoments, speechBetween } from "./parse.js";
import { type Tile, contactSheet } from "./sheet.js";

/**
 * A file on this computer, looked at: its facts (ffprobe), one analysis pass (scenes, pauses,
 * loudness) and a contact sheet at the scene starts. The same checks as adding it to a project
 * come first, so a file that is not media gets the same refusal as `upload`.
 */

export interface MediaTools {
  ffmpegPath: string;
  ffprobePath: string;
  trace?: Trace;
}

export async function inspectFile(tools: MediaTools, input: string, options: InspectOptions = {}): Promise<InspectReport> {
  const check = await inspectLocalMedia(input, Number.POSITIVE_INFINITY);
  if (!check.ok) throw new VideoMakerError("invalid_input", `Cannot look at ${input}: ${check.reason}`);
  const { path, name } = check.file;
  const facts = await probeMedia(tools.ffprobePath, path, options.signal);
  const durationSeconds = facts.duration_ms !== undefined ? facts.duration_ms / 1000 : undefined;
  const traced = tools.trace ? { trace: tools.trace } : {};
  const signal = options.signal ? { signal: options.signal } : {};
  const analysis = facts.kind === "image" || durationSeconds === undefined
    ? { scenes: [], pauses: [] }
    : await analyseMedia({
        ffmpegPath: tools.ffmpegPath, path, hasVideo: facts.has_video, hasAudio: facts.has_audio, durationSeconds,
        ...signal, ...traced, ...(options.onProgress ? { onProgress: (f: number) => options.onProgress!(f * 0.9) } : {}),
      });
  const maxTiles = options.maxTiles ?? DEFAULT_MAX_TILES;
  const tiles: Tile[] = !facts.has_video
    ? []
    : facts.kind === "image"
      ? [{ path, atSeconds: 0, label: name, still: true }]
      : sheetMoments(durationSeconds ?? 0, analysis.scenes, maxTiles).map((at) => ({ path, atSeconds: at, label: clockLabel(at) }));
  const sheet = tiles.length > 0
    ? await contactSheet({ ffmpegPath: tools.ffmpegPath, tiles, ...(await labelFont()), ...signal, ...traced })
    : undefined;
  options.onProgress?.(1);
  return {
    subject: name,
    kind: facts.kind,
    ...(durationSeconds !== undefined ? { durationSeconds } : {}),
    ...(facts.width ? { width: facts.width } : {}),
    ...(facts.height ? { height: facts.height } : {}),
    ...(facts.fps ? { fps: facts.fps } : {}),
    ...(facts.rotation ? { rotation: facts.rotation } : {}),
    hasVideo: facts.has_video,
    hasAudio: facts.has_audio,
    scenes: analysis.scenes,
    pauses: analysis.pauses,
    speech: facts.has_audio && durationSeconds !== undefined ? speechBetween(analysis.pauses, durationSeconds) : [],
    ...("loudness" in analysis && analysis.loudness ? { loudness: analysis.loudness } : {}),
    tiles: tiles.map((tile) => ({ atSeconds: tile.atSeconds, label: tile.label })),
    ...(sheet ? { sheet } : {}),
  };
}

/** Labels need a font; without one the sheet is still made (the text lists the times). */
export async function labelFont(): Promise<{ fontFile?: string }> {
  try {
    return { fontFile: await locateFont() };
  } catch {
    return {};
  }
}
