import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { type BackendName, CAPABILITIES_BY_BACKEND } from "../../core/backend.js";
import { type AnyTool, type Offer, type ToolContext, type ToolEntry, answerArgumentErrorsInWords, offerFor, offerOf, offers, registerTool } from "../tool.js";
import { type TaskBook, registerJobTool } from "../job-tasks.js";
import { refuseBadToolCalls } from "../tool-calls.js";
import { applyEditsTool } from "./apply-edits.js";
import { cancelJobTool } from "./cancel-job.js";
import { editVideoTool } from "./edit-video.js";
import { exportProjectTool } from "./export-project.js";
import { exportVideoTool } from "./export-video.js";
import { getCreditsTool } from "./get-credits.js";
import { getJobTool } from "./get-job.js";
import { getStateTool } from "./get-state.js";
import { inspectMediaTool } from "./inspect-media.js";
import { newSessionTool } from "./new-session.js";
import { previewFrameTool } from "./preview-frame.js";
import { renderPreviewTool } from "./render-preview.js";
import { undoEditTool } from "./undo-edit.js";
import { uploadMediaTool } from "./upload-media.js";

/** Every tool, in the order a host sees them; each says what it requires of the backend. */
export const TOOLS: readonly ToolEntry[] = [
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
  undoEditTool,
  inspectMediaTool,
  renderPreviewTool,
  exportProjectTool,
];

/** The tools the running backend can serve: the others are not listed, so nothing offers them. */
export function toolsFor(offer: Offer): AnyTool[] {
  return TOOLS.map((entry) => (typeof entry === "function" ? entry(offer) : entry)).filter((tool) => offers(offer, tool));
}

/** Every tool some backend offers, each as its first backend words it (what an installer can list). */
export function everyTool(): AnyTool[] {
  const byName = new Map<string, AnyTool>();
  for (const backend of Object.keys(CAPABILITIES_BY_BACKEND) as BackendName[]) {
    for (const tool of toolsFor(offerFor(backend))) if (!byName.has(tool.name)) byName.set(tool.name, tool);
  }
  return [...byName.values()];
}

/** `tasks`: the server serves MCP tasks from the jobs (createServer); job tools are then task-capable. */
export function registerTools(server: McpServer, context: ToolContext, tasks?: TaskBook): void {
  answerArgumentErrorsInWords(server);
  const tools = toolsFor(offerOf(context.backend));
  refuseBadToolCalls(server, new Set(tools.map((tool) => tool.name)));
  for (const tool of tools) {
    if (tasks && registerJobTool(server, tool, context, tasks)) continue;
    registerTool(server, tool, context);
  }
}
