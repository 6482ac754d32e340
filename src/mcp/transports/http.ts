import { randomUUID } from "node:crypto";
import { type IncomingMessage, type ServerResponse, createServer as createHttpServer } from "node:http";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import type { Config } from "../../config.js";
import { createBackend } from "../../backends.js";
import { JobManager } from "../../core/jobs.js";
import { type Logger, createLogger } from "../logger.js";
import { createServer } from "../server.js";
import { MCP_SURFACE_NAMES } from "../surface-names.js";
import { HttpSessions, type SessionLimits } from "./http-sessions.js";

/**
 * MCP over Streamable HTTP at http://127.0.0.1:PORT/mcp, for hosts that prefer a URL.
 * It listens on loopback only and checks Host and Origin (DNS-rebinding protection), so a
 * web page cannot drive it. Each MCP session gets its own server; the backend and the
 * jobs are shared, so a job started in one session can be awaited from another. Sessions are
 * capped and idle ones expire (http-sessions.ts).
 */

export interface HttpHandle {
  url: string;
  /** Open sessions, and MCP servers built since the start (each session builds one). */
  stats: () => { sessions: number; serversBuilt: number };
  close: () => Promise<void>;
}

/** An initialize request is a few hundred bytes; a session-less POST is read up to this much before it is refused. */
const MAX_INITIALIZE_BYTES = 1024 * 1024;

export async function serveHttp(config: Config, port: number, log: Logger = createLogger(), limits: SessionLimits = {}): Promise<HttpHandle> {
  const backend = createBackend(config, { names: MCP_SURFACE_NAMES });
  const jobs = new JobManager(config.home, backend, MCP_SURFACE_NAMES);
  await jobs.resumeAll();
  const sessions = new HttpSessions(limits);
  let serversBuilt = 0;
  let actualPort = port;

  const reply = (res: ServerResponse, status: number, message: string, code = -32000, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }));
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
    if (existing) {
      sessions.track(sessionId!, res);
      return existing.handleRequest(req, res);
    }
    if (sessionId) return reply(res, 404, "Unknown or expired MCP session; initialize again");
    if (req.method !== "POST") return reply(res, 400, "Start a session with an initialize request (POST)");

    // Only an initialize request may start a session: anything else is refused before a server is built for it.
    const body = await readJson(req, MAX_INITIALIZE_BYTES);
    if (body === TOO_LARGE) return reply(res, 413, "The request is too large for an initialize request");
    if (body === NOT_JSON) return reply(res, 400, "Parse error: the request body is not JSON", -32700);
    if (!isInitializeRequest(body)) return reply(res, 400, "Start a session with an initialize request (this request has no Mcp-Session-Id)");
    if (!(await sessions.admit())) {
      return reply(res, 503, `Too many MCP sessions are busy (${sessions.max}); try again in a moment`, -32000, { "retry-after": "5" });
    }
    try {
      const hosts = allowedHosts();
      const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        enableDnsRebindingProtection: true,
        allowedHosts: hosts,
        allowedOrigins: hosts.map((host) => `http://${host}`),
        onsessioninitialized: (id): void => sessions.register(id, transport, created.cleanup),
      });
      const created = await createServer(config, { backend, jobs, logger: log, resumeJobs: false });
      serversBuilt++;
      transport.onclose = () => {
        if (transport.sessionId) sessions.forget(transport.sessionId);
      };
      await created.server.connect(transport);
      await transport.handleRequest(req, res, body);
    } finally {
      sessions.started();
    }
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
    stats: () => ({ sessions: sessions.size, serversBuilt }),
    close: async () => {
      await sessions.closeAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await jobs.close();
      await backend.close();
    },
  };
}

const TOO_LARGE = Symbol("too large");
const NOT_JSON = Symbol("not JSON");

/** The request's body as JSON, read up to `limit` bytes. */
async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return TOO_LARGE;
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return NOT_JSON;
  }
}
