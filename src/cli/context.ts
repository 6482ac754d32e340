import { type Config, loadConfig } from "../config.js";
import type { Backend, BackendWith, Capability } from "../core/backend.js";
import type { JobManager } from "../core/jobs.js";
import type { Io } from "./io.js";

/** What every subcommand gets. */
export interface CommandContext<R extends Capability = never> {
  config: Config;
  backend: BackendWith<R> & { close: () => Promise<void> };
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
  size?: string;
  tiles?: string;
  timeline?: boolean;
  /** export --project FORMAT: the timeline as a project file for another editor (local). */
  project?: string;
  loudness?: string;
}

/** Whether help is written for the local backend (a broken setting is reported when a command runs, not in help). */
export function localMode(): boolean {
  try {
    return loadConfig().backend === "local";
  } catch {
    return false;
  }
}

/** Exit codes scripts can rely on (also in README.md). */
export const EXIT = { ok: 0, failure: 1, usage: 2, input: 3, account: 4, upstream: 5, local: 6, cancelled: 130 } as const;

export interface Command<R extends Capability = never> {
  name: string;
  usage: string;
  summary: string;
  /** `video-maker <command> --help`: what it does in full, and how people run it. */
  details: string | (() => Promise<string>);
  examples: readonly string[];
  /** What the backend must be able to do; a command it cannot serve is neither listed nor run. */
  requires?: readonly R[];
  // A method, so commands with different requirements share one list.
  run(context: CommandContext<R>): Promise<number>;
}

export type AnyCommand = Command<Capability>;

/** Whether the running backend serves a command (what it declares in `requires`). */
export function serves(backend: Backend, command: { requires?: readonly Capability[] }): boolean {
  return (command.requires ?? []).every((capability) => backend[capability] !== undefined);
}

/** The context narrowed to what a command requires, or undefined when the backend lacks it. */
export function contextFor<R extends Capability>(command: Command<R>, context: CommandContext): CommandContext<R> | undefined {
  return serves(context.backend, command) ? (context as unknown as CommandContext<R>) : undefined;
}

/** Declares a command, inferring what it requires from its `requires` list. */
export function defineCommand<R extends Capability = never>(command: Command<R>): Command<R> {
  return command;
}

export function printJson(context: CommandContext, value: unknown): void {
  context.io.out(JSON.stringify(value, null, 2));
}
