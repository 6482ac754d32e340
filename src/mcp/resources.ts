import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Backend } from "../core/backend.js";
import { toVideoMakerError } from "../core/errors.js";

/** The current project as resources: the timeline summary (text) and the draft (JSON). */
export function registerResources(server: McpServer, backend: Backend): void {
  server.registerResource(
    "timeline",
    "video-maker://timeline",
    { title: "Current timeline", description: "One-line summary of the current project's timeline", mimeType: "text/plain" },
    async (uri) => ({ contents: [{ uri: uri.href, mimeType: "text/plain", text: await read(backend, (s) => s.timeline) }] }),
  );
  server.registerResource(
    "draft",
    "video-maker://draft",
    { title: "Current draft", description: "The current project's draft in the short-key JSON format", mimeType: "application/json" },
    async (uri) => ({
      contents: [{ uri: uri.href, mimeType: "application/json", text: await read(backend, (s) => JSON.stringify(s.draft, null, 2)) }],
    }),
  );
}

async function read(backend: Backend, pick: (state: Awaited<ReturnType<Backend["getState"]>>) => string): Promise<string> {
  try {
    return pick(await backend.getState());
  } catch (error) {
    // Resource reads have no isError: say what went wrong in the text itself.
    throw new Error(toVideoMakerError(error).message);
  }
}
