import { rm, stat, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { basename, join } from "node:path";
import type { Config } from "../config.js";
import type { ExportCheckpoint, ExportContext, ExportResult } from "../core/backend.js";
import type { Trace } from "../core/debug.js";
import type { Draft } from "../core/draft.js";
import { LOUDNESS_OFF } from "../core/loudness.js";
import { publishFile, temporaryPathFor } from "../core/output.js";
import { ensurePrivateDir } from "../core/store.js";
import { compileRender, renderThreads } from "./compile.js";
import { EXPORT_ENCODING } from "./compile-context.js";
import { probeFfmpeg, runFfmpeg } from "./ffmpeg.js";
import type { fontsForRender } from "./fonts.js";
import { RENDER_SHARE, deliverAtLoudness } from "./loudness.js";
import type { MediaRecord } from "./media.js";
import { explainRenderFailure } from "./render-failure.js";

/**
 * One local export, once its turn has come (render-slots.ts): the compiled render (pass 1) and,
 * at a loudness target, the delivery (loudness.ts, pass 2), published under its final name.
 */
export interface ExportRender {
  config: Config;
  checkpoint: ExportCheckpoint;
  draft: Draft;
  media: MediaRecord[];
  context: ExportContext;
  fonts: Awaited<ReturnType<typeof fontsForRender>>;
  traced: { trace?: Trace };
  killGraceMs?: number;
  /** Runs ffmpeg work the backend's close() can stop, following the caller's signal too. */
  track: <T>(work: (signal: AbortSignal) => Promise<T>) => Promise<T>;
}

export async function renderExport({ config, checkpoint, draft, media, context, fonts, traced, killGraceMs, track }: ExportRender): Promise<ExportResult> {
  const features = await probeFfmpeg(config.ffmpegPath);
  const tempPath = temporaryPathFor(checkpoint.outputPath, checkpoint.renderId);
  // Named after the render, in the private state folder: a render resumed after a crash
  // clears what the crashed one left, as its temporary output does.
  const workDir = join(config.home, "local", "renders", checkpoint.renderId.replace(/[^A-Za-z0-9_-]/g, "").slice(0, 64) || "render");
  await rm(workDir, { recursive: true, force: true });
  await ensurePrivateDir(workDir);
  const target = checkpoint.loudness ?? config.loudness;
  // At a loudness target, pass 1 writes the video alone and the mix losslessly; pass 2 (loudness.ts) makes the file.
  const pass1 = target === "off" ? undefined : { target, videoPath: join(workDir, "video.mp4"), mixPath: join(workDir, "mix.wav") };
  const pass1Share = pass1 ? RENDER_SHARE : 1;
  try {
    const threads = renderThreads(availableParallelism());
    const compiled = compileRender(draft, media, {
      outputPath: pass1?.videoPath ?? tempPath,
      ...(pass1 ? { mixPath: pass1.mixPath } : {}),
      ...(threads !== undefined ? { threads } : {}),
      workDir,
      features,
      ...fonts,
    });
    // Pass 1's files are made here first, so ffmpeg writes into them as private as the rest of the state folder.
    const made = [...compiled.textFiles, ...(pass1 ? [pass1.videoPath, pass1.mixPath].map((path) => ({ path, content: "" })) : [])];
    for (const file of made) await writeFile(file.path, file.content, { mode: 0o600 });
    context.onProgress?.({ stage: "render", message: "render 0%", fraction: 0 });
    let lastPercent = 0;
    const killGrace = killGraceMs !== undefined ? { killGraceMs } : {};
    await track((signal) =>
      runFfmpeg(config.ffmpegPath, compiled.args, {
        signal,
        ...traced,
        durationMs: compiled.durationMs,
        ...killGrace,
        onProgress: (fraction) => {
          const percent = Math.floor(fraction * pass1Share * 100);
          if (percent <= lastPercent) return;
          lastPercent = percent;
          context.onProgress?.({ stage: "render", message: `render ${percent}%`, fraction: fraction * pass1Share });
        },
      }),
    );
    const loudness = pass1
      ? await track((signal) =>
          deliverAtLoudness({
            ffmpegPath: config.ffmpegPath, ...pass1, outputPath: tempPath, encoding: EXPORT_ENCODING, durationMs: compiled.durationMs, signal, ...traced, ...killGrace,
            onProgress: (fraction, message) => context.onProgress?.({ stage: "render", message, fraction: RENDER_SHARE + (1 - RENDER_SHARE) * Math.min(fraction, 0.99) }),
          }),
        )
      : LOUDNESS_OFF;
    const file = await publishFile(tempPath, checkpoint.outputPath);
    const { size } = await stat(file);
    context.onProgress?.({ stage: "render", message: `saved ${basename(file)}`, fraction: 1 });
    return { renderId: checkpoint.renderId, file, bytes: size, loudness };
  } catch (error) {
    await rm(tempPath, { force: true });
    throw explainRenderFailure(error, media);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
