import { execFile, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { z } from "zod";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DraftSchema } from "../../src/core/draft.js";
import { JobFileSchema } from "../../src/core/jobs.js";
import { MediaFileSchema, SessionRecordSchema as LocalSessionSchema } from "../../src/local/workspace.js";
import { AuthFileSchema } from "../../src/nemo/auth.js";
import { SessionRecordSchema } from "../../src/nemo/session.js";
import { adkText, expectedRenderBytes, type FakeNemo, startFakeNemo } from "../fake-nemo/server.js";
import { makeVideo } from "../integration/media-fixtures.js";
import { binEnv } from "../support/env.js";

/**
 * Restart safety with real processes: the built bin is killed with SIGKILL in the middle of
 * an export, a download, an edit and a local render, then started again. Every state file is
 * checked after every kill, and the output folder is watched the whole time for a partial
 * file under a final name. Figures go to docs/restart-safety.md.
 */

const BIN = resolve("dist/cli.js");
const FILE_BYTES = 120_000;
let fake: FakeNemo;
let root: string;
let clip: string;
const tally = { kills: 0, stateFilesChecked: 0, outputSamples: 0, processes: 0 };

beforeAll(async () => {
  fake = await startFakeNemo({ render: { fileBytes: FILE_BYTES } });
  root = await mkdtemp(join(tmpdir(), "vm-restart-"));
  clip = await makeVideo(root, "beach.mp4");
});
beforeEach(() => fake.reset());
afterAll(async () => {
  await fake.close();
  await rm(root, { recursive: true, force: true });
  process.stdout.write(`restart-safety figures: ${JSON.stringify(tally)}\n`);
});

// --- helpers ------------------------------------------------------------------------------

interface Space {
  home: string;
  out: string;
  env: Record<string, string>;
}

let spaces = 0;
async function space(extra: Record<string, string> = {}): Promise<Space> {
  const dir = join(root, `space-${++spaces}`);
  await mkdir(dir);
  const home = join(dir, "home");
  const out = join(dir, "out");
  return {
    home,
    out,
    env: binEnv({ fakeUrl: fake.url, root: dir, home, outDir: out }, extra),
  };
}

interface Server {
  client: Client;
  pid: number;
  closed: Promise<void>;
}

async function startServer(sp: Space): Promise<Server> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [BIN], env: sp.env, stderr: "pipe" });
  const client = new Client({ name: "restart-test", version: "1.0.0" });
  const closed = new Promise<void>((done) => (client.onclose = () => done()));
  await client.connect(transport);
  tally.processes++;
  return { client, pid: transport.pid!, closed };
}

/** SIGKILL, then wait until the process is gone (reaped, so its pid is free). */
async function kill9(server: Server): Promise<void> {
  process.kill(server.pid, "SIGKILL");
  tally.kills++;
  await server.closed;
  await waitFor(() => !alive(server.pid), 5000, "the killed server to disappear");
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<any> {
  const result = (await client.callTool({ name, arguments: args }, undefined, { timeout: 60_000 })) as CallToolResult;
  const text = result.content.map((block) => (block.type === "text" ? block.text : "")).join("\n");
  if (result.isError) throw new Error(`${name} failed: ${text}`);
  return { ...(result.structuredContent as object), text };
}

async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 10));
  }
}

function readJob(sp: Space, id: string): z.infer<typeof JobFileSchema> | undefined {
  try {
    return JobFileSchema.parse(JSON.parse(readFileSync(join(sp.home, "jobs", `${id}.json`), "utf8")));
  } catch {
    return undefined;
  }
}

