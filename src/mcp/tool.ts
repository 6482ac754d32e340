import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type {
  CallToolResult,
  ContentBlock,
  ServerNotification,
  ServerRequest,
  ToolAnnotations,
} from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { Config } from "../config.js";
import { type Backend, type BackendName, type BackendWith, CAPABILITIES_BY_BACKEND, type Capability, type ProgressEvent } from "../core/backend.js";
import { redactDeep, redactSecrets, toVideoMakerError } from "../core/errors.js";
import type { JobManager } from "../core/jobs.js";
import type { Logger } from "./logger.js";
import { progressReporter } from "./progress.js";

/**
 * How a tool is declared (one file per tool under tools/) and the one wrapper that runs
 * it: progress notifications when the caller asked for them, the structured result plus
 * a readable text block, and every failure turned into an `isError` result whose text is
 * the person-facing message, never a stack or a token.
 */

export interface ToolContext<R extends Capability = never> {
  config: Config;
  backend: BackendWith<R>;
  jobs: JobManager;
  log: Logger;
}

export interface CallContext {
  signal: AbortSignal;
  /** Sends a progress notification when the caller gave a progress token; a no-op otherwise. */
  progress: (event: ProgressEvent) => void;
}

export interface ToolOutput<O> {
  structured: O;
  /** What a person (or the host model) reads first. */
  text: string;
  /** Extra blocks, e.g. a resource_link to an exported file, or an image. */
  content?: ContentBlock[];
}

export interface ToolDefinition<I extends z.ZodRawShape, O extends z.ZodRawShape, R extends Capability = never> {
  name: string;
  /** What the backend must be able to do for this tool to be offered at all. */
  requires?: readonly R[];
  title: string;
  description: string;
  inputSchema: I;
  outputSchema: O;
  annotations: ToolAnnotations;
  // A method, not a property: methods compare bivariantly, so every tool fits the registry's list.
  run(args: z.infer<z.ZodObject<I>>, context: ToolContext<R>, call: CallContext): Promise<ToolOutput<z.infer<z.ZodObject<O>>>>;
}

export function defineTool<I extends z.ZodRawShape, O extends z.ZodRawShape, R extends Capability = never>(
  definition: ToolDefinition<I, O, R>,
): ToolDefinition<I, O, R> {
  return definition;
}

// The registry's element type: a tool's own capability list is checked by `offers`.
export type AnyTool = ToolDefinition<any, any, any>;

/**
 * What the running backend can do, for tools whose words depend on it: a description or a
 * result that points at the next step names a tool this server lists, never one it does not.
 */
export interface Offer {
  backend: BackendName;
  agent: boolean;
  editor: boolean;
  /** The tool that turns the person's request into edits here. */
  editTool: "edit_video" | "apply_edits";
}

export function offerOf(backend: Backend): Offer {
  return offerWith(backend.name, backend.agent !== undefined, backend.editor !== undefined);
}

/** What a backend offers by its declared capabilities, without loading it (the bundle manifest, docs). */
export function offerFor(backend: BackendName): Offer {
  const capabilities = CAPABILITIES_BY_BACKEND[backend];
  return offerWith(backend, capabilities.includes("agent"), capabilities.includes("editor"));
}

function offerWith(backend: BackendName, agent: boolean, editor: boolean): Offer {
  return { backend, agent, editor, editTool: agent ? "edit_video" : "apply_edits" };
}

/** A tool, or a function that writes it for what the backend offers. */
export type ToolEntry = AnyTool | ((offer: Offer) => AnyTool);

