import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { binEnv } from "../support/env.js";
import { meter, soundClip } from "../support/loudness-meter.js";

/** Loudness from the built bin: `video-maker export --loudness`, and export_video / get_job over stdio MCP. */

const BIN = resolve("dist/cli.js");
let root: string;
let quiet: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "vm-loud-e2e-"));
  // About −30 LUFS: pink noise and a tone, 3 s at 320x180.
  quiet = await soundClip(root, "quiet.mp4", -9, 3);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function envFor(name: string, backend: "local" | "nemo" = "local", extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // No fake service: the local backend never calls it, and the cloud test fails before any request.
  return { ...binEnv({ fakeUrl: "http://127.0.0.1:9", root, home: join(root, name, "home"), outDir: join(root, name, "out") }), VIDEO_MAKER_BACKEND: backend, ...extra };
}

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { env, cwd: root, timeout: 90_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe("video-maker export --loudness", () => {
  it("delivers at the asked target and says the loudness measured and delivered; the configured target otherwise", async () => {
    const env = envFor("cli");
    const ops = join(root, "ops.json");
    await writeFile(ops, JSON.stringify([{ op: "add_clip", media: quiet }, { op: "set_format", resolution: 180, fps: 15 }]));
    expect((await cli(["apply", ops], env)).code).toBe(0);

    const custom = await cli(["export", "--loudness", "-20", "--name", "custom"], env);
    expect(custom.code).toBe(0);
    const lines = custom.stdout.trim().split("\n");
    const file = lines.at(-1)!;
    expect(file).toBe(join(root, "cli", "out", "custom.mp4"));
    expect(lines.at(-2)).toMatch(/^Loudness: measured -3\d\.\d LUFS, true peak -\d+\.\d dBTP, gain \+\d+\.\d dB; delivered -(19|20|21)\.\d LUFS, true peak -\d+\.\d dBTP \(target -20 LUFS, peaks at most -1 dBTP\)\.$/);
    expect(Math.abs((await meter(file)).lufs - -20)).toBeLessThanOrEqual(1);

    // VIDEO_MAKER_LOUDNESS is the default for every export; --json carries the same report.
    const configured = await cli(["export", "--name", "configured", "--json"], { ...env, VIDEO_MAKER_LOUDNESS: "-16" });
    expect(configured.code).toBe(0);
    const json = JSON.parse(configured.stdout) as { file: string; loudness: { target: number; delivered: { lufs: number } } };
    expect(json.loudness).toMatchObject({ target: -16, outcome: "normalised" });
    expect(Math.abs((await meter(json.file)).lufs - -16)).toBeLessThanOrEqual(1);

    const job = await cli(["job", (JSON.parse(configured.stdout) as { job_id: string }).job_id], env);
    expect(job.stdout).toMatch(/Loudness: measured .* \(target -16 LUFS/);

    const off = await cli(["export", "--loudness", "off", "--name", "off"], env);
    expect(off.stdout).toMatch(/^Loudness: not normalised \(off\)\.$/m);
    expect(Math.abs((await meter(join(root, "cli", "out", "off.mp4"))).lufs - (await meter(quiet)).lufs)).toBeLessThanOrEqual(0.5);
  }, 180_000);

  it("refuses a target out of range, or not a number, with the range; and a bad VIDEO_MAKER_LOUDNESS as a configuration error", async () => {
    const env = envFor("bad");
    for (const value of ["5", "-100", "abc"]) {
      const run = await cli(["export", "--loudness", value], env);
      expect(run.code).toBe(3);
      expect(run.stderr).toContain(`Error: --loudness must be a target from -40 to -5 LUFS`);
      expect(run.stderr).toContain(`not "${value}"`);
    }
    const config = await cli(["export"], { ...env, VIDEO_MAKER_LOUDNESS: "loud" });
    expect(config.code).toBe(4);
    expect(config.stderr).toMatch(/VIDEO_MAKER_LOUDNESS must be a target from -40 to -5 LUFS/);
  });

  it("is offered by the local export's help only; the cloud refuses the flag", async () => {
    expect((await cli(["export", "--help"], envFor("help"))).stdout).toMatch(/--loudness/);
    const cloudHelp = await cli(["export", "--help"], envFor("help", "nemo"));
    expect(cloudHelp.stdout).not.toMatch(/loudness|LUFS/i);
    const cloud = await cli(["export", "--loudness", "-14"], envFor("help", "nemo"));
    expect(cloud.code).toBe(3);
    expect(cloud.stderr).toMatch(/--loudness is for renders on this computer/);
  });
});

describe("export_video over stdio MCP", () => {
  it("takes loudness, answers with what it measured and delivered (text and structured), and get_job says the same", async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: [BIN], env: envFor("mcp") as Record<string, string>, stderr: "pipe" });
    const client = new Client({ name: "e2e", version: "1.0.0" });
    await client.connect(transport);
    try {
      const applied = (await client.callTool({ name: "apply_edits", arguments: { ops: [{ op: "add_clip", media: quiet }, { op: "set_format", resolution: 180, fps: 15 }] } })) as CallToolResult;
      expect(applied.isError).toBeFalsy();
      const bad = (await client.callTool({ name: "export_video", arguments: { loudness: 5 } })) as CallToolResult;
      expect(bad.isError).toBe(true);
      expect(JSON.stringify(bad.content)).toMatch(/loudness must be a target from -40 to -5 LUFS/);

      const done = (await client.callTool({ name: "export_video", arguments: { file_name: "mcp", loudness: -23, wait_seconds: 55 } })) as CallToolResult;
      expect(done.isError, JSON.stringify(done.content)).toBeFalsy();
      const out = done.structuredContent as { status: string; file: string; job_id: string; loudness: { target: number; gain: number; measured: { lufs: number }; delivered: { lufs: number; dbtp: number } } };
      expect(out.status).toBe("completed");
      expect(out.loudness).toMatchObject({ target: -23, ceiling: -1, outcome: "normalised" });
      const text = (done.content as Array<{ type: string; text?: string }>).find((c) => c.type === "text")!.text!;
      expect(text).toContain(`delivered ${out.loudness.delivered.lufs.toFixed(1)} LUFS`);
      const measured = await meter(out.file);
      expect(Math.abs(measured.lufs - -23)).toBeLessThanOrEqual(1);
      expect(measured.dbtp).toBeLessThanOrEqual(-1);

      const job = (await client.callTool({ name: "get_job", arguments: { job_id: out.job_id } })) as CallToolResult;
      expect(job.structuredContent).toMatchObject({ status: "completed", loudness: out.loudness });
    } finally {
      await client.close();
    }
  }, 120_000);
});
