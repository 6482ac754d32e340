#!/usr/bin/env node
import { parseArgs } from "node:util";
import { type Config, loadConfig } from "./config.js";
import type { ProgressEvent } from "./core/backend.js";
import { VideoMakerError, redactSecrets, toVideoMakerError } from "./core/errors.js";
import type { NemoBackend } from "./nemo/backend.js";
import { PACKAGE_VERSION } from "./package-info.js";

// Each face loads only what it needs: an MCP host waits on startup before its first call.

/**
 * The `video-maker` command. Each subcommand is one action over the backend; output is
 * plain lines for people (never a token, never raw JSON unless --json asks for it).
 */

const HELP = `video-maker — turn your clips, photos and music into a finished MP4

Usage: video-maker                 serve MCP over stdio (what MCP hosts run)
       video-maker <command> [options]

Commands:
  upload <paths...> [--url URL]   upload media files (and/or links) to the current project
  edit "<instruction>"            ask the agent to edit, e.g. "add a title 'Summer Sale'"
  state [--json]                  show the timeline of the current project
  credits [--json]                show the credit balance
  export [--out DIR] [--name F]   render the project and save the MP4
  new [--language xx]             start a new project
  claim                           print a link that keeps this project in a NemoVideo account
  mcp [--http PORT]               serve MCP over stdio, or Streamable HTTP on 127.0.0.1:PORT/mcp

Options:
  --json       machine-readable output
  -h, --help   show this help
  -v, --version

Environment: NEMO_TOKEN, NEMO_API_BASE, VIDEO_MAKER_HOME, VIDEO_MAKER_OUTPUT_DIR, VIDEO_MAKER_SKILL.
See README.md for everything else.`;

/** Exit codes scripts can rely on. */
export const EXIT = { ok: 0, failure: 1, usage: 2, input: 3, account: 4, upstream: 5, cancelled: 130 } as const;

function exitCodeFor(error: VideoMakerError): number {
  switch (error.kind) {
    case "input":
      return EXIT.input;
    case "account":
    case "config":
      return EXIT.account;
    case "cancelled":
      return EXIT.cancelled;
    default:
      return EXIT.upstream;
  }
}

interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
        url: { type: "string", multiple: true },
        out: { type: "string" },
        name: { type: "string" },
        language: { type: "string" },
        http: { type: "string" },
      },
    });
  } catch (error) {
    io.err(`${(error as Error).message}\n\nRun "video-maker --help" for usage.`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  const [command, ...args] = positionals;
  if (values.version) {
    io.out(PACKAGE_VERSION);
    return EXIT.ok;
  }
  if (values.help || command === "help") {
    io.out(HELP);
    return EXIT.ok;
  }
  if (!command || command === "mcp") return serveMcp(values.http, io);

  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once("SIGINT", onSignal);
  let backend: NemoBackend | undefined;
  try {
    const config = loadConfig();
    if (config.backend !== "nemo") {
      throw new VideoMakerError("config", "These commands work with the NemoVideo backend; unset VIDEO_MAKER_BACKEND.");
    }
    const { NemoBackend } = await import("./nemo/backend.js");
    backend = new NemoBackend(config);
    const context = { signal: controller.signal, onProgress: progressPrinter(io) };
    const json = values.json === true;
    switch (command) {
      case "upload": {
        const result = await backend.upload({ paths: args, urls: values.url ?? [] }, context);
        if (json) io.out(JSON.stringify(result, null, 2));
        else {
          for (const media of result.uploaded) io.out(`uploaded ${media.name} (${media.type})`);
          for (const bad of result.rejected) io.err(`not uploaded ${bad.input}: ${bad.reason}`);
        }
        return result.uploaded.length === 0 && result.rejected.length > 0 ? EXIT.input : EXIT.ok;
      }
      case "edit": {
        const instruction = args.join(" ");
        const result = await backend.edit(instruction, context);
        if (json) io.out(JSON.stringify(result, null, 2));
        else {
          io.out(result.reply);
          if (result.changes.length > 0) io.out(`Changes: ${result.changes.join("; ")}`);
          io.out(result.timeline);
          if (result.suggestsExport) io.out('Next: run "video-maker export" to render and download the MP4.');
        }
        return EXIT.ok;
      }
      case "state": {
        const state = await backend.getState(context);
        if (json) io.out(JSON.stringify({ ...state }, null, 2));
        else {
          io.out(state.timeline);
          for (const media of state.media) io.out(`media: ${media.name} (${media.type})`);
        }
        return EXIT.ok;
      }
      case "credits": {
        const credits = await backend.getCredits(context);
        if (json) io.out(JSON.stringify(credits));
        else io.out(`Credits: ${credits.available} available, ${credits.frozen} reserved, ${credits.total} total`);
        return EXIT.ok;
      }
      case "export": {
        const result = await backend.exportVideo(
          { outputDir: values.out ?? config.outputDir, ...(values.name ? { fileName: values.name } : {}) },
          context,
        );
        if (json) io.out(JSON.stringify(result));
        else io.out(result.file);
        return EXIT.ok;
      }
      case "new": {
        const session = await backend.newSession(values.language, context);
        if (json) io.out(JSON.stringify(session));
        else io.out(`Started a new project (session ${session.session_id}).`);
        return EXIT.ok;
      }
      case "claim": {
        io.out(await backend.claimLink(context));
        return EXIT.ok;
      }
      default:
        io.err(`Unknown command "${command}". Run "video-maker --help" for the list.`);
        return EXIT.usage;
    }
  } catch (error) {
    const failure = toVideoMakerError(error);
    io.err(`Error: ${redactSecrets(failure.message)}`);
    return exitCodeFor(failure);
  } finally {
    process.off("SIGINT", onSignal);
    await backend?.close();
  }
}

/** Serves MCP until the host goes away; returns only on a startup failure. */
async function serveMcp(httpPort: string | undefined, io: Io): Promise<number> {
  try {
    const config = loadConfig();
    if (httpPort === undefined) {
      const { serveStdio } = await import("./mcp/transports/stdio.js");
      await serveStdio(config);
      return new Promise<number>(() => {}); // stdio ends the process itself
    }
    const port = Number(httpPort);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
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

function progressPrinter(io: Io): (event: ProgressEvent) => void {
  let last = "";
  let lastAt = 0;
  return (event) => {
    // Plain lines, at most one per second unless the message changes meaningfully.
    const now = Date.now();
    if (event.message === last || (now - lastAt < 1000 && event.stage === "upload")) return;
    last = event.message;
    lastAt = now;
    io.err(`… ${event.message}`);
  };
}

function defaultIo(): Io {
  return { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) };
}

export type { Config };

const invokedDirectly = process.argv[1] && /cli\.(js|ts)$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
