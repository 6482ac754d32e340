import type { Config } from "../config.js";
import type { Backend } from "../core/backend.js";
import type { JobManager } from "../core/jobs.js";
import type { Io } from "./io.js";

/** What every subcommand gets. */
export interface CommandContext {
  config: Config;
  backend: Backend & { close: () => Promise<void> };
  jobs: JobManager;
  io: Io;
  /** --json: one JSON document on stdout, no progress. */
  json: boolean;
  args: string[];
  options: CommandOptions;
  signal: AbortSignal;
}

export interface CommandOptions {
  url?: string[];
  out?: string;
  name?: string;
  language?: string;
  wait?: boolean;
}

/** Exit codes scripts can rely on (also in README.md). */
export const EXIT = { ok: 0, failure: 1, usage: 2, input: 3, account: 4, upstream: 5, cancelled: 130 } as const;

export interface Command {
  name: string;
  usage: string;
  summary: string;
  run: (context: CommandContext) => Promise<number>;
}

export function printJson(context: CommandContext, value: unknown): void {
  context.io.out(JSON.stringify(value, null, 2));
}
