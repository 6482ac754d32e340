/**
 * Standalone fake NemoVideo server:
 *
 *   npx tsx tests/fake-nemo/main.ts [--port N] [--options '<json FakeOptions, partial>']
 *
 * Prints `FAKE_NEMO_URL=http://127.0.0.1:PORT` on stdout, then serves until SIGINT/SIGTERM.
 */
import { startFakeNemo } from "./server.js";
import type { FakeOptionsInput } from "./server.js";

function usage(message?: string): never {
  if (message) process.stderr.write(`${message}\n`);
  process.stderr.write("usage: tsx tests/fake-nemo/main.ts [--port N] [--options '<json>']\n");
  process.exit(2);
}

function parseArgs(argv: string[]): FakeOptionsInput {
  const input: FakeOptionsInput = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i] ?? usage(`${flag} needs a value`);
    if (flag === "--port") {
      const port = Number(value());
      if (!Number.isInteger(port) || port < 0 || port > 65535) usage("--port must be 0-65535");
      input.port = port;
    } else if (flag === "--options") {
      try {
        Object.assign(input, JSON.parse(value()) as FakeOptionsInput);
      } catch {
        usage("--options must be JSON");
      }
    } else if (flag === "--help" || flag === "-h") {
      usage();
    } else {
      usage(`unknown argument: ${arg}`);
    }
  }
  return input;
}

const fake = await startFakeNemo(parseArgs(process.argv.slice(2)));
process.stdout.write(`FAKE_NEMO_URL=${fake.url}\n`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void fake.close().then(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