/** The schema each state file must satisfy, by its place under VIDEO_MAKER_HOME. */
const SCHEMAS: Array<[RegExp, z.ZodType]> = [
  [/^jobs\/[a-z]+_[0-9a-f]{12}\.json$/, JobFileSchema],
  [/^nemo\/auth\.json$/, AuthFileSchema],
  [/^sessions\/nemo\.json$/, SessionRecordSchema],
  [/^local\/session\.json$/, LocalSessionSchema],
  [/^local\/sessions\/[^/]+\/draft\.json$/, DraftSchema],
  // The timelines kept for undo and repair (src/local/draft-history.ts): each a plain draft.
  [/^local\/sessions\/[^/]+\/history\/draft-\d+\.json$/, DraftSchema],
  [/^local\/sessions\/[^/]+\/media\.json$/, MediaFileSchema],
];

/**
 * Every file under the home: a known JSON state file that parses and validates, mode 0600,
 * in 0700 folders. Left-over temporary and lock files are returned for the caller to judge.
 */
async function checkHome(home: string): Promise<{ checked: number; leftovers: string[] }> {
  let checked = 0;
  const leftovers: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    expect((await stat(dir)).mode & 0o777, `mode of ${dir}`).toBe(0o700);
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        await walk(path);
        continue;
      }
      const name = relative(home, path);
      expect((await stat(path)).mode & 0o777, `mode of ${name}`).toBe(0o600);
      if (!name.endsWith(".json")) {
        leftovers.push(name);
        continue;
      }
      const schema = SCHEMAS.find(([pattern]) => pattern.test(name))?.[1];
      expect(schema, `a schema for ${name}`).toBeDefined();
      const parsed = schema!.safeParse(JSON.parse(await readFile(path, "utf8")));
      expect(parsed.success, `${name} validates`).toBe(true);
      checked++;
    }
  };
  await walk(home);
  tally.stateFilesChecked += checked;
  return { checked, leftovers };
}

/**
 * Watches the output folder until stopped, recording every size seen under each final (not
 * hidden) name; hidden `.…part` names are downloads and renders in progress.
 */
function watchOutput(dir: string) {
  const sizes = new Map<string, Set<number>>();
  const seenParts = new Set<string>();
  let samples = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      let names: string[] = [];
      try {
        names = await readdir(dir);
      } catch {
        // Not created yet.
      }
      for (const name of names) {
        if (name.startsWith(".")) {
          seenParts.add(name);
          continue;
        }
        try {
          const size = (await stat(join(dir, name))).size;
          sizes.set(name, (sizes.get(name) ?? new Set()).add(size));
        } catch {
          // Gone between readdir and stat.
        }
      }
      samples++;
      await new Promise((done) => setTimeout(done, 5));
    }
  })();
  return {
    seenParts,
    /** Stops watching; returns every final name that was ever seen with a size other than its last. */
    stop: async (): Promise<{ samples: number; partialSightings: string[] }> => {
      stopped = true;
      await loop;
      tally.outputSamples += samples;
      const partialSightings: string[] = [];
      for (const [name, seen] of sizes) {
        const final = (await stat(join(dir, name))).size;
        for (const size of seen) if (size !== final) partialSightings.push(`${name} at ${size} of ${final} bytes`);
      }
      return { samples, partialSightings };
    },
  };
}

/** The size of the `.…part` file being written in `dir` (0 when there is none). */
async function partSize(dir: string): Promise<number> {
  try {
    for (const name of await readdir(dir)) {
      if (name.startsWith(".") && name.endsWith(".part")) return (await stat(join(dir, name))).size;
    }
  } catch {
    // Not there yet, or gone between readdir and stat.
  }
  return 0;
}

/** The name of the `.…part` file being written in `dir`, when there is one with some bytes. */
async function partInProgress(dir: string): Promise<string | undefined> {
  try {
    for (const name of await readdir(dir)) {
      if (name.startsWith(".") && name.endsWith(".part") && (await stat(join(dir, name))).size > 0) return name;
    }
  } catch {
    // Not there yet.
  }
  return undefined;
}

