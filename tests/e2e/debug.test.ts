import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeNemo, startFakeNemo } from "../fake-nemo/server.js";
import { makeVideo } from "../integration/media-fixtures.js";
import { BIN, type Run, runCli } from "../security/harness.js";
import { binEnv } from "../support/env.js";

/**
 * VIDEO_MAKER_DEBUG=1 through the built bin: the trace goes to stderr, one line per step,
 * with no token and no query string; stdout is exactly what it is without the trace.
 */

const TRACE_LINE = /^video-maker debug: /;
let fake: FakeNemo;
let root: string;
let clip: string;

beforeAll(async () => {
  fake = await startFakeNemo({ render: { fileBytes: 30_000 } });
  root = await mkdtemp(join(tmpdir(), "vm-debug-"));
  clip = await makeVideo(root, "clip.mp4");
});
afterAll(async () => {
  await fake.close();
  await rm(root, { recursive: true, force: true });
});

/** The built bin with its own state folder `home` under the test's root. */
function cli(args: string[], home: string, extra: Record<string, string> = {}): Promise<Run> {
  return runCli(args, { env: binEnv({ fakeUrl: fake.url, root, home: join(root, home) }, extra), cwd: root });
}

const traceOf = (run: Run) => run.stderr.split("\n").filter((line) => TRACE_LINE.test(line));

describe("VIDEO_MAKER_DEBUG", () => {
  it("traces each NemoVideo request on stderr and leaves stdout as it was", async () => {
    const quiet = await cli(["credits", "--json"], "cloud");
    const traced = await cli(["credits", "--json"], "cloud", { VIDEO_MAKER_DEBUG: "1" });
    expect([quiet.code, traced.code]).toEqual([0, 0]);
    expect(traced.stdout).toBe(quiet.stdout);
    expect(traceOf(quiet)).toEqual([]);
    expect(traceOf(traced)).toEqual([expect.stringMatching(/^video-maker debug: GET \/api\/credits\/balance\/simple → HTTP 200 in \d+ ms, application\/json, \d+ bytes$/)]);

    // A token the service stopped taking: the failure, the renewal and both requests are traced.
    fake.expireToken([...fake.tokens.keys()].at(-1)!);
    const renewed = await cli(["credits"], "cloud", { VIDEO_MAKER_DEBUG: "yes" });
    expect(renewed.code, renewed.stderr).toBe(0);
    expect(traceOf(renewed).map((line) => line.replace(/ in \d+ ms.*/, ""))).toEqual([
      "video-maker debug: GET /api/credits/balance/simple → HTTP 200",
      expect.stringMatching(/^video-maker debug: GET \/api\/credits\/balance\/simple: the service answered code 10\d\d \(HTTP \d+\)$/),
      "video-maker debug: renewing the token and sending again",
      "video-maker debug: POST /api/auth/anonymous-token → HTTP 200",
      "video-maker debug: GET /api/credits/balance/simple → HTTP 200",
    ]);
    for (const token of fake.tokens.keys()) expect(renewed.stderr).not.toContain(token);
  });

  it("traces an edit stream and the export's requests, to the file's download", async () => {
    const traced = { VIDEO_MAKER_DEBUG: "1" };
    expect((await cli(["upload", clip], "edit", traced)).code).toBe(0);
    const edit = await cli(["edit", "add a title"], "edit", traced);
    expect(edit.code, edit.stderr).toBe(0);
    expect(traceOf(edit)).toContainEqual(expect.stringMatching(/^video-maker debug: POST \/run_sse → HTTP 200 in \d+ ms, text\/event-stream/));
    expect(traceOf(edit)).toContainEqual(expect.stringMatching(/^video-maker debug: \/run_sse ended \(closed\): \d+ events, \d+ heartbeats, tools .*, reply \d+ characters$/));
    const exported = await cli(["export", "--name", "traced"], "edit", traced);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout.trim().split("\n").at(-1)).toBe(join(root, "out", "traced.mp4"));
    const lines = traceOf(exported);
    expect(lines).toContainEqual(expect.stringMatching(/^video-maker debug: POST \/api\/render\/proxy\/lambda → HTTP 200/));
    // The fake's file link is on the API's origin, so it shows as a path (other origins: tests/unit/debug.test.ts).
    expect(lines.at(-1)).toMatch(/^video-maker debug: GET \/files\/render_\d+\.mp4 → HTTP 200 in \d+ ms, video\/mp4, 30000 bytes$/);
  });

  it("traces each local ffmpeg run as a command line a person can paste, and how it ended", async () => {
    const local = { VIDEO_MAKER_BACKEND: "local", VIDEO_MAKER_DEBUG: "1" };
    expect((await cli(["upload", clip], "local", local)).code).toBe(0);
    const ops = join(root, "ops.json");
    await writeFile(ops, JSON.stringify([{ op: "add_clip", media: "clip.mp4" }]));
    expect((await cli(["apply", ops], "local", local)).code).toBe(0);
    const preview = await cli(["preview", "0.5", "--out", join(root, "frame.png")], "local", local);
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stdout.trim().split("\n").at(-1)).toBe(join(root, "frame.png"));
    const lines = traceOf(preview);
    expect(lines[0]).toMatch(/^video-maker debug: preview: ffmpeg -hide_banner .*-i \S*clip\.mp4 /);
    expect(lines.at(-1)).toMatch(/^video-maker debug: preview: ffmpeg ended \(exit code 0\) after \d+ ms$/);
  });

  it("over MCP stdio: the trace goes to stderr, and stdout carries JSON-RPC only", async () => {
    const server = spawn(process.execPath, [BIN], { env: binEnv({ fakeUrl: fake.url, root, home: join(root, "mcp") }, { VIDEO_MAKER_DEBUG: "1" }) });
    let stdout = "";
    let stderr = "";
    server.stderr.on("data", (chunk) => (stderr += String(chunk)));
    const answered = new Promise<void>((done) =>
      server.stdout.on("data", (chunk) => {
        stdout += String(chunk);
        if (/"id":2\b/.test(stdout)) done();
      }),
    );
    const send = (message: object) => server.stdin.write(`${JSON.stringify(message)}\n`);
    send({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } });
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    send({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "get_credits", arguments: {} } });
    await answered;
    server.stdin.end();
    await new Promise((done) => server.once("close", done));

    const lines = stdout.split("\n").filter(Boolean);
    for (const line of lines) expect(JSON.parse(line), line).toMatchObject({ jsonrpc: "2.0" });
    expect(lines.map((line) => (JSON.parse(line) as { id?: number }).id).filter((id) => id !== undefined)).toEqual([1, 2]);
    expect(stderr).toMatch(/^video-maker debug: GET \/api\/credits\/balance\/simple → HTTP 200/m);
    for (const token of fake.tokens.keys()) expect(stderr).not.toContain(token);
  });

  it("refuses a value it does not know, naming the variable", async () => {
    const run = await cli(["credits"], "bad", { VIDEO_MAKER_DEBUG: "loud" });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/VIDEO_MAKER_DEBUG must be 1 or 0 .*not "loud"/);
    expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });
});
