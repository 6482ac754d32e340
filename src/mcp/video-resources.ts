import { open } from "node:fs/promises";
import { basename } from "node:path";
import { type McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Backend } from "../core/backend.js";
import { VideoMakerError, toVideoMakerError } from "../core/errors.js";
import type { JobManager } from "../core/jobs.js";

/**
 * Videos for the studio View's player, read with resources/read as a base64 blob (as
 * ext-apps' video-resource-server example does): no file URL and no local web server, which
 * a host's sandboxed iframe could not reach anyway. Only files this server made can be read:
 * a session's preview rendition and a finished export job's MP4, never a path from outside.
 */

/** The largest video sent through the host: base64 adds a third, and every host holds it in memory. */
export const MAX_PLAYER_BYTES = 16 * 1024 * 1024;

export const previewVideoUri = (sessionId: string): string => `video-maker://preview/${sessionId}`;
export const exportVideoUri = (jobId: string): string => `video-maker://exports/${jobId}`;

export function registerVideoResources(server: McpServer, backend: Backend, jobs: JobManager): void {
  const editor = backend.editor;
  if (editor) {
    server.registerResource(
      "preview-video",
      new ResourceTemplate("video-maker://preview/{session_id}", { list: undefined }),
      { title: "Preview rendition", description: "The session's last preview rendition (540p MP4), for the studio View's player", mimeType: "video/mp4" },
      async (uri, { session_id }) =>
        blobOf(uri, async () => {
          const file = await editor.previewFile(String(session_id));
          if (!file) throw new VideoMakerError("not_ready", "There is no preview of this project yet: make one with the studio's Preview button.");
          return file;
        }),
    );
  }
  server.registerResource(
    "export-video",
    new ResourceTemplate("video-maker://exports/{job_id}", { list: undefined }),
    { title: "Exported video", description: "A finished export's MP4, for the studio View's player", mimeType: "video/mp4" },
    async (uri, { job_id }) =>
      blobOf(uri, async () => {
        // A damaged job file is said as such (state_damaged), not read as a missing export.
        const record = await jobs.get(String(job_id));
        if (!record || record.kind !== "export") throw new VideoMakerError("invalid_input", `There is no export with the id "${String(job_id)}".`);
        if (!record.export) throw new VideoMakerError("not_ready", "This export has not finished yet, so there is no video to play.");
        return record.export.file;
      }),
  );
}

async function blobOf(uri: URL, locate: () => Promise<string>) {
  try {
    const file = await locate();
    return { contents: [{ uri: uri.href, mimeType: "video/mp4", blob: (await readCapped(file)).toString("base64") }] };
  } catch (error) {
    // Resource reads have no isError: the message is the person-facing sentence.
    throw new Error(toVideoMakerError(error).message);
  }
}

async function readCapped(file: string): Promise<Buffer> {
  const handle = await open(file, "r").catch(() => {
    throw new VideoMakerError("file_not_found", `The video "${basename(file)}" is no longer on this computer.`);
  });
  try {
    const { size } = await handle.stat();
    if (size > MAX_PLAYER_BYTES) {
      const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
      throw new VideoMakerError(
        "file_too_large",
        `"${basename(file)}" is ${mb(size)}, more than the ${mb(MAX_PLAYER_BYTES)} a player in the host can receive. Open the file itself (${file}), or play the preview.`,
      );
    }
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}
