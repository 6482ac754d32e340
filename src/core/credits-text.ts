import type { Credits } from "./backend.js";

/**
 * The balance in words, the same for the MCP tool and the CLI. NemoVideo's `frozen` credits are
 * held for work still running (its own skill: "reserved for in-progress ops"): said so, since a
 * person who sees fewer available credits than expected would otherwise think they were lost.
 */
export function creditsSentence(credits: Credits): string {
  const reserved =
    credits.frozen > 0
      ? `${credits.frozen} reserved for work in progress (an edit or generation still running; they are charged or given back when it ends)`
      : "0 reserved";
  return `Credits: ${credits.available} available, ${reserved}, ${credits.total} total`;
}