function runCli(sp: Space, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  tally.processes++;
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { env: sp.env, timeout: 60_000 }, (error, stdout, stderr) =>
      done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const requestsTo = (route: string, since = 0) => fake.requests.filter((r) => r.route === route && r.at >= since).length;

/** Uploads the clip and starts an export through a server, returning the job id. */
async function startExport(server: Server, fileName: string): Promise<string> {
  await call(server.client, "upload_media", { paths: [clip] });
  const started = await call(server.client, "export_video", { file_name: fileName, wait_seconds: 0 });
  expect(started.status).toBe("running");
  return started.job_id as string;
}

/**
 * Starts an export and kills the server once the service holds the render (the checkpoint is
 * written before the start request; a kill before it is covered in nemo-render.test.ts).
 */
async function exportKilledMidRender(sp: Space, fileName: string): Promise<{ jobId: string; renderId: string }> {
  fake.options.render.pollsToComplete = 3;
  const first = await startServer(sp);
  const jobId = await startExport(first, fileName);
  const checkpoint = await waitFor(() => readJob(sp, jobId)?.checkpoint, 10_000, "the render checkpoint");
  await waitFor(() => fake.renders.get(checkpoint.render_id), 10_000, "the service to accept the render");
  await kill9(first);
  return { jobId, renderId: checkpoint.render_id };
}

async function expectRenderedFile(path: string, renderId: string): Promise<void> {
  const bytes = await readFile(path);
  expect(bytes.length).toBe(FILE_BYTES);
  expect(bytes.equals(expectedRenderBytes(renderId, FILE_BYTES))).toBe(true);
}

// --- 1. export --------------------------------------------------------------------------

describe("kill -9 during an export (cloud backend)", () => {
  it("mid-render: the restarted server resumes polling the same render and downloads it", async () => {
    const sp = await space();
    const watch = watchOutput(sp.out);
    const { jobId, renderId } = await exportKilledMidRender(sp, "promo");
    expect(fake.renders.get(renderId)?.status).not.toBe("completed");
    expect((await checkHome(sp.home)).checked).toBeGreaterThanOrEqual(3);

    const second = await startServer(sp);
    const done = await call(second.client, "get_job", { job_id: jobId, wait_seconds: 30 });
    expect(done).toMatchObject({ status: "completed", kind: "export", file: join(sp.out, "promo.mp4") });
    expect(done.text).toContain(join(sp.out, "promo.mp4"));
    await expectRenderedFile(done.file, renderId);
    expect(requestsTo("renderStart")).toBe(1);
    await second.client.close();

    const watched = await watch.stop();
    expect(watched.samples).toBeGreaterThan(20);
    expect(watched.partialSightings).toEqual([]);
    expect(await readdir(sp.out)).toEqual(["promo.mp4"]);
    expect((await checkHome(sp.home)).leftovers).toEqual([]);
  });

  it("mid-download, twice: each restart asks only for the rest, and only the complete file gets the name", async () => {
    fake.options.render.trickleBytesPerSecond = 60_000; // 120 kB in about 2 s
    const sp = await space();
    const watch = watchOutput(sp.out);
    let server = await startServer(sp);
    const jobId = await startExport(server, "trickle");
    const heldAtKill: number[] = [];
    for (let kill = 1; kill <= 2; kill++) {
      await waitFor(() => requestsTo("fileDownload") >= kill, 15_000, `download ${kill} to start`);
      // Some trickled chunks written beyond what the killed server left.
      const before = heldAtKill.at(-1) ?? 0;
      await waitFor(async () => (await partSize(sp.out)) > before, 15_000, `download ${kill} to write`);
      await kill9(server);
      heldAtKill.push(await partSize(sp.out));
      await checkHome(sp.home);
      server = await startServer(sp);
    }
    fake.options.render.trickleBytesPerSecond = 600_000;
    const done = await call(server.client, "get_job", { job_id: jobId, wait_seconds: 30 });
    expect(done).toMatchObject({ status: "completed", file: join(sp.out, "trickle.mp4") });
    await expectRenderedFile(done.file, readJob(sp, jobId)!.checkpoint!.render_id);
    expect(requestsTo("renderStart")).toBe(1);
    // Each restarted server asked for the rest of exactly what the killed one had written.
    const ranges = fake.requests.filter((r) => r.route === "fileDownload").map((r) => r.headers["range"]);
    expect(ranges).toEqual([undefined, `bytes=${heldAtKill[0]}-`, `bytes=${heldAtKill[1]}-`]);
    expect(heldAtKill[1]).toBeGreaterThan(heldAtKill[0]!);
    await server.client.close();

    expect((await watch.stop()).partialSightings).toEqual([]);
    expect(watch.seenParts.size).toBeGreaterThan(0);
    // No temporary file is left by the killed downloads or the last one.
    expect(await readdir(sp.out)).toEqual(["trickle.mp4"]);
    expect((await checkHome(sp.home)).leftovers).toEqual([]);
  });

  it("a dead server whose pid another process got: the restarted server still resumes its render", async () => {
    const sp = await space();
    const { jobId } = await exportKilledMidRender(sp, "reused");
    // The kernel gives the dead server's pid to an unrelated process; pids cannot be chosen, so
    // the job file is pointed at a live stranger, keeping the killed server's start time.
    const stranger = spawn("sleep", ["60"]);
    await new Promise((done) => stranger.once("spawn", done));
    try {
      const path = join(sp.home, "jobs", `${jobId}.json`);
      const record = JSON.parse(readFileSync(path, "utf8")) as { owner_pid: number; owner_started?: string };
      expect(record.owner_started).toMatch(/^\d+$/);
      record.owner_pid = stranger.pid!;
      await writeFile(path, JSON.stringify(record));
      const second = await startServer(sp);
      const done = await call(second.client, "get_job", { job_id: jobId, wait_seconds: 20 });
      expect(done).toMatchObject({ status: "completed", file: join(sp.out, "reused.mp4") });
      await second.client.close();
    } finally {
      stranger.kill();
    }
  });

  it("a dead server's render is taken over by exactly one of two processes starting at once", async () => {
    const sp = await space();
    const { jobId } = await exportKilledMidRender(sp, "race");

    // The restarted MCP server and two CLIs asked about the job race to resume it.
    const [server, ...clis] = await Promise.all([startServer(sp), runCli(sp, ["job", jobId, "--wait"]), runCli(sp, ["job", jobId, "--wait"])]);
    const done = await call(server.client, "get_job", { job_id: jobId, wait_seconds: 30 });
    await server.client.close();
    for (const cli of clis) {
      expect(cli.code, cli.stderr).toBe(0);
      expect(cli.stdout.trim().split("\n").at(-1)).toBe(join(sp.out, "race.mp4"));
    }
    expect(done).toMatchObject({ status: "completed", file: join(sp.out, "race.mp4") });
    expect(requestsTo("fileDownload")).toBe(1);
    expect(await readdir(sp.out)).toEqual(["race.mp4"]);
    await checkHome(sp.home);
  });
});

// --- 2. edit --------------------------------------------------------------------------------

describe("kill -9 during an edit (SSE in progress)", () => {
  it("reports the edit as interrupted with the timeline read after the restart, and resends nothing", async () => {
    const sp = await space();
    const first = await startServer(sp);
    await call(first.client, "upload_media", { paths: [clip] });
    fake.enqueueSse({
      steps: [
        { comment: "working" },
        { mutateDraft: (draft: any) => draft.t.push({ tt: 7, sg: [{ id: "t1", st: 0, d: 3000, tx: "Grand Opening" }] }) },
        { event: adkText("Adding the title", { partial: true }) },
        { delayMs: 20_000 },
        { event: adkText("Added the title.") },
      ],
    });
    const started = await call(first.client, "edit_video", { instruction: "add the title Grand Opening", wait_seconds: 0 });
    expect(started.status).toBe("running");
    await waitFor(() => [...fake.sessions.values()].some((s) => JSON.stringify(s.draft).includes("Grand Opening")), 10_000, "the agent to change the draft");
    await kill9(first);
    await checkHome(sp.home);
    const killedAt = Date.now();

    const second = await startServer(sp);
    const job = await call(second.client, "get_job", { job_id: started.job_id, wait_seconds: 5 });
    expect(job.status).toBe("interrupted");
    expect(job.timeline).toBe('Timeline (2 tracks): 1. Video: beach.mp4 (0-10s) 2. Title: "Grand Opening" (0-3s)');
    expect(job.reply).toMatch(/may or may not have been applied/);
    expect(job.reply).toMatch(/not resent/i);
    expect(job.reply).toMatch(/before sending it again/);
    expect(job.text).toContain(job.timeline);
    // The state was read after the restart, and the instruction was sent exactly once.
    expect(requestsTo("state", killedAt)).toBeGreaterThanOrEqual(1);
    expect(requestsTo("runSse")).toBe(1);
    const state = await call(second.client, "get_state");
    expect(state.timeline).toBe(job.timeline);
    await second.client.close();
    expect(requestsTo("runSse")).toBe(1);
    expect((await checkHome(sp.home)).leftovers).toEqual([]);
  });
});

// --- 4. concurrency -------------------------------------------------------------------------

describe("several processes on one VIDEO_MAKER_HOME", () => {
  it("10 CLIs at once on a fresh home share one anonymous token and one session", async () => {
    const sp = await space();
    // All ten need the token; the five `state` runs also need the session.
    const runs = await Promise.all(Array.from({ length: 10 }, (_, i) => runCli(sp, [i % 2 ? "credits" : "state", "--json"])));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    expect(requestsTo("anonymousToken")).toBe(1);
    expect(fake.tokens.size).toBe(1);
    expect(requestsTo("createSession")).toBe(1);
    const ids = new Set(runs.filter((_, i) => i % 2 === 0).map((run) => JSON.parse(run.stdout).session_id as string));
    expect(ids.size).toBe(1);
    for (const run of runs.filter((_, i) => i % 2 === 1)) expect(JSON.parse(run.stdout).available).toBe(100);
    expect((await checkHome(sp.home)).leftovers).toEqual([]);
  });

  it("a CLI killed while it holds the token lock: 10 CLIs after it break the stale lock once and share one new token", async () => {
    const sp = await space();
    fake.options.latencyMs = 3000;
    const { spawn } = await import("node:child_process");
    const victim = spawn(process.execPath, [BIN, "credits"], { env: sp.env, stdio: "ignore" });
    const exited = new Promise((done) => victim.once("exit", done));
    const lock = join(sp.home, "nemo", "auth.json.lock");
    await waitFor(() => requestsTo("anonymousToken") === 1 && stat(lock).then(() => true, () => false), 10_000, "the token request under the lock");
    victim.kill("SIGKILL");
    tally.kills++;
    await exited;
    fake.options.latencyMs = 0;
    await checkHome(sp.home);
    const since = Date.now();

    const runs = await Promise.all(Array.from({ length: 10 }, () => runCli(sp, ["credits", "--json"])));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    // One of the ten fetches the token (two requests if the dead CLI's client id got one meanwhile: a 429, then a new id).
    expect(requestsTo("anonymousToken", since)).toBeLessThanOrEqual(2);
    expect(new Set(fake.requests.filter((r) => r.route === "credits" && r.at >= since).map((r) => r.headers["authorization"])).size).toBe(1);
    const auth = AuthFileSchema.parse(JSON.parse(await readFile(join(sp.home, "nemo", "auth.json"), "utf8")));
    expect(fake.tokens.get(auth.token!)?.revoked).toBe(false);
    expect((await checkHome(sp.home)).leftovers).toEqual([]);
  });

  it("the CLI and the MCP server working at the same time agree on the session and keep every file intact", async () => {
    fake.options.render.pollsToComplete = 3;
    const sp = await space();
    const server = await startServer(sp);
    const jobId = await startExport(server, "from-mcp");
    const [upload, state, credits, edit, exported] = await Promise.all([
      runCli(sp, ["upload", clip, "--json"]),
      runCli(sp, ["state", "--json"]),
      runCli(sp, ["credits", "--json"]),
      runCli(sp, ["edit", "add a title", "--json"]),
      runCli(sp, ["export", "--name", "from-cli", "--json"]),
    ]);
    for (const run of [upload, state, credits, edit, exported]) expect(run.code, run.stderr).toBe(0);
    const mcpState = await call(server.client, "get_state");
    expect(JSON.parse(state.stdout).session_id).toBe(mcpState.session_id);
    expect(new Set([...fake.sessions.keys()])).toEqual(new Set([mcpState.session_id]));
    expect(fake.tokens.size).toBe(1);
    const done = await call(server.client, "get_job", { job_id: jobId, wait_seconds: 30 });
    expect(done.status).toBe("completed");
    expect(JSON.parse(exported.stdout).file).toBe(join(sp.out, "from-cli.mp4"));
    expect((await readdir(sp.out)).sort()).toEqual(["from-cli.mp4", "from-mcp.mp4"]);

    // A project started from the CLI is the one the running server edits next.
    const fresh = JSON.parse((await runCli(sp, ["new", "--json"])).stdout).session_id as string;
    expect((await call(server.client, "get_state")).session_id).toBe(fresh);
    await server.client.close();
    const { checked, leftovers } = await checkHome(sp.home);
    expect(checked).toBe(5); // auth, session, and three jobs (MCP export, CLI edit, CLI export)
    expect(leftovers).toEqual([]);
  });
});

// --- local backend --------------------------------------------------------------------------

/** ffmpeg processes writing into `dir` (Linux /proc). */
async function ffmpegWritingInto(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc").catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = (await readFile(`/proc/${entry}/cmdline`, "utf8")).split("\0");
      if (cmdline[0]?.endsWith("ffmpeg") && cmdline.some((arg) => arg.startsWith(dir))) pids.push(Number(entry));
    } catch {
      // Ended meanwhile.
    }
  }
  return pids;
}

