import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeNemo, startFakeNemo } from "../fake-nemo/server.js";
import { makeVideo } from "../integration/media-fixtures.js";
import { binEnv } from "../support/env.js";
import { BIN, runCli, type Run, walk } from "./harness.js";

/**
 * No token in any output, log, error, MCP message, URL or state file but the one token store.
 * A broad scenario runs with sentinel secrets (the fake's anonymous tokens, a NEMO_TOKEN of a
 * shape no pattern knows, the claim tokens) and the debug trace on, every byte anything
 * printed, sent or wrote is kept, and at the end all of it is searched for every secret.
 */

/** A person's own token, deliberately unlike `nmv_usr_…`: only exact-value redaction can hide it. */
const USER_TOKEN = "SentinelUserTok-3f9c1a7e5b2d4068";

interface Captured {
  where: string;
  text: string;
}

const captured: Captured[] = [];
let fake: FakeNemo;
let root: string;
let clip: string;
let anonHome: string;
let userHome: string;

function keep(where: string, text: string): void {
  captured.push({ where, text });
}

function keepRun(prefix: string, run: Run): Run {
  keep(`${prefix} \`${run.args.join(" ")}\` stdout`, run.stdout);
  keep(`${prefix} \`${run.args.join(" ")}\` stderr`, run.stderr);
  return run;
}

/** With the debug trace on: everything a person could be asked to paste into a bug report is searched too. */
function envFor(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return binEnv({ fakeUrl: fake.url, root, home }, { VIDEO_MAKER_DEBUG: "1", ...extra });
}

beforeAll(async () => {
  fake = await startFakeNemo({ render: { fileBytes: 20_000 } });
  root = await mkdtemp(join(tmpdir(), "vm-sec-leak-"));
  clip = await makeVideo(root, "clip.mp4");
  anonHome = join(root, "anon-home");
  userHome = join(root, "user-home");
  fake.issueToken({ token: USER_TOKEN, credits: 1000 });
});
afterAll(async () => {
  await fake.close();
  await rm(root, { recursive: true, force: true });
});

/** The anonymous token the CLI holds right now (the one it stored). */
async function storedToken(home: string): Promise<string> {
  return (JSON.parse(await readFile(join(home, "nemo", "auth.json"), "utf8")) as { token: string }).token;
}

/**
 * The ordinary work runs side by side with the other scenario; the returned second part (the
 * service echoing and expiring this scenario's token) runs alone, so no other process takes
 * the fault meant for this one.
 */
async function cliScenario(name: string, home: string, extra: Record<string, string>): Promise<() => Promise<void>> {
  const env = envFor(home, extra);
  const cli = async (args: string[]) => keepRun(name, await runCli(args, { env, cwd: root }));
  const ok = (run: Run) => expect(run.code, `${run.args.join(" ")}: ${run.stderr}`).toBe(0);

  ok(await cli(["upload", "--json", clip]));
  await cli(["upload", join(root, "missing.mp4"), "--url", "ftp://example.com/a.mp4"]);
  ok(await cli(["edit", "add a title"]));
  ok(await cli(["state", "--json"]));
  const exported = await cli(["export", "--name", `${name}-a`]);
  ok(exported);
  const jobId = /job (export_[0-9a-f]+) started/.exec(exported.stderr)?.[1];
  expect(jobId, exported.stderr).toBeTruthy();
  ok(await cli(["job", "--json", jobId!]));
  await cli(["job", "export_000000000000"]);
  ok(await cli(["claim"]));
  await cli(["doctor", "--json"]);
  return () => cliFaults(name, home, extra);
}

async function cliFaults(name: string, home: string, extra: Record<string, string>): Promise<void> {
  const env = envFor(home, extra);
  const cli = async (args: string[]) => keepRun(name, await runCli(args, { env, cwd: root }));

  // The service echoes the token back in its error bodies (some gateways do): JSON and HTML.
  const token = extra.NEMO_TOKEN ?? (await storedToken(home));
  fake.failNext("credits", { code: 500, message: `internal error for Bearer ${token} (token=${token}; key ${token})` });
  await cli(["credits"]);
  fake.failNext("credits", { rawBody: `<html><body>502 bad gateway: Authorization: Bearer ${token}</body></html>`, httpStatus: 502 });
  await cli(["credits", "--json"]);

  // A token that stops working: an anonymous one is renewed, a person's own one is reported.
  fake.expireToken(token);
  await cli(["credits"]);
  await cli(["export", "--json", "--name", `${name}-after-expiry`]);
}

