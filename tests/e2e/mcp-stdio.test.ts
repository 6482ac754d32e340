import { execFile, spawn } from "node:child_process";
import { request as httpRequest } from "node:http";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult, Progress } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adkText, type FakeNemo, startFakeNemo } from "../fake-nemo/server.js";
import { makeVideo } from "../integration/media-fixtures.js";
import { binEnv } from "../support/env.js";
import { startHttpServer } from "./http-server.js";

/** The built bin as MCP hosts run it: spawned over stdio by the SDK client, by the Inspector CLI, and over HTTP. */

const BIN = resolve("dist/cli.js");
let fake: FakeNemo;
let root: string;
let clip: string;
let env: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeNemo({ render: { fileBytes: 80_000 } });
  root = await mkdtemp(join(tmpdir(), "vm-e2e-"));
  clip = await makeVideo(root, "beach.mp4");
  env = binEnv({ fakeUrl: fake.url, root });
});
afterAll(async () => {
  await fake.close();
  await rm(root, { recursive: true, force: true });
});

async function connectStdio(extra: Record<string, string> = {}) {
  const transport = new StdioClientTransport({ command: process.execPath, args: [BIN], env: { ...env, ...extra }, stderr: "pipe" });
  const client = new Client({ name: "e2e", version: "1.0.0" });
  await client.connect(transport);
  return { client, transport };
}

describe("stdio, spawned by the SDK client", () => {
  it("takes a person from their files to an MP4 on disk, waiting through a long edit with get_job", async () => {
    const { client } = await connectStdio();
    try {
      const { tools } = await client.listTools();
      expect(tools).toHaveLength(9);

      const upload = (await client.callTool({ name: "upload_media", arguments: { paths: [clip] } })) as CallToolResult;
      expect(upload.structuredContent).toMatchObject({ uploaded: [{ name: "beach.mp4", type: "video" }] });

      // An edit longer than the call's wait: the call returns "running", the job goes on.
      fake.enqueueSse({
        steps: [
          { comment: "working" },
          { delayMs: 1200 },
          { mutateDraft: (draft: any) => draft.t.push({ tt: 7, sg: [{ id: "t", st: 0, d: 2000, tx: "Sunny" }] }) },
          { event: adkText("Added a title. Click the Export button when ready.") },
        ],
      });
      const progress: Progress[] = [];
      const edit = (await client.callTool(
        { name: "edit_video", arguments: { instruction: "add a title Sunny", wait_seconds: 0.5 } },
        undefined,
        { onprogress: (p) => progress.push(p) },
      )) as CallToolResult;
      const started = edit.structuredContent as { status: string; job_id: string };
      expect(started.status).toBe("running");
      expect(progress.length).toBeGreaterThan(0);

      const done = (await client.callTool({ name: "get_job", arguments: { job_id: started.job_id, wait_seconds: 20 } })) as CallToolResult;
      expect(done.structuredContent).toMatchObject({ status: "completed", suggests_export: true });

      const state = (await client.callTool({ name: "get_state", arguments: {} })) as CallToolResult;
      expect((state.structuredContent as { timeline: string }).timeline).toMatch(/Title: "Sunny"/);

      const exported = (await client.callTool({ name: "export_video", arguments: { file_name: "beach promo" } })) as CallToolResult;
      const out = exported.structuredContent as { status: string; file: string };
      expect(out.status).toBe("completed");
      expect(out.file).toBe(join(root, "out", "beach promo.mp4"));
      expect((await stat(out.file)).size).toBe(80_000);
    } finally {
      await client.close();
    }
  });

  it("exits when its host closes stdin", async () => {
    const child = spawn(process.execPath, [BIN], { env, stdio: ["pipe", "pipe", "pipe"] });
    child.stdin.write(
      `${JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } } })}\n`,
    );
    await new Promise((resolve) => child.stdout.once("data", resolve));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.stdin.end();
    const code = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve("hung"), 5000))]);
    expect(code).toBe(0);
  });

  it("writes nothing but JSON-RPC on stdout, and no token anywhere", async () => {
    const { client, transport } = await connectStdio();
    let stderr = "";
    transport.stderr?.on("data", (chunk) => (stderr += String(chunk)));
    await client.callTool({ name: "get_credits", arguments: {} });
    await client.close();
    for (const token of fake.tokens.keys()) expect(stderr).not.toContain(token);
  });
});

describe("MCP Inspector CLI", () => {
  const inspector = resolve("node_modules/@modelcontextprotocol/inspector/cli/build/cli.js");

  function runInspector(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((done) => {
      execFile(
        process.execPath,
        [inspector, "--cli", ...Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]), process.execPath, BIN, ...args],
        { env: { ...process.env, ...env }, timeout: 60_000 },
        (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
  }

  it("lists the tools of the built bin", async () => {
    const run = await runInspector(["--method", "tools/list"]);
    expect(run.code, run.stderr).toBe(0);
    const listed = JSON.parse(run.stdout) as { tools: Array<{ name: string }> };
    expect(listed.tools.map((t) => t.name)).toContain("export_video");
  });

  it("calls a tool with arguments", async () => {
    const run = await runInspector(["--method", "tools/call", "--tool-name", "get_credits"]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { structuredContent: { available: number } };
    expect(result.structuredContent.available).toBeGreaterThanOrEqual(0);
    const prompt = await runInspector(["--method", "prompts/get", "--prompt-name", "video-maker", "--prompt-args", "request=余额"]);
    expect(prompt.code, prompt.stderr).toBe(0);
    expect(prompt.stdout).toMatch(/get_credits/);
  });
});

describe("Streamable HTTP", () => {
  it("serves on loopback, answers tools, and refuses a foreign Host header", async () => {
    const { child, url } = await startHttpServer(env, BIN);
    try {
      const client = new Client({ name: "http-e2e", version: "1.0.0" });
      await client.connect(new StreamableHTTPClientTransport(new URL(url)));
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain("get_state");
      const credits = (await client.callTool({ name: "get_credits", arguments: {} })) as CallToolResult;
      expect(credits.isError).toBeFalsy();
      await client.close();

      // fetch() drops a Host header; node:http sends what we say, as a rebinding page's browser would.
      const port = new URL(url).port;
      expect(await statusWith(url, { host: `evil.example:${port}` })).toBe(403);
      expect(await statusWith(url, { origin: "http://evil.example" })).toBe(403);
      expect(await statusWith(url, {})).toBe(200);
    } finally {
      child.kill("SIGTERM");
    }
  });
});

function statusWith(url: string, headers: Record<string, string>): Promise<number> {
  const body = JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "x", version: "1" } },
  });
  return new Promise((resolveStatus, reject) => {
    const req = httpRequest(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
    });
    req.on("response", (res) => {
      res.resume();
      resolveStatus(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end(body);
  });
}
