#!/usr/bin/env node
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type AnyCommand, type CommandContext, EXIT, contextFor } from "./cli/context.js";
import { type Io, processIo } from "./cli/io.js";
import { CLI_SURFACE_NAMES } from "./cli/surface-names.js";
import { loadConfig } from "./config.js";
import { type BackendName, CAPABILITIES_BY_BACKEND, serves as servesBackend } from "./core/backend.js";
import { VideoMakerError, redactSecrets, toVideoMakerError } from "./core/errors.js";
import { PACKAGE_VERSION } from "./package-info.js";

/**
 * The `video-maker` command. With no arguments it serves MCP over stdio (what MCP hosts
 * run); otherwise each subcommand is one action over the same core as the MCP tools.
 * Each face loads only what it needs: an MCP host waits on startup before its first call.
 */

/** Every command, in the order help lists them; each module is loaded only when a command runs. */
const COMMAND_LOADERS: ReadonlyArray<() => Promise<AnyCommand>> = [
  async () => (await import("./cli/commands/upload.js")).uploadCommand,
  async () => (await import("./cli/commands/edit.js")).editCommand,
  async () => (await import("./cli/commands/state.js")).stateCommand,
  async () => (await import("./cli/commands/credits.js")).creditsCommand,
  // Where there is an editor, its export (which also writes project files) stands in for the plain one.
  async () => (await import("./cli/commands/export.js")).editorExportCommand,
  async () => (await import("./cli/commands/export.js")).exportCommand,
  async () => (await import("./cli/commands/job.js")).jobCommand,
  async () => (await import("./cli/commands/cancel.js")).cancelCommand,
  async () => (await import("./cli/commands/new.js")).newCommand,
  async () => (await import("./cli/commands/say.js")).sayCommand,
  async () => (await import("./cli/commands/claim.js")).claimCommand,
  async () => (await import("./cli/commands/doctor.js")).doctorCommand,
  async () => (await import("./cli/commands/demo.js")).demoCommand,
  async () => (await import("./cli/commands/apply.js")).applyCommand,
  async () => (await import("./cli/commands/preview.js")).previewCommand,
  async () => (await import("./cli/commands/undo.js")).undoCommand,
  async () => (await import("./cli/commands/inspect.js")).inspectCommand,
];

/** The commands the configured backend serves: the others are not listed, so nothing offers them. */
async function loadCommands(backend: BackendName): Promise<AnyCommand[]> {
  const all = await Promise.all(COMMAND_LOADERS.map((load) => load()));
  const served = all.filter((command) => servesBackend(backend, command.requires));
  // Two commands of one name: the first the backend serves is its own (export with --project where there is an editor).
  return served.filter((command, index) => served.findIndex((other) => other.name === command.name) === index);
}

/** The backend help is written for; a broken setting is reported when a command runs, not here. */
function configuredBackend(): BackendName {
  try {
    return loadConfig().backend;
  } catch {
    return process.env["VIDEO_MAKER_BACKEND"]?.trim().toLowerCase() === "local" ? "local" : "nemo";
  }
}

function help(commands: AnyCommand[]): string {
  const width = Math.max(...commands.map((c) => c.usage.length), "mcp [--http PORT]".length) + 2;
  const line = (usage: string, summary: string) => `  ${usage.padEnd(width)}${summary}`;
  return [
    "video-maker — turn your clips, photos and music into a finished MP4",
    "",
    "Usage: video-maker                    serve MCP over stdio (what MCP hosts run)",
    "       video-maker <command> [options]",
    "",
    "Commands:",
    ...commands.map((c) => line(c.usage, c.summary)),
    line("mcp [--http PORT]", "serve MCP over stdio, or Streamable HTTP on 127.0.0.1:PORT/mcp"),
    "",
    "Options:",
    line("--json", "one JSON document on stdout, no progress (for scripts)"),
    line("-h, --help", "show this help"),
    line("-v, --version", "print the version"),
    "",
    "Exit codes: 0 ok, 1 failure, 2 usage, 3 bad input, 4 account or configuration, 5 service or network, 130 cancelled.",
    "Environment: NEMO_TOKEN, NEMO_API_BASE, VIDEO_MAKER_HOME, VIDEO_MAKER_BACKEND, VIDEO_MAKER_OUTPUT_DIR, VIDEO_MAKER_SKILL, VIDEO_MAKER_DEBUG=1 to trace on stderr (see README.md).",
  ].join("\n");
}

/** One command's help: usage, what it does, the options it shares, examples. */
async function commandHelp(command: AnyCommand): Promise<string> {
  const details = typeof command.details === "string" ? command.details : await command.details();
  return [
    `Usage: video-maker ${command.usage}`,
    "",
    `${command.summary[0]!.toUpperCase()}${command.summary.slice(1)}.`,
    "",
    details,
    "",
    "Examples:",
    ...command.examples.map((example) => `  ${example}`),
    "",
    'Every command takes --json (one JSON document on stdout). Exit codes and the environment: "video-maker --help".',
  ].join("\n");
}

/** A command of the other backend is named as such, so the person knows what to switch. */
async function unknownCommand(name: string, backend: BackendName): Promise<string> {
  const all = await Promise.all(COMMAND_LOADERS.map((load) => load()));
  const elsewhere = all.find((command) => command.name === name);
  if (!elsewhere) return `Unknown command "${name}".`;
  const other = (Object.keys(CAPABILITIES_BY_BACKEND) as BackendName[]).find((b) => b !== backend && servesBackend(b, elsewhere.requires));
  const label = (b: BackendName) => (b === "local" ? "the local backend" : "the NemoVideo backend");
  return other
    ? `"${name}" works with ${label(other)} (VIDEO_MAKER_BACKEND=${other}); this setup uses ${label(backend)}.`
    : `"${name}" is not available here.`;
}