/** Whether what a backend offers covers a tool's requirements; a tool it cannot serve is never listed. */
export function offers(offer: Offer, tool: { requires?: readonly Capability[] }): boolean {
  return (tool.requires ?? []).every((capability) => offer[capability]);
}

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** Registers a tool the backend serves (see `offers`); its run gets the backend narrowed to what it requires. */
export function registerTool<I extends z.ZodRawShape, O extends z.ZodRawShape, R extends Capability>(
  server: McpServer,
  definition: ToolDefinition<I, O, R>,
  context: ToolContext,
): void {
  if (!offers(offerOf(context.backend), definition)) return;
  const narrowed = context as ToolContext<R>;
  const handler = async (args: z.infer<z.ZodObject<I>>, extra: Extra): Promise<CallToolResult> => {
    const progress = progressReporter(extra);
    try {
      const output = await definition.run(args, narrowed, { signal: extra.signal, progress: progress.send });
      // Whatever the service said (a reply, a name, a message) may quote a token: redacted on the way out.
      return redactDeep({
        content: [{ type: "text", text: output.text }, ...(output.content ?? [])],
        structuredContent: output.structured as Record<string, unknown>,
      } as CallToolResult);
    } catch (error) {
      const failure = toVideoMakerError(error);
      context.log.warn(`${definition.name} failed: ${failure.code}: ${failure.message}`);
      const text = failure.link && !failure.message.includes(failure.link) ? `${failure.message} ${failure.link}` : failure.message;
      return { content: [{ type: "text", text: redactSecrets(text) }], isError: true };
    } finally {
      progress.stop();
    }
  };
  server.registerTool(
    definition.name,
    {
      title: definition.title,
      description: definition.description,
      inputSchema: definition.inputSchema,
      outputSchema: definition.outputSchema,
      annotations: { title: definition.title, ...definition.annotations },
    },
    handler as never,
  );
}

/**
 * Arguments that fail a tool's input schema are answered by the SDK itself, before any
 * handler runs, as "MCP error -32602: Input validation error: Invalid arguments for tool
 * edit_video: wait_seconds cannot be negative at wait_seconds". Its only hook for that
 * text is a private method, wrapped here so the person reads plain words instead
 * (the SDK is pinned; tests/bad-inputs fails if the hook ever goes away).
 */
export function answerArgumentErrorsInWords(server: McpServer): void {
  const sdk = server as unknown as { createToolError?: (message: string) => CallToolResult };
  const original = sdk.createToolError;
  if (typeof original !== "function") return;
  sdk.createToolError = (message: string) => original.call(server, readableToolError(message));
}

/** The SDK's protocol wording of a refused call, as a sentence for a person. */
export function readableToolError(raw: string): string {
  const text = raw.replace(/^MCP error -?\d+: /, "");
  const invalid = /^(?:Input validation error: )?Invalid arguments for tool (\S+): ([\s\S]*)$/.exec(text);
  if (invalid) {
    const problems = invalid[2]!.split("\n").filter(Boolean).map(readableIssue);
    return `${invalid[1]} was not run: ${problems.join("; ")}. Nothing was changed.`;
  }
  const unknown = /^Tool (\S+) (not found|disabled)$/.exec(text);
  if (unknown) return `There is no tool named "${unknown[1]}" here; list the tools to see which exist.`;
  return text;
}

/** "wait_seconds cannot be negative at wait_seconds" → "wait_seconds cannot be negative". */
function readableIssue(issue: string): string {
  const at = / at ([\w.[\]-]+)$/.exec(issue);
  if (!at) return issue.trim();
  const message = issue.slice(0, at.index).trim();
  const field = at[1]!;
  return message.startsWith(field.split(".")[0]!) ? message : `${field}: ${message}`;
}

// --- shared schema pieces ----------------------------------------------------

export const MAX_WAIT_SECONDS = 55;
export const DEFAULT_WAIT_SECONDS = 45;

/** Hosts drop a call after about 60 s, so no call waits longer than 55 s. */
export const waitSecondsSchema = z
  .number({ error: "wait_seconds must be a number of seconds" })
  .min(0, { error: "wait_seconds cannot be negative" })
  .max(MAX_WAIT_SECONDS, { error: `wait_seconds can be at most ${MAX_WAIT_SECONDS} (hosts drop calls after about 60 s)` })
  .optional()
  .describe(
    `How long to wait for the job in this call, 0–${MAX_WAIT_SECONDS} seconds (default ${DEFAULT_WAIT_SECONDS}). If it is not done by then, the call returns status "running" and the job keeps going; call get_job to wait again.`,
  );

export function waitMs(waitSeconds: number | undefined): number {
  return Math.round((waitSeconds ?? DEFAULT_WAIT_SECONDS) * 1000);
}
