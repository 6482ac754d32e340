import { redactSecrets } from "./errors.js";

/**
 * Opt-in diagnostics (`VIDEO_MAKER_DEBUG=1`): one line per step on stderr, so a person can
 * show what went over the wire without a debugger. Never on stdout (the MCP stdio channel and
 * the CLI's last-line contract), never a token (every line is redacted), never a query string
 * (signed links carry their signature there).
 */
export type Trace = (line: string) => void;

export function stderrTrace(): Trace {
  return (line) => process.stderr.write(`video-maker debug: ${redactSecrets(line)}\n`);
}

/** `/path` for the API's own origin, `https://host/path` elsewhere; no query, no fragment, no credentials. */
export function traceableUrl(url: URL, apiOrigin: string): string {
  return url.origin === apiOrigin ? url.pathname : `${url.origin}${url.pathname}`;
}