interface McpCapture {
  client: Client;
  stderr: () => string;
}

async function connect(home: string, extra: Record<string, string>, label: string): Promise<McpCapture> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN],
    env: envFor(home, extra),
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk) => (stderr += String(chunk)));
  const client = new Client({ name: "leak-test", version: "1.0.0" });
  await client.connect(transport);
  // Every JSON-RPC message the server wrote on stdout: results, errors, every notification.
  const deliver = transport.onmessage;
  transport.onmessage = (message) => {
    keep(`${label} stdout message`, JSON.stringify(message));
    deliver?.(message);
  };
  return { client, stderr: () => stderr };
}

/** Like cliScenario: ordinary work side by side, then a second part (faults) that runs alone. */
async function mcpScenario(label: string, home: string, extra: Record<string, string>): Promise<() => Promise<void>> {
  const { client, stderr } = await connect(home, extra, label);
  const close = async () => {
    await client.close();
    keep(`${label} stderr`, stderr());
  };
  const call = async (name: string, args: Record<string, unknown> = {}) => {
    const progress: unknown[] = [];
    const result = (await client.callTool({ name, arguments: args }, undefined, { onprogress: (p) => progress.push(p) })) as CallToolResult;
    keep(`${label} ${name} result`, JSON.stringify(result));
    keep(`${label} ${name} progress`, JSON.stringify(progress));
    return result;
  };
  try {
    await client.setLoggingLevel("debug");
    keep(`${label} tools/list`, JSON.stringify(await client.listTools()));
    keep(`${label} prompts/list`, JSON.stringify(await client.listPrompts()));
    keep(`${label} prompt`, JSON.stringify(await client.getPrompt({ name: "video-maker", arguments: { request: "余额" } })));
    expect((await call("get_credits")).isError).toBeFalsy();
    expect((await call("upload_media", { paths: [clip, join(root, "nope.mp4")], urls: ["file:///etc/passwd"] })).isError).toBeFalsy();
    const edit = await call("edit_video", { instruction: "add a title", wait_seconds: 20 });
    expect(edit.isError, JSON.stringify(edit)).toBeFalsy();
    await call("get_state");
    keep(`${label} resources/list`, JSON.stringify(await client.listResources()));
    for (const uri of ["video-maker://timeline", "video-maker://draft"]) keep(`${label} ${uri}`, JSON.stringify(await client.readResource({ uri })));
    const exported = await call("export_video", { file_name: `${label}-mcp`, wait_seconds: 20 });
    const jobId = (exported.structuredContent as { job_id: string }).job_id;
    await call("get_job", { job_id: jobId });
    await call("cancel_job", { job_id: jobId });
    await call("get_job", { job_id: "export_000000000000" });
    await call("export_video", { file_name: "../escape" });
  } catch (error) {
    await close();
    throw error;
  }
  return async () => {
    try {
      const token = extra.NEMO_TOKEN ?? (await storedToken(home));
      fake.failNext("credits", { code: 500, message: `internal error for ${token}` });
      await call("get_credits");
      fake.expireToken(token);
      await call("get_credits");
      await call("new_session", { language: "en" });
    } finally {
      await close();
    }
  };
}

function occurrences(text: string, secret: string): number {
  return text.split(secret).length - 1;
}

