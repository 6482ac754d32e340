import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { redactSecrets } from "../core/errors.js";

/**
 * Log lines go to stderr (stdout belongs to the stdio transport) and, once a client is
 * connected, to it as MCP log messages. Every line passes through the redactor.
 */

export type LogLevel = "debug" | "info" | "warning" | "error";

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  attach(server: McpServer): void;
}

export function createLogger(options: { stderr?: boolean; minLevel?: LogLevel } = {}): Logger {
  const order: LogLevel[] = ["debug", "info", "warning", "error"];
  const min = order.indexOf(options.minLevel ?? "info");
  let server: McpServer | undefined;
  const log = (level: LogLevel, message: string) => {
    if (order.indexOf(level) < min) return;
    const line = redactSecrets(message);
    if (options.stderr !== false) process.stderr.write(`[video-maker] ${level}: ${line}\n`);
    if (server?.isConnected()) {
      void server.server.sendLoggingMessage({ level, logger: "video-maker", data: line }).catch(() => {});
    }
  };
  return {
    debug: (message) => log("debug", message),
    info: (message) => log("info", message),
    warn: (message) => log("warning", message),
    error: (message) => log("error", message),
    attach: (target) => {
      server = target;
    },
  };
}
