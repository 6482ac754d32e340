import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeNemo, startFakeNemo } from "../fake-nemo/server.js";
import { startHttpServer } from "../e2e/http-server.js";
import { binEnv } from "../support/env.js";
import {
  checkOutcomes,
  checkService,
  makeDistinctMedia,
  peakRssOf,
  planCalls,
  runConcurrently,
} from "./calls.js";

/**
 * Load, part 1: 50 tool calls in flight at once through one MCP session of the built bin
 * (stdio, then Streamable HTTP), and CLI processes at once on a fresh state folder.
 * No error, no cross-talk, exactly the requests asked for, one anonymous token.
 */

const BIN = resolve("dist/cli.js");
const CALLS = 50;
const UPLOADS = Math.ceil(CALLS / 3);
/** Kept small: every process is a Node start on two shared cores (bench/load runs 20). */
const CLI_PROCESSES = 8;
let fake: FakeNemo;
let root: string;
let env: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeNemo();
  root = await mkdtemp(join(tmpdir(), "vm-load-"));
  env = binEnv({ fakeUrl: fake.url, root });
});
afterAll(async () => {
  await fake.close();
  await rm(root, { recursive: true, force: true });
});

const perBatch = { upload: UPLOADS, state: Math.ceil((CALLS - 1) / 3), credits: Math.floor(CALLS / 3) };

describe("50 concurrent tool calls through one MCP session", () => {
  it("over stdio: cold start and a shuffled warm batch, every answer its own, one token, one session", async () => {
    const [cold, warm] = await Promise.all([
      makeDistinctMedia(root, UPLOADS, "cold"),
      makeDistinctMedia(root, UPLOADS, "warm"),
    ]);
    const transport = new StdioClientTransport({ command: process.execPath, args: [BIN], env, stderr: "pipe" });
    const client = new Client({ name: "load", version: "1.0.0" });
    await client.connect(transport);
    try {
      // Cold: the token and the session do not exist yet; 50 calls race to need them.
      const first = await runConcurrently(client, planCalls(cold, CALLS));
      const sessionId = [...fake.sessions.keys()][0];
      expect(checkOutcomes(first.outcomes, { credits: 100, ...(sessionId ? { sessionId } : {}) })).toEqual([]);
      expect(
        await checkService(fake, {
          since: 0,
          uploadsSince: 0,
          files: cold,
          routes: { anonymousToken: 1, createSession: 1, upload: perBatch.upload, state: perBatch.state, credits: perBatch.credits },
        }),
      ).toEqual([]);

      // Warm, in another order: the same answers, nothing new asked of the service.
      const since = fake.requests.length;
      const second = await runConcurrently(client, planCalls(warm, CALLS, 0x5eed));
      expect(second.outcomes.map((o) => o.index).slice(0, 5)).not.toEqual([0, 1, 2, 3, 4]);
      expect(checkOutcomes(second.outcomes, { credits: 100, ...(sessionId ? { sessionId } : {}) })).toEqual([]);
      expect(
        await checkService(fake, {
          since,
          uploadsSince: UPLOADS,
          files: warm,
          routes: { upload: perBatch.upload, state: perBatch.state, credits: perBatch.credits },
        }),
      ).toEqual([]);
      expect(await peakRssOf(transport.pid!)).toBeLessThan(200 * 1024 * 1024);

      // The project now holds every file once, whatever order they went up in.
      const state = (await client.callTool({ name: "get_state", arguments: {} })) as CallToolResult;
      expect((state.structuredContent as { media: Array<{ name: string }> }).media.map((m) => m.name).sort()).toEqual(
        [...cold, ...warm].map((file) => file.slice(root.length + 1)).sort(),
      );
    } finally {
      await client.close();
    }
  });

  it("over Streamable HTTP, sharing the state folder with the stdio server before it", async () => {
    const files = await makeDistinctMedia(root, UPLOADS, "http");
    const { child, url } = await startHttpServer(env, BIN);
    try {
      const client = new Client({ name: "load-http", version: "1.0.0" });
      await client.connect(new StreamableHTTPClientTransport(new URL(url)));
      const since = fake.requests.length;
      const uploadsSince = fake.uploads.length;
      const batch = await runConcurrently(client, planCalls(files, CALLS, 7));
      await client.close();
      const sessionId = [...fake.sessions.keys()][0];
      expect(checkOutcomes(batch.outcomes, { credits: 100, ...(sessionId ? { sessionId } : {}) })).toEqual([]);
      expect(
        await checkService(fake, {
          since,
          uploadsSince,
          files,
          routes: { upload: perBatch.upload, state: perBatch.state, credits: perBatch.credits },
        }),
      ).toEqual([]);
    } finally {
      child.kill("SIGTERM");
    }
  });
});

describe("8 CLI processes at once on a fresh state folder", () => {
  it("share one anonymous token and one session, and every one succeeds", async () => {
    fake.reset();
    const home = join(root, "cli-home");
    const runCli = (args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
        const child = spawn(process.execPath, [BIN, ...args], { env: { ...env, VIDEO_MAKER_HOME: home }, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk) => (stdout += String(chunk)));
        child.stderr.on("data", (chunk) => (stderr += String(chunk)));
        child.once("exit", (code) => done({ code, stdout, stderr }));
      });
    const runs = await Promise.all(Array.from({ length: CLI_PROCESSES }, (_, i) => runCli([i % 2 ? "state" : "credits", "--json"])));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const credits = runs.filter((_, i) => i % 2 === 0).map((run) => JSON.parse(run.stdout) as { available: number });
    const states = runs.filter((_, i) => i % 2 === 1).map((run) => JSON.parse(run.stdout) as { session_id: string });
    expect(credits.every((c) => c.available === 100)).toBe(true);
    expect(new Set(states.map((s) => s.session_id)).size).toBe(1);
    expect(await checkService(fake, { since: 0, uploadsSince: 0, files: [], routes: { anonymousToken: 1, createSession: 1, credits: CLI_PROCESSES / 2, state: CLI_PROCESSES / 2 } })).toEqual([]);
  });
});
