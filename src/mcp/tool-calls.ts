import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";

/**
 * A `tools/call` the protocol itself refuses, answered the way the spec (2025-11-25) says and in
 * plain words: an unknown tool, or arguments that are not an object, are a JSON-RPC error -32602.
 * The SDK answered an unknown tool with an `isError` result, and `arguments: [1]` with -32603
 * holding zod's raw JSON, because its request schema is checked before any handler runs. So the
 * message is looked at as it arrives from the transport, before the SDK parses it.
 */

const INVALID_PARAMS = -32602;

/** The refusal for a tools/call message, or undefined to let the SDK handle it. */
export function refuseToolCall(message: unknown, toolNames: ReadonlySet<string>): string | undefined {
  const request = message as { method?: unknown; id?: unknown; params?: unknown };
  if (request?.method !== "tools/call" || request.id === undefined) return undefined;
  const params = request.params as { name?: unknown; arguments?: unknown } | undefined;
  if (!isPlainObject(params)) return 'tools/call needs params: {"name": <a tool>, "arguments": {…}}.';
  if (typeof params.name !== "string" || params.name === "") return "tools/call needs the name of a tool (text).";
  if (!toolNames.has(params.name)) return `There is no tool named "${shorten(params.name)}" here; list the tools to see which exist.`;
  if (params.arguments !== undefined && !isPlainObject(params.arguments)) {
    return `The arguments of ${params.name} must be an object of named values (like {"name": value}), not ${describe(params.arguments)}. Nothing was run.`;
  }
  return undefined;
}

/** Makes every transport this server connects to refuse such calls before the SDK sees them. */
export function refuseBadToolCalls(server: McpServer, toolNames: ReadonlySet<string>): void {
  const connect = server.connect.bind(server);
  server.connect = async (transport: Transport) => {
    await connect(transport);
    const deliver = transport.onmessage;
    if (!deliver) return;
    transport.onmessage = (message: JSONRPCMessage, extra?: Parameters<typeof deliver>[1]) => {
      const refusal = refuseToolCall(message, toolNames);
      if (refusal === undefined) return deliver(message, extra);
      const id = (message as { id: string | number }).id;
      void transport.send({ jsonrpc: "2.0", id, error: { code: INVALID_PARAMS, message: refusal } }).catch(() => {});
    };
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  return `a ${typeof value === "string" ? "text" : typeof value}`;
}

function shorten(name: string): string {
  return name.length > 40 ? `${name.slice(0, 40)}…` : name;
}
