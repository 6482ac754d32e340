// Streamable HTTP under a host that opens a session per connection and never closes it:
// N initialize requests against `video-maker mcp --http 0` (a child process of its own), its
// RSS (from /proc) before and after. BIN=<path to cli.js> measures another build (e.g. main's).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const N = Number(process.env.N ?? 800);
const bin = resolve(process.env.BIN ?? "dist/cli.js");
const home = mkdtempSync(join(tmpdir(), "vm-bench-http-"));
const child = spawn(process.execPath, [...(process.env.NODE_ARGS ? process.env.NODE_ARGS.split(" ") : []), bin, "mcp", "--http", "0"], {
  env: { PATH: process.env.PATH, HOME: home, VIDEO_MAKER_HOME: join(home, "home"), VIDEO_MAKER_BACKEND: "local" },
  stdio: ["ignore", "ignore", "pipe"],
});
const url = await new Promise((done) => {
  let text = "";
  child.stderr.on("data", (chunk) => {
    text += chunk;
    const match = /at (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(text);
    if (match) done(new URL(match[1]));
  });
});
const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))[1]) / 1024;
const initialize = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "bench", version: "1" } } });
const post = () =>
  new Promise((done, fail) => {
    const req = request({ host: "127.0.0.1", port: url.port, path: "/mcp", method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream" } }, (res) => {
      res.resume();
      res.on("end", () => done(res.statusCode));
    });
    req.on("error", fail);
    req.end(initialize);
  });
await post(); // warm up
await new Promise((r) => setTimeout(r, 500));
const before = rssMb();
const started = Date.now();
const statuses = {};
for (let i = 0; i < N; i++) {
  const status = await post();
  statuses[status] = (statuses[status] ?? 0) + 1;
}
const seconds = (Date.now() - started) / 1000;
await new Promise((r) => setTimeout(r, 1000));
const after = rssMb();
console.log(JSON.stringify({ bin, initialize: N, statuses, rssBeforeMb: +before.toFixed(1), rssAfterMb: +after.toFixed(1), seconds: +seconds.toFixed(1) }));
child.kill("SIGTERM");
rmSync(home, { recursive: true, force: true });
