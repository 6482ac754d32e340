import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { type ToolContext, answerArgumentErrorsInWords, registerTool } from "../tool.js";
import { cancelJobTool } from "./cancel-job.js";
import { editVideoTool } from "./edit-video.js";
import { exportVideoTool } from "./export-video.js";
import { getCreditsTool } from "./get-credits.js";
import { getJobTool } from "./get-job.js";
import { getStateTool } from "./get-state.js";
import { newSessionTool } from "./new-session.js";
import { uploadMediaTool } from "./upload-media.js";

/**
 * Every tool, in the order a host sees them. The local backend's own tools (and their
 * code) are loaded only when that backend is in use.
 */
export async function registerTools(server: McpServer, context: ToolContext): Promise<void> {
  answerArgumentErrorsInWords(server);
  registerTool(server, uploadMediaTool, context);
  registerTool(server, editVideoTool, context);
  registerTool(server, getStateTool, context);
  registerTool(server, getCreditsTool, context);
  registerTool(server, exportVideoTool, context);
  registerTool(server, getJobTool, context);
  registerTool(server, cancelJobTool, context);
  registerTool(server, newSessionTool, context);
  if (context.backend.name === "local") {
    const [{ applyEditsTool }, { previewFrameTool }] = await Promise.all([import("./apply-edits.js"), import("./preview-frame.js")]);
    registerTool(server, applyEditsTool, context);
    registerTool(server, previewFrameTool, context);
  }
}
