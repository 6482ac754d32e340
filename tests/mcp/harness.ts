import { join } from "node:path";
import { Client, type ClientOptions } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult, Progress } from "@modelcontextprotocol/sdk/types.js";
import { loadConfig } from "../../src/config.js";
import { NemoBackend } from "../../src/nemo/backend.js";
import { type CreatedServer, createServer } from "../../src/mcp/server.js";
import { createLogger } from "../../src/mcp/logger.js";
import { FAST, type Harness, startHarness } from "../integration/harness.js";
import type { FakeOptionsInput } from "../fake-nemo/server.js";

/** The MCP server in-process, a real SDK client over linked in-memory transports, the fake service behind. */

export interface McpHarness extends Harness {
  client: Client;
  created: CreatedServer;
  call: (name: string, args?: Record<string, unknown>, options?: CallOptions) => Promise<CallToolResult>;
  /** Starts another server over the same home, as a restarted process would (its client declaring `client`'s capabilities). */
  restart: (client?: ClientOptions) => Promise<{ client: Client; created: CreatedServer }>;
}

export interface CallOptions {
  onprogress?: (progress: Progress) => void;
  signal?: AbortSignal;
}

/** `client`: what the first client declares (tasks, elicitation); by default nothing, like most hosts. */
export async function startMcp(fakeOptions: FakeOptionsInput = {}, clientOptions?: ClientOptions): Promise<McpHarness> {
  const h = await startHarness(fakeOptions);
  const servers: CreatedServer[] = [];
  const clients: Client[] = [];

  const connect = async (options?: ClientOptions) => {
    const config = h.config();
    const created = await createServer(config, {
      backend: new NemoBackend(config, { ...FAST, language: "en" }),
      logger: createLogger({ stderr: false }),
    });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: "vitest", version: "1.0.0" }, options);
    await created.server.connect(serverTransport);
    await client.connect(clientTransport);
    servers.push(created);
    clients.push(client);
    return { client, created };
  };

  const first = await connect(clientOptions);
  return {
    ...h,
    client: first.client,
    created: first.created,
    call: async (name, args = {}, options = {}) =>
      (await first.client.callTool({ name, arguments: args }, undefined, {
        ...(options.onprogress ? { onprogress: options.onprogress } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      })) as CallToolResult,
    restart: connect,
    close: async () => {
      for (const client of clients) await client.close().catch(() => {});
      for (const created of servers) {
        await created.cleanup();
        await (created.context.backend as NemoBackend).close();
      }
      await h.close();
    },
  };
}

export function textOf(result: CallToolResult): string {
  return result.content
    .filter((block): block is { type: "text"; text: string } => block.type === "text")
    .map((block) => block.text)
    .join("\n");
}

export interface LocalMcp {
  client: Client;
  created: CreatedServer;
  call: (name: string, args?: Record<string, unknown>) => Promise<CallToolResult>;
  close: () => Promise<void>;
}

/** The MCP server in-process on the local backend (home and output under `root`), a real SDK client over linked transports. */
export async function startLocalMcp(root: string, clientName: string): Promise<LocalMcp> {
  const config = loadConfig({ VIDEO_MAKER_BACKEND: "local", VIDEO_MAKER_HOME: join(root, "home"), VIDEO_MAKER_OUTPUT_DIR: join(root, "out") });
  const created = await createServer(config, { logger: createLogger({ stderr: false }) });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: clientName, version: "1.0.0" });
  await created.server.connect(serverTransport);
  await client.connect(clientTransport);
  return {
    client,
    created,
    call: async (name, args = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult,
    close: async () => {
      await client.close();
      await created.cleanup();
    },
  };
}
