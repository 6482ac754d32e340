import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Config } from "../config.js";
import { PACKAGE_VERSION } from "../package-info.js";
import type { Backend } from "../core/backend.js";
import { JobManager } from "../core/jobs.js";
import { createBackend } from "../backends.js";
import { type Logger, createLogger } from "./logger.js";
import { JobTaskStore, TASKS_CAPABILITY, taskBook } from "./job-tasks.js";
import { registerPrompts } from "./prompts.js";
import { registerResources, subscribableTimeline } from "./resources.js";
import { registerStudio } from "./studio.js";
import { registerVideoResources } from "./video-resources.js";
import { MCP_SURFACE_NAMES } from "./surface-names.js";
import { type Offer, type ToolContext, offerOf } from "./tool.js";
import { registerTools } from "./tools/index.js";

/** What a host reads first, written for the backend that serves it: it names only listed tools. */
export function serverInstructions(offer: Offer): string {
  if (offer.agent) {
    return [
      "video-maker turns the person's own clips, photos and music into a finished MP4.",
      "Flow: upload_media → edit_video (their words) → get_state to check → export_video (returns the file path).",
      "edit_video and export_video may return status \"running\": call get_job with the job_id; never resend an edit.",
      "The video-maker prompt has the routing table, GUI-translation rules and what each error means.",
    ].join(" ");
  }
  return [
    "video-maker turns the person's own clips, photos and music into a finished MP4, offline: you are the editor and ffmpeg renders on this computer, free.",
    "Flow: upload_media → apply_edits (structured ops; its description lists every op) → preview_frame to look → export_video (returns the file path). undo_edit goes back one batch.",
    "export_video may return status \"running\", or \"queued\" while other renders on this computer go first (it starts by itself): call get_job with the job_id.",
    "The video-maker prompt has the routing table, the ops guide and what each error means.",
  ].join(" ");
}

export interface CreatedServer {
  server: McpServer;
  context: ToolContext;
  /** Stops background work and closes connections. */
  cleanup: () => Promise<void>;
}

export interface ServerOptions {
  /** Shared across sessions (Streamable HTTP); closed by whoever created it. */
  backend?: Backend;
  jobs?: JobManager;
  logger?: Logger;
  /** Resume cloud renders and report interrupted edits left by a previous run (default true). */
  resumeJobs?: boolean;
}

export async function createServer(config: Config, options: ServerOptions = {}): Promise<CreatedServer> {
  const log = options.logger ?? createLogger();
  const ownsBackend = options.backend === undefined;
  const backend = options.backend ?? createBackend(config, { names: MCP_SURFACE_NAMES });
  const jobs = options.jobs ?? new JobManager(config.home, backend, MCP_SURFACE_NAMES);
  // Jobs are served as MCP tasks too: a host that uses tasks polls them with tasks/get.
  const tasks = taskBook(jobs);
  const server = new McpServer(
    { name: "video-maker", title: "Video Maker", version: PACKAGE_VERSION },
    {
      capabilities: { logging: {}, tools: {}, prompts: {}, resources: { subscribe: true }, tasks: TASKS_CAPABILITY },
      taskStore: new JobTaskStore(tasks),
      instructions: serverInstructions(offerOf(backend)),
    },
  );
  log.attach(server);
  const context: ToolContext = { config, backend, jobs, log, timelineChanged: subscribableTimeline(server) };
  registerTools(server, context, tasks);
  registerPrompts(server, offerOf(backend));
  registerResources(server, backend);
  registerStudio(server, backend);
  registerVideoResources(server, backend, jobs);

  if (options.resumeJobs !== false && options.jobs === undefined) {
    const { resumed, interrupted } = await jobs.resumeAll();
    if (resumed.length) log.info(`resuming ${resumed.length} export(s) left running: ${resumed.join(", ")}`);
    if (interrupted.length) log.info(`marked ${interrupted.length} job(s) as interrupted: ${interrupted.join(", ")}`);
  }

  return {
    server,
    context,
    cleanup: async () => {
      await server.close().catch(() => {});
      if (ownsBackend) {
        await jobs.close();
        await (backend as { close?: () => Promise<void> }).close?.();
      }
    },
  };
}
