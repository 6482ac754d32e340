import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { McpError, SubscribeRequestSchema, UnsubscribeRequestSchema } from "@modelcontextprotocol/sdk/types.js";

/** JSON-RPC error of MCP's resources: "Resource not found". */
const RESOURCE_NOT_FOUND = -32002;
import type { Backend } from "../core/backend.js";
import { toVideoMakerError } from "../core/errors.js";
import { STUDIO_TIMELINE_URI } from "./studio.js";

/** The resources that change with the timeline: a client subscribed to one hears of each edit. */
export const TIMELINE_RESOURCE_URIS = ["video-maker://timeline", "video-maker://draft", STUDIO_TIMELINE_URI] as const;

/**
 * resources/subscribe for the timeline resources. Returns what a tool calls after it changed
 * the timeline: each subscribed uri gets notifications/resources/updated (this connection's
 * subscribers; another connection to the same project hears of its own edits).
 */
export function subscribableTimeline(server: McpServer): () => void {
  const subscribed = new Set<string>();
  const known = new Set<string>(TIMELINE_RESOURCE_URIS);
  server.server.setRequestHandler(SubscribeRequestSchema, async (request) => {
    // The spec's code for a resource that does not exist (or cannot be subscribed to), not an internal error.
    if (!known.has(request.params.uri)) throw new McpError(RESOURCE_NOT_FOUND, `Only the timeline resources can be subscribed to: ${TIMELINE_RESOURCE_URIS.join(", ")}.`);
    subscribed.add(request.params.uri);
    return {};
  });
  server.server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
    subscribed.delete(request.params.uri);
    return {};
  });
  return () => {
    for (const uri of subscribed) void server.server.sendResourceUpdated({ uri }).catch(() => {});
  };
}

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
