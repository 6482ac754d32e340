import { randomUUID } from "node:crypto";
import { type IncomingMessage, type ServerResponse, createServer as createHttpServer } from "node:http";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { Config } from "../../config.js";
import { createBackend } from "../../backends.js";
import { JobManager } from "../../core/jobs.js";
import { type Logger, createLogger } from "../logger.js";
import { createServer } from "../server.js";
import { MCP_SURFACE_NAMES } from "../surface-names.js";

/**
 * MCP over Streamable HTTP at http://127.0.0.1:PORT/mcp, for hosts that prefer a URL.
 * It listens on loopback only and checks Host and Origin (DNS-rebinding protection), so a
 * web page cannot drive it. Each MCP session gets its own server; the backend and the
 * jobs are shared, so a job started in one session can be awaited from another.
 */

export interface HttpHandle {
  url: string;
  close: () => Promise<void>;
}

export async function serveHttp(config: Config, port: number, log: Logger = createLogger()): Promise<HttpHandle> {
  const backend = createBackend(config, { names: MCP_SURFACE_NAMES });
  const jobs = new JobManager(config.home, backend, MCP_SURFACE_NAMES);
  await jobs.resumeAll();
  const sessions = new Map<string, { transport: StreamableHTTPServerTransport; cleanup: () => Promise<void> }>();
  let actualPort = port;

  const reply = (res: ServerResponse, status: number, message: string) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message }, id: null }));
  };

  const allowedHosts = () => [`127.0.0.1:${actualPort}`, `localhost:${actualPort}`];
  /** DNS rebinding: a web page's request carries its own Host (and Origin); refuse it before anything else. */
  const foreign = (req: IncomingMessage): string | undefined => {
    const hosts = allowedHosts();
    if (!req.headers.host || !hosts.includes(req.headers.host)) return "Forbidden: this server answers only to 127.0.0.1 and localhost";
    const origin = req.headers.origin;
    if (origin !== undefined && !hosts.some((host) => origin === `http://${host}`)) return "Forbidden: requests from other web sites are not accepted";
    return undefined;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const refused = foreign(req);
    if (refused) return reply(res, 403, refused);
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    if (path !== "/mcp") return reply(res, 404, "Not found: the MCP endpoint is /mcp");
    const header = req.headers["mcp-session-id"];
    const sessionId = Array.isArray(header) ? header[0] : header;
    const existing = sessionId ? sessions.get(sessionId) : undefined;
    if (existing) return existing.transport.handleRequest(req, res);
    if (sessionId) return reply(res, 404, "Unknown or expired MCP session; initialize again");
    if (req.method !== "POST") return reply(res, 400, "Start a session with an initialize request (POST)");

    const hosts = allowedHosts();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableDnsRebindingProtection: true,
      allowedHosts: hosts,
      allowedOrigins: hosts.map((host) => `http://${host}`),
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, cleanup: created.cleanup });
      },
    });
    const created = await createServer(config, { backend, jobs, logger: log, resumeJobs: false });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await created.server.connect(transport);
    await transport.handleRequest(req, res);
  };

  const server = createHttpServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error(`HTTP request failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) reply(res, 500, "Internal error");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  actualPort = typeof address === "object" && address ? address.port : port;
  const url = `http://127.0.0.1:${actualPort}/mcp`;
  log.info(`serving MCP over Streamable HTTP at ${url}`);

  return {
    url,
    close: async () => {
      for (const session of sessions.values()) await session.cleanup();
      sessions.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await jobs.close();
      await backend.close();
    },
  };
}