describe("kill -9 during a local render", () => {
  it.runIf(process.platform === "linux")("takes ffmpeg down with it, renders again on restart, and never shows a partial file", async () => {
    const sp = await space({ VIDEO_MAKER_BACKEND: "local" });
    const long = await makeVideo(root, "long.mp4", 4);
    const watch = watchOutput(sp.out);
    const first = await startServer(sp);
    await call(first.client, "upload_media", { paths: [long] });
    await call(first.client, "apply_edits", { ops: [{ op: "add_clip", media: "long.mp4" }] });
    const started = await call(first.client, "export_video", { file_name: "local", wait_seconds: 0 });
    await waitFor(() => partInProgress(sp.out), 20_000, "ffmpeg to start writing");
    expect((await ffmpegWritingInto(sp.out)).length).toBe(1);
    await kill9(first);
    // ffmpeg notices its parent is gone and stops, instead of rendering on as an orphan.
    await waitFor(async () => (await ffmpegWritingInto(sp.out)).length === 0, 1500, "the orphaned ffmpeg to stop");
    await checkHome(sp.home);

    const second = await startServer(sp);
    const done = await call(second.client, "get_job", { job_id: started.job_id, wait_seconds: 50 });
    expect(done).toMatchObject({ status: "completed", file: join(sp.out, "local.mp4") });
    await second.client.close();
    expect((await watch.stop()).partialSightings).toEqual([]);
    expect(await readdir(sp.out)).toEqual(["local.mp4"]);
    expect((await stat(done.file)).size).toBe(done.bytes);
    expect((await checkHome(sp.home)).leftovers).toEqual([]);
    // The render's scratch folder is named after it, so the resumed render cleared the killed one's.
    expect(await readdir(join(sp.home, "local", "renders"))).toEqual([]);
  }, 90_000);
});
