import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { type ActionNames, type EditorActionNames, editorGuideMarkdown, guideMarkdown } from "../core/guide.js";
import { route } from "../core/routing.js";
import type { Offer } from "./tool.js";

/** The MCP names of the routed actions with the cloud agent, for the guide built from core data. */
export const MCP_ACTION_NAMES: ActionNames = {
  export: "export_video",
  credits: "get_credits",
  state: "get_state",
  upload: "upload_media",
  edit: "edit_video",
  job: "get_job",
  newSession: "new_session",
  inspect: "inspect_media",
};

/** With the local editor: the host writes the edits, and there are no credits. */
export const MCP_EDITOR_ACTION_NAMES: EditorActionNames = {
  export: "export_video",
  state: "get_state",
  upload: "upload_media",
  edit: "apply_edits",
  job: "get_job",
  newSession: "new_session",
  preview: "preview_frame",
  undo: "undo_edit",
  inspect: "inspect_media",
  exportProject: "export_project",
};

/** The local backend's edit guide, loaded only when the prompt is asked for in local mode. */
async function editorGuide(): Promise<string> {
  const { EDIT_OPS_GUIDE } = await import("../local/ops.js");
  return [
    "## Local mode: you are the editor",
    "There is no editing agent here. Turn the request into operations for apply_edits, check a moment with preview_frame, then export_video. Rendering is offline and free (no credits).",
    "",
    EDIT_OPS_GUIDE,
  ].join("\n");
}

export function videoMakerPromptText(request?: string, extra?: string, offer: Pick<Offer, "agent"> = { agent: true }): string {
  const names = offer.agent ? MCP_ACTION_NAMES : MCP_EDITOR_ACTION_NAMES;
  const parts = [
    "You are acting as the video-maker skill: you turn the person's own clips, photos and music into a finished MP4 using the video-maker tools. Keep technical details out of the chat.",
    "",
    offer.agent ? guideMarkdown(MCP_ACTION_NAMES) : editorGuideMarkdown(MCP_EDITOR_ACTION_NAMES),
  ];
  if (extra) parts.push("", extra);
  if (request?.trim()) {
    const decision = route(request);
    const tool = names[decision.action];
    const matched = decision.matched ? ` (matched "${decision.matched}")` : "";
    parts.push(
      "",
      "## The person's request",
      request.trim(),
      "",
      tool
        ? `Routing says: **${decision.action}** → call ${tool}${matched}.`
        : `Routing says: **${decision.action}**${matched} → there are no credits here: rendering is local and free; tell the person so.`,
    );
  }
  return parts.join("\n");
}

export function registerPrompts(server: McpServer, offer: Offer): void {
  server.registerPrompt(
    "video-maker",
    {
      title: "Video maker",
      description: offer.agent
        ? "Act as the video-maker skill: the routing table, how to translate the agent's GUI language, the workflows, and what each error means for the person."
        : "Act as the video-maker skill with the offline editor: the routing table, the edit ops with worked examples, the workflows, and what each error means for the person.",
      argsSchema: { request: z.string().optional().describe("What the person asked for, e.g. \"export 1080p MP4\"") },
    },
    async ({ request }) => ({
      messages: [
        {
          role: "user",
          content: { type: "text", text: videoMakerPromptText(request, offer.editor ? await editorGuide() : undefined, offer) },
        },
      ],
    }),
  );
}
