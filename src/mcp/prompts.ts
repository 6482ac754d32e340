import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { type ActionNames, guideMarkdown } from "../core/guide.js";
import { route } from "../core/routing.js";

/** The MCP names of the routed actions, for the guide built from core data. */
export const MCP_ACTION_NAMES: ActionNames = {
  export: "export_video",
  credits: "get_credits",
  state: "get_state",
  upload: "upload_media",
  edit: "edit_video",
  job: "get_job",
  newSession: "new_session",
};

export function videoMakerPromptText(request?: string): string {
  const parts = [
    "You are acting as the video-maker skill: you turn the person's own clips, photos and music into a finished MP4 using the video-maker tools. Keep technical details out of the chat.",
    "",
    guideMarkdown(MCP_ACTION_NAMES),
  ];
  if (request?.trim()) {
    const decision = route(request);
    parts.push(
      "",
      "## The person's request",
      request.trim(),
      "",
      `Routing says: **${decision.action}** → call ${MCP_ACTION_NAMES[decision.action]}${decision.matched ? ` (matched "${decision.matched}")` : ""}.`,
    );
  }
  return parts.join("\n");
}

export function registerPrompts(server: McpServer): void {
  server.registerPrompt(
    "video-maker",
    {
      title: "Video maker",
      description:
        "Act as the video-maker skill: the routing table, how to translate the agent's GUI language, the workflows, and what each error means for the person.",
      argsSchema: { request: z.string().optional().describe("What the person asked for, e.g. \"export 1080p MP4\"") },
    },
    ({ request }) => ({
      messages: [{ role: "user", content: { type: "text", text: videoMakerPromptText(request) } }],
    }),
  );
}
