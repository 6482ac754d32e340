import { type ChildProcessByStdio, spawn } from "node:child_process";
import { resolve } from "node:path";
import type { Readable } from "node:stream";

export type HttpServerChild = ChildProcessByStdio<null, Readable, Readable>;

/** `video-maker mcp --http 0` as a child process, and the URL it prints once it listens. */
export async function startHttpServer(env: NodeJS.ProcessEnv, bin = resolve("dist/cli.js")): Promise<{ child: HttpServerChild; url: string }> {
  const child = spawn(process.execPath, [bin, "mcp", "--http", "0"], { env, stdio: ["ignore", "pipe", "pipe"] });
  const url = await new Promise<string>((resolveUrl, reject) => {
    let seen = "";
    child.stderr.on("data", (chunk) => {
      seen += String(chunk);
      const match = /(http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(seen);
      if (match) resolveUrl(match[1]!);
    });
    child.once("exit", () => reject(new Error(`server exited: ${seen}`)));
  });
  return { child, url };
}
