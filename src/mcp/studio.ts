import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Backend } from "../core/backend.js";
import { toVideoMakerError } from "../core/errors.js";
import { timelineLanes } from "../core/timeline-segments.js";
import { offerOf } from "./tool.js";

/**
 * The studio View (MCP Apps, SEP-1865): one HTML page a host that renders Apps shows beside
 * get_state, export_video and preview_frame — a player and the timeline as tracks. Hosts
 * without Apps never read it; every tool result stays complete as text without it.
 *
 * The page is built from src/studio/ by scripts/studio-html.mjs and put into the bin by the
 * bundler (the define below), so it cannot go missing beside the bin.
 */

export const STUDIO_URI = "ui://video-maker/studio";
/** The MIME type MCP Apps hosts look for (ext-apps' RESOURCE_MIME_TYPE). */
export const APP_MIME_TYPE = "text/html;profile=mcp-app";
/** What the View reads to draw the tracks; it also says what this backend offers the View. */
export const STUDIO_TIMELINE_URI = "video-maker://studio/timeline";

/** `_meta` of a tool shown in the View; "app" tools are the View's buttons, hidden from the model. */
export function studioToolMeta(app: "view" | "app"): Record<string, unknown> {
  return {
    ui: { resourceUri: STUDIO_URI, ...(app === "app" ? { visibility: ["app"] } : {}) },
    // The key hosts read before `ui.resourceUri` (deprecated in the spec, still read by some).
    "ui/resourceUri": STUDIO_URI,
  };
}

declare const __VIDEO_MAKER_STUDIO_HTML__: string | undefined;

let builtForDevelopment: Promise<string> | undefined;

async function studioHtml(): Promise<string> {
  if (typeof __VIDEO_MAKER_STUDIO_HTML__ === "string") return __VIDEO_MAKER_STUDIO_HTML__;
  // Run from the sources (tests, tsx): build the page once with the same script as the bundle.
  const script = "../../scripts/studio-html.mjs";
  builtForDevelopment ??= import(script).then((m: { buildStudioHtml: () => Promise<string> }) => m.buildStudioHtml());
  return builtForDevelopment;
}

export function registerStudio(server: McpServer, backend: Backend): void {
  server.registerResource(
    "studio",
    STUDIO_URI,
    { title: "Video Maker studio", description: "The player and timeline View for hosts that render MCP Apps", mimeType: APP_MIME_TYPE },
    async (uri) => ({
      contents: [
        {
          uri: uri.href,
          mimeType: APP_MIME_TYPE,
          text: await studioHtml(),
          // Everything the page shows arrives through the host (tools/call, resources/read): no origin to allow.
          _meta: { ui: { csp: { connectDomains: [], resourceDomains: [] }, prefersBorder: true } },
        },
      ],
    }),
  );

  const offer = offerOf(backend);
  server.registerResource(
    "studio-timeline",
    STUDIO_TIMELINE_URI,
    {
      title: "Timeline tracks (studio)",
      description: "The current timeline as tracks of segments with labels and times, and what the View can do on this backend (JSON)",
      mimeType: "application/json",
    },
    async (uri) => {
      try {
        const state = await backend.getState();
        const lanes = timelineLanes(state.draft);
        const body = {
          backend: backend.name,
          session_id: state.sessionId,
          timeline: state.timeline,
          duration_s: lanes.durationSeconds,
          // Each backend speaks for itself: the View offers only these.
          can: { frames: offer.editor, undo: offer.editor, preview_video: offer.editor, thumbnails: offer.editor },
          tracks: lanes.lanes.map((lane) => ({
            index: lane.index,
            kind: lane.kind,
            name: lane.name,
            segments: lane.segments.map((s) => ({ ...(s.id ? { id: s.id } : {}), label: s.label, start_s: s.startSeconds, end_s: s.endSeconds })),
          })),
        };
        return { contents: [{ uri: uri.href, mimeType: "application/json", text: JSON.stringify(body) }] };
      } catch (error) {
        throw new Error(toVideoMakerError(error).message);
      }
    },
  );
}