export function exitCodeFor(error: VideoMakerError): number {
  switch (error.kind) {
    case "input":
      return EXIT.input;
    case "account":
    case "config":
      return EXIT.account;
    case "cancelled":
      return EXIT.cancelled;
    // The render on this computer failed: not the service, not the network.
    case "local":
      return EXIT.local;
    default:
      return EXIT.upstream;
  }
}

/** `--loudness -16` as `--loudness=-16`: parseArgs takes a value starting with a dash for an option otherwise. */
function joinNegativeValues(argv: string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const next = argv[i + 1];
    if (argv[i] === "--loudness" && next !== undefined && /^-\d/.test(next)) {
      joined.push(`--loudness=${next}`);
      i++;
    } else joined.push(argv[i]!);
  }
  return joined;
}

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(argv),
      allowPositionals: true,
      options: {
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
        url: { type: "string", multiple: true },
        out: { type: "string" },
        name: { type: "string" },
        language: { type: "string" },
        wait: { type: "boolean" },
        http: { type: "string" },
        size: { type: "string" },
        tiles: { type: "string" },
        timeline: { type: "boolean" },
        project: { type: "string" },
        loudness: { type: "string" },
      },
    });
  } catch (error) {
    io.err(`${(error as Error).message}\n\nRun "video-maker --help" for usage.`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  const [name, ...args] = positionals;
  if (values.version) {
    io.out(PACKAGE_VERSION);
    return EXIT.ok;
  }
  if (!name || name === "mcp") {
    if (values.help) {
      io.out(help(await loadCommands(configuredBackend())));
      return EXIT.ok;
    }
    return serveMcp(values.http, io);
  }
  const backendName = configuredBackend();
  const commands = await loadCommands(backendName);
  if (name === "help" && !args[0]) {
    io.out(help(commands));
    return EXIT.ok;
  }
  const wanted = name === "help" ? args[0]! : name;
  const command = commands.find((c) => c.name === wanted);
  if (!command) {
    io.err(`${await unknownCommand(wanted, backendName)} Run "video-maker --help" for the list.`);
    return EXIT.usage;
  }
  if (values.help || name === "help") {
    io.out(await commandHelp(command));
    return EXIT.ok;
  }
  if ((name === "job" || name === "cancel") && !args[0]) {
    io.err(`Usage: video-maker ${command.usage}`);
    return EXIT.usage;
  }

  const controller = new AbortController();
  // Ctrl-C or a supervisor's SIGTERM cancels the work (and kills any ffmpeg) before exiting.
  const onSignal = () => controller.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  let context: CommandContext | undefined;
  try {
    const config = loadConfig();
    const [{ createBackend }, { JobManager }] = await Promise.all([import("./backends.js"), import("./core/jobs.js")]);
    // The agent's "click Export" becomes "run the export (video-maker export)" here, not an MCP tool name.
    const backend = createBackend(config, { names: CLI_SURFACE_NAMES });
    context = {
      config,
      backend,
      jobs: new JobManager(config.home, backend, CLI_SURFACE_NAMES),
      io,
      json: values.json === true,
      args,
      options: {
        ...(values.url ? { url: values.url } : {}),
        // An empty --out or --name is a mistake to report, not a reason to fall back silently.
        ...(values.out !== undefined ? { out: values.out } : {}),
        ...(values.name !== undefined ? { name: values.name } : {}),
        ...(values.language ? { language: values.language } : {}),
        ...(values.wait ? { wait: true } : {}),
        ...(values.size !== undefined ? { size: values.size } : {}),
        ...(values.tiles !== undefined ? { tiles: values.tiles } : {}),
        ...(values.timeline ? { timeline: true } : {}),
        ...(values.project !== undefined ? { project: values.project } : {}),
        ...(values.loudness !== undefined ? { loudness: values.loudness } : {}),
      },
      signal: controller.signal,
    };
    const served = contextFor(command, context);
    if (!served) throw new VideoMakerError("config", `The ${backendName} backend did not load what "${name}" needs.`);
    return await command.run(served);
  } catch (error) {
    const failure = toVideoMakerError(error);
    if (values.json) {
      io.out(JSON.stringify({ error: { code: failure.code, message: failure.message, ...(failure.link ? { link: failure.link } : {}) } }, null, 2));
    } else {
      const link = failure.link && !failure.message.includes(failure.link) ? ` ${failure.link}` : "";
      io.err(`Error: ${redactSecrets(failure.message)}${link}`);
    }
    return exitCodeFor(failure);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await context?.backend.close();
  }
}

/** Serves MCP until the host goes away; returns only on a startup failure or a signal. */
async function serveMcp(httpPort: string | undefined, io: Io): Promise<number> {
  try {
    const config = loadConfig();
    if (httpPort === undefined) {
      const { serveStdio } = await import("./mcp/transports/stdio.js");
      await serveStdio(config);
      return new Promise<number>(() => {}); // stdio ends the process itself
    }
    const port = Number(httpPort);
    if (!/^\d+$/.test(httpPort) || port > 65535) {
      io.err(`--http needs a port number (0-65535), not "${httpPort}".`);
      return EXIT.usage;
    }
    const { serveHttp } = await import("./mcp/transports/http.js");
    const handle = await serveHttp(config, port);
    io.err(`MCP (Streamable HTTP) at ${handle.url}`);
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    await handle.close();
    return EXIT.ok;
  } catch (error) {
    const failure = toVideoMakerError(error);
    io.err(`Error: ${redactSecrets(failure.message)}`);
    return exitCodeFor(failure);
  }
}

/** True when this file is the program (also through npm's bin symlink), not an import. */
function isEntryPoint(): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
