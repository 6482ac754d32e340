import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { Config } from "../../config.js";
import { createServer } from "../server.js";
import { guardLines } from "./stdio-lines.js";

/**
 * MCP over stdin/stdout, what `npx video-maker` runs for Claude Desktop, Cursor and
 * Claude Code. The transport does not notice stdin closing, so we do: the server exits
 * when its host goes away. Exports still running are left on disk and resumed next start.
 */
export async function serveStdio(config: Config): Promise<void> {
  const { server, cleanup, context } = await createServer(config);
  // Bad lines are answered (-32700/-32600) before the SDK's transport, which would drop them.
  const transport: StdioServerTransport = new StdioServerTransport(
    guardLines(process.stdin, (message) => void transport.send(message).catch(() => {})),
    process.stdout,
  );
  let stopping = false;
  const stop = (why: string) => {
    if (stopping) return;
    stopping = true;
    context.log.debug(`shutting down: ${why}`);
    void cleanup().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.stdin.once("end", () => stop("stdin ended"));
  process.stdin.once("close", () => stop("stdin closed"));
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
  await server.connect(transport);
  context.log.debug("serving MCP on stdio");
}