describe("no token anywhere", () => {
  it(
    "runs the CLI (every command, text and --json, failing ones too) and the MCP server over stdio, then finds no secret in anything captured",
    async () => {
      // Separate state folders, so the two CLI scenarios run side by side.
      const cliFaultParts = await Promise.all([
        cliScenario("anon", anonHome, {}),
        cliScenario("user", userHome, { NEMO_TOKEN: USER_TOKEN }),
      ]);
      for (const faults of cliFaultParts) await faults();
      fake.issueToken({ token: `${USER_TOKEN}-mcp`, credits: 1000 });
      const mcpFaultParts = await Promise.all([
        mcpScenario("mcp-anon", join(root, "mcp-anon-home"), {}),
        mcpScenario("mcp-user", join(root, "mcp-user-home"), { NEMO_TOKEN: `${USER_TOKEN}-mcp` }),
      ]);
      for (const faults of mcpFaultParts) await faults();
      keep("--help", (await runCli(["--help"], { env: envFor(anonHome) })).stdout);

      // What the fake received: no token in any URL, no Authorization off the API (the CDN /files route).
      for (const request of fake.requests) keep(`request URL ${request.method}`, request.path);
      const cdn = fake.requests.filter((r) => r.route === "fileDownload");
      expect(cdn.length).toBeGreaterThan(0);
      for (const request of cdn) expect(request.headers["authorization"], request.path).toBeUndefined();
      for (const request of fake.requests) expect(request.path).not.toMatch(/[?&](token|access_token|auth|authorization)=/i);

      // Every file the runs left: state folders and outputs. Only nemo/auth.json may hold a token.
      const holders = new Map<string, string>();
      for (const entry of await walk(root)) {
        if (entry.kind !== "file") continue;
        const text = (await readFile(entry.path)).toString("latin1");
        const where = relative(root, entry.path);
        holders.set(where, text);
      }

      const anonymousTokens = [...fake.tokens.keys()].filter((t) => t.startsWith("nmv_usr_"));
      const userTokens = [USER_TOKEN, `${USER_TOKEN}-mcp`];
      expect(anonymousTokens.length).toBeGreaterThanOrEqual(4); // two homes, each renewed once after expiry
      const secrets = [...anonymousTokens, ...userTokens];

      const leaks: string[] = [];
      for (const { where, text } of captured) {
        for (const secret of secrets) if (text.includes(secret)) leaks.push(`${where}: ${secret.slice(0, 12)}…`);
      }
      const tokenFiles = new Map<string, string[]>();
      for (const [where, text] of holders) {
        for (const secret of secrets) {
          if (!text.includes(secret)) continue;
          tokenFiles.set(secret, [...(tokenFiles.get(secret) ?? []), where]);
        }
      }
      expect(leaks).toEqual([]);
      // The trace really ran, in the CLI and the MCP server, through renewals and service errors.
      const traced = captured.filter(({ text }) => /^video-maker debug: /m.test(text)).map(({ where }) => where);
      expect(traced.some((where) => where.startsWith("anon ") && where.endsWith("stderr"))).toBe(true);
      expect(traced).toContain("mcp-user stderr");
      expect(captured.some(({ text }) => /^video-maker debug: renewing the token/m.test(text))).toBe(true);
      // Nor a stack trace: people get messages, not frames.
      const stacks = captured.filter(({ text }) => /^\s+at .+:\d+:\d+\)?$/m.test(text)).map((c) => c.where);
      expect(stacks).toEqual([]);
      // A person's own token is never written down; an anonymous one lives in exactly one file.
      for (const secret of userTokens) expect(tokenFiles.get(secret), secret).toBeUndefined();
      for (const [secret, files] of tokenFiles) {
        expect(files, secret.slice(0, 12)).toHaveLength(1);
        expect(files[0]).toMatch(/-home\/nemo\/auth\.json$/);
        expect(occurrences(holders.get(files[0]!)!, secret)).toBe(1);
      }

      // Claim tokens go into the claim link the person opens, and nowhere else.
      const claimTokens = new Set<string>();
      for (const { text } of captured) for (const match of text.matchAll(/clm_[0-9a-f]+/g)) claimTokens.add(match[0]);
      expect(claimTokens.size).toBeGreaterThanOrEqual(2);
      for (const claim of claimTokens) {
        for (const { where, text } of captured) {
          const outside = text.split(`/workspace/claim?ct=${claim}`).join("");
          expect(outside.includes(claim), `${where} holds a claim token outside its link`).toBe(false);
        }
        for (const [where, text] of holders) expect(text.includes(claim), `${where} stores a claim token`).toBe(false);
      }

      // The captured text is real: it saw the work happen, so an empty capture cannot pass.
      const all = captured.map((c) => c.text).join("\n");
      expect(all).toContain("Timeline (");
      expect(all).toMatch(/notifications\/progress/);
      expect(all).toMatch(/NemoVideo rejected the token in NEMO_TOKEN/);
      expect(captured.length).toBeGreaterThan(100);
    },
    240_000,
  );
});
