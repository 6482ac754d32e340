import type { ExportCheckpoint, ExportContext, ExportResult } from "../core/backend.js";
import { formatBytes } from "../core/media-files.js";
import { downloadRender } from "./download.js";
import type { NemoHttp } from "./http.js";
import { type RenderTiming, pollRender } from "./render.js";

/**
 * A started render to the end: polled until the service gives its link (the link is checkpointed,
 * so a restarted process downloads without polling again), then downloaded, with progress.
 */
export async function finishRender(http: NemoHttp, checkpoint: ExportCheckpoint, context: ExportContext, timing?: Partial<RenderTiming>): Promise<ExportResult> {
  const signal = context.signal ? { signal: context.signal } : {};
  let url = checkpoint.downloadUrl;
  if (!url) {
    const done = await pollRender(http, checkpoint.renderId, {
      ...(timing ? { timing } : {}),
      ...signal,
      onStatus: (status) => context.onProgress?.({ stage: "render", message: `render ${status.progress}%`, fraction: status.progress / 100 }),
    });
    url = done.url;
    if (url) await context.onCheckpoint?.({ ...checkpoint, downloadUrl: url });
  }
  context.onProgress?.({ stage: "download", message: "downloading", fraction: 0 });
  const saved = await downloadRender(http, checkpoint.renderId, url, checkpoint.outputPath, {
    ...signal,
    onBytes: (received, total) =>
      context.onProgress?.({
        stage: "download",
        message: total ? `downloading ${Math.floor((received / total) * 100)}%` : `downloading ${formatBytes(received)}`,
        ...(total ? { fraction: received / total } : {}),
      }),
  });
  return { renderId: checkpoint.renderId, file: saved.path, bytes: saved.bytes };
}
