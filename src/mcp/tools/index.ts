import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { type AnyTool, type ToolContext, answerArgumentErrorsInWords, offers, registerTool } from "../tool.js";
import { applyEditsTool } from "./apply-edits.js";
import { cancelJobTool } from "./cancel-job.js";
import { editVideoTool } from "./edit-video.js";
import { exportVideoTool } from "./export-video.js";
import { getCreditsTool } from "./get-credits.js";
import { getJobTool } from "./get-job.js";
import { getStateTool } from "./get-state.js";
import { newSessionTool } from "./new-session.js";
import { previewFrameTool } from "./preview-frame.js";
import { uploadMediaTool } from "./upload-media.js";

/** Every tool, in the order a host sees them; each says what it requires of the backend. */
export const TOOLS: readonly AnyTool[] = [
  uploadMediaTool,
  editVideoTool,
  getStateTool,
  getCreditsTool,
  exportVideoTool,
  getJobTool,
  cancelJobTool,
  newSessionTool,
  applyEditsTool,
  previewFrameTool,
];

/** The tools the running backend can serve: the others are not listed, so nothing offers them. */
export function toolsFor(context: Pick<ToolContext, "backend">): AnyTool[] {
  return TOOLS.filter((tool) => offers(context.backend, tool));
}

export function registerTools(server: McpServer, context: ToolContext): void {
  answerArgumentErrorsInWords(server);
  for (const tool of toolsFor(context)) registerTool(server, tool, context);
}
