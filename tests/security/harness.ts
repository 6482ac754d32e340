import { execFile } from "node:child_process";
import { lstat, readdir } from "node:fs/promises";
import { join, resolve } from "node:path";

/** The built bin as a person runs it, and a walk over what it left on disk. */

export const BIN = resolve("dist/cli.js");

export interface Run {
  args: string[];
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run under `umask 0` (through sh, with the command as an argv array: nothing is interpolated). */
  umaskZero?: boolean;
  timeoutMs?: number;
}

export function runCli(args: string[], options: CliOptions): Promise<Run> {
  const [file, argv] = options.umaskZero
    ? ["/bin/sh", ["-c", 'umask 0; exec "$0" "$@"', process.execPath, BIN, ...args]]
    : [process.execPath, [BIN, ...args]];
  return new Promise((done) => {
    execFile(
      file,
      argv,
      { env: options.env, cwd: options.cwd ?? process.cwd(), timeout: options.timeoutMs ?? 60_000, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        done({ args, code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

export interface Entry {
  path: string;
  kind: "dir" | "file" | "other";
  mode: number;
}

/** Every folder and file under `root` (the root included), with permission bits. */
export async function walk(root: string): Promise<Entry[]> {
  const out: Entry[] = [];
  const visit = async (path: string) => {
    const info = await lstat(path);
    const kind = info.isDirectory() ? "dir" : info.isFile() ? "file" : "other";
    out.push({ path, kind, mode: info.mode & 0o777 });
    if (kind === "dir") for (const name of await readdir(path)) await visit(join(path, name));
  };
  await visit(root);
  return out;
}
