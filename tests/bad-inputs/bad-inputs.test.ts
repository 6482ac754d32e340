import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFile, lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, truncate, writeFile, chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { type CallToolResult, McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/mcp/logger.js";
import { type CreatedServer, createServer } from "../../src/mcp/server.js";
import { makePng, makeVideo } from "../integration/media-fixtures.js";
import { type McpHarness, startMcp, textOf } from "../mcp/harness.js";
import { binEnv } from "../support/env.js";
import { BAD_INPUTS, type BadInputCase, type Fixtures } from "./cases.js";
import { DOC_PATH, withTable } from "./doc.js";

/**
 * Every row of the bad-input table (cases.ts) through the real faces: the MCP tools over the
 * SDK's in-memory transport (cloud rows against the fake NemoVideo, local rows on the
 * offline backend) and the built bin as a process. Each call must answer in words, with
 * the right outcome and exit code, and lose nothing: the state folder, the output folder,
 * the working folder and the service's copy of the project are compared before and after.
 */

const run = promisify(execFile);
const BIN = resolve("dist/cli.js");

let root: string;
let f: Fixtures;
let nemoMcp: McpHarness;
let localMcp: { created: CreatedServer; client: Client; home: string };
const homes = { nemoCli: "", localCli: "" };
let cwd: string;
let scratch: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "vm-bad-"));
  const media = join(root, "media");
  await mkdir(media);
  scratch = join(root, "scratch");
  cwd = join(root, "cwd");
  await Promise.all([mkdir(scratch), mkdir(cwd)]);
  f = await makeFixtures(media);

  nemoMcp = await startMcp();
  const seeded = await nemoMcp.call("upload_media", { paths: [f.clip] });
  expect(seeded.isError).toBeFalsy();

  localMcp = await startLocalMcp(join(root, "home-local-mcp"));
  await seedLocal((tool, args) => localMcp.client.callTool({ name: tool, arguments: args }) as Promise<CallToolResult>);

  homes.nemoCli = join(root, "home-nemo-cli");
  homes.localCli = join(root, "home-local-cli");
  expect((await cli("nemo", ["upload", f.clip])).code).toBe(0);
  expect((await cli("local", ["upload", f.clip])).code).toBe(0);
  const opsFile = join(scratch, "seed.json");
  await writeFile(opsFile, JSON.stringify([{ op: "add_clip", media: "beach.mp4" }]));
  expect((await cli("local", ["apply", opsFile])).code).toBe(0);
}, 60_000);

afterAll(async () => {
  await nemoMcp?.close();
  await localMcp?.client.close();
  await localMcp?.created.cleanup();
  if (f && !f.isRoot) await chmod(f.unwritableFolder, 0o755).catch(() => {});
  await rm(root, { recursive: true, force: true });
});

let tried = 0;
describe("bad inputs: a clear message, the right outcome, nothing lost", () => {
  for (const row of BAD_INPUTS) {
    const faces = [...(row.mcp ? ["mcp" as const] : []), ...(row.cli ? ["cli" as const] : [])];
    for (const face of faces) {
      it(`${row.id} (${face}, ${row.backend})`, async (ctx) => {
        const skip = row.skip?.(f);
        if (skip) return ctx.skip(`${row.id}: ${skip}`);
        await row.around?.before(f);
        try {
          const before = await snapshot();
          const said = face === "mcp" ? await viaMcp(row) : await viaCli(row);
          expectReadable(said);
          if (row.outcome !== "accepted") expectNothingLost(before, await snapshot(), row);
          tried += 1;
        } finally {
          await row.around?.after(f);
        }
      });
    }
  }

  it("docs/bad-inputs.md lists exactly these cases", async () => {
    expect(withTable(await readFile(DOC_PATH, "utf8")), "run: npx tsx tests/bad-inputs/doc.ts").toBe(await readFile(DOC_PATH, "utf8"));
  });

  it("the table has at least 30 cases, most of them through both faces", () => {
    const both = BAD_INPUTS.filter((row) => row.mcp && row.cli).length;
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(30);
    expect(both).toBeGreaterThan(BAD_INPUTS.length / 2);
    expect(new Set(BAD_INPUTS.map((row) => row.id)).size).toBe(BAD_INPUTS.length);
    console.log(`bad inputs: ${BAD_INPUTS.length} cases, ${tried} calls tried, nothing lost`);
  });
});

// --- the two faces --------------------------------------------------------------------------

async function viaMcp(row: BadInputCase): Promise<string> {
  const { tool, args } = row.mcp!;
  if (row.outcome === "protocol") return viaMcpProtocolError(row);
  const result =
    row.backend === "nemo"
      ? await nemoMcp.call(tool, args(f))
      : ((await localMcp.client.callTool({ name: tool, arguments: args(f) })) as CallToolResult);
  const text = textOf(result);
  if (row.outcome === "refused") {
    expect(result.isError, text).toBe(true);
    expect(text).toMatch(row.message);
  } else {
    expect(result.isError, text).toBeFalsy();
    const structured = result.structuredContent as { uploaded: Array<{ name: string }>; rejected: Array<{ reason: string }> };
    if (row.outcome === "rejected") {
      expect(structured.uploaded).toEqual([]);
      expect(structured.rejected).toEqual([expect.objectContaining({ reason: expect.stringMatching(row.message) })]);
    } else {
      expect(structured.rejected).toEqual([]);
      expect(structured.uploaded.map((m) => m.name)).toEqual([row.name!(f)]);
    }
  }
  return text;
}

/** A call the protocol refuses: a JSON-RPC error -32602 whose message (without the client's "MCP error" prefix) is in words. */
async function viaMcpProtocolError(row: BadInputCase): Promise<string> {
  const { tool, args } = row.mcp!;
  const client = row.backend === "nemo" ? nemoMcp.client : localMcp.client;
  const error = await client.callTool({ name: tool, arguments: args(f) }).then(
    () => undefined,
    (thrown: McpError) => thrown,
  );
  expect(error).toBeInstanceOf(McpError);
  expect(error!.code).toBe(-32602);
  const text = error!.message.replace(/^MCP error -?\d+: /, "");
  expect(text).toMatch(row.message);
  return text;
}

async function viaCli(row: BadInputCase): Promise<string> {
  let argv = row.cli!.argv(f);
  if (row.cli!.ops !== undefined) {
    const file = join(scratch, `${row.id}.json`);
    await writeFile(file, typeof row.cli!.ops === "string" ? row.cli!.ops : JSON.stringify(row.cli!.ops));
    argv = argv.map((arg) => (arg === "{ops}" ? file : arg));
  }
  const result = await cli(row.backend, argv);
  const expectedExit = row.exit ?? (row.outcome === "accepted" ? 0 : 3);
  expect([result.code, result.stderr.slice(0, 400)]).toEqual([expectedExit, expect.anything()]);
  if (row.outcome === "accepted") expect(result.stdout).toMatch(row.message);
  else expect(result.stderr).toMatch(row.cliMessage ?? row.message);
  return `${result.stdout}\n${result.stderr}`;
}

/** No stack, no protocol or validator wording, no raw JSON, no token, no source paths. */
function expectReadable(text: string): void {
  expect(text).not.toMatch(/\n\s+at .+:\d+|\.(ts|js):\d+|node:internal/);
  expect(text).not.toMatch(/MCP error|-32602|Input validation error|ZodError|Invalid input: expected|Too (small|big): expected/);
  expect(text).not.toMatch(/"(code|path|expected|received|origin|issues)"\s*:/);
  expect(text).not.toMatch(/nmv_usr_|Bearer /i);
  expect(text).not.toMatch(/\b(EACCES|ENOENT|ENOTDIR|EISDIR|ELOOP|EPERM|EEXIST)\b/);
}

function cli(backend: "nemo" | "local", argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = binEnv(
    { fakeUrl: nemoMcp.fake.url, root, home: backend === "nemo" ? homes.nemoCli : homes.localCli, outDir: f.outDir },
    { LANG: "en_US.UTF-8", ...(backend === "local" ? { VIDEO_MAKER_BACKEND: "local" } : {}) },
  );
  return run(process.execPath, [BIN, ...argv], { env, cwd, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code?: number; stdout: string; stderr: string }) => ({ code: typeof error.code === "number" ? error.code : 1, stdout: error.stdout, stderr: error.stderr }),
  );
}

// --- nothing lost ---------------------------------------------------------------------------

/**
 * Everything a bad input could damage: every file in the state folders (tokens, sessions,
 * jobs, the local draft and media registry), the output folder, the CLI's working folder,
 * and the fake service's projects (drafts and media) and upload count.
 */
async function snapshot(): Promise<Record<string, string>> {
  const folders = { nemoMcp: nemoMcp.home, localMcp: localMcp.home, ...homes, out: f.outDir, cwd };
  const files: Record<string, string> = {};
  for (const [label, dir] of Object.entries(folders)) Object.assign(files, await fingerprint(dir, label));
  for (const [id, session] of nemoMcp.fake.sessions) files[`fake:${id}`] = JSON.stringify([session.draft, session.videoInfos]);
  files["fake:uploads"] = String(nemoMcp.fake.requests.filter((r) => r.route === "upload" || r.route === "runSse").length);
  return files;
}

/**
 * Nothing that was there changed or went away. The one thing a refused call may add is the
 * record of an export job that failed for this reason (what `video-maker job <id>` shows):
 * a whole, valid file saying "failed" with the message the person saw.
 */
function expectNothingLost(before: Record<string, string>, after: Record<string, string>, row: BadInputCase): void {
  const kept = Object.fromEntries(Object.entries(after).filter(([key]) => key in before));
  expect(kept).toEqual(before);
  for (const [key, value] of Object.entries(after).filter(([key]) => !(key in before))) {
    expect(key).toMatch(/^\w+\/jobs(\/export_[0-9a-f]{12}\.json)?$/);
    if (key.endsWith(".json")) expect(value).toMatch(new RegExp(`^600 [0-9a-f]{64} failed\\|.*${row.message.source}`));
  }
}

async function fingerprint(dir: string, label: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  let entries: string[];
  try {
    entries = (await readdir(dir, { recursive: true })) as string[];
  } catch {
    return out;
  }
  for (const entry of entries.sort()) {
    const path = join(dir, entry);
    const info = await lstat(path);
    const mode = (info.mode & 0o777).toString(8);
    if (!info.isFile()) {
      out[`${label}/${entry}`] = `${mode} dir`;
      continue;
    }
    const bytes = await readFile(path);
    let value = `${mode} ${createHash("sha256").update(bytes).digest("hex")}`;
    if (/^jobs\/.*\.json$/.test(entry)) {
      const job = JSON.parse(bytes.toString("utf8")) as { status: string; error?: { message: string } };
      value += ` ${job.status}|${job.error?.message ?? ""}`;
    }
    out[`${label}/${entry}`] = value;
  }
  return out;
}

// --- fixtures ---------------------------------------------------------------------------------

async function makeFixtures(dir: string): Promise<Fixtures> {
  const at = (name: string) => join(dir, name);
  const clip = await makeVideo(dir, "beach.mp4");
  const isRoot = process.getuid?.() === 0;

  await mkdir(at("folder.mp4"));
  await symlink(at("loop-b.mp4"), at("loop-a.mp4"));
  await symlink(at("loop-a.mp4"), at("loop-b.mp4"));
  await copyFile(clip, at("unreadable.mp4"));
  await chmod(at("unreadable.mp4"), 0o000);
  await run("mkfifo", [at("pipe.mp4")]);
  await symlink("/dev/zero", at("zero-device.mp4"));
  await writeFile(at("empty.mp4"), "");
  await writeFile(at("notes.mp4"), "these are my notes, not a video\n");
  // A 10-byte ID3 header and 15 bytes of text: a tag, no MP3 frames (issue 12).
  await writeFile(at("tag-only.mp3"), Buffer.concat([Buffer.from("ID3\x04\x00\x00\x00\x00\x00\x00", "latin1"), Buffer.from("just some text.")]));
  await copyFile(await makePng(dir, "real.png"), at("picture.mp4"));
  await writeFile(at("notes.txt"), "hello\n");
  // A valid MP4 head stretched to 600 MB without writing it: the size check must come first.
  await copyFile(clip, at("huge.mp4"));
  await truncate(at("huge.mp4"), 600 * 1024 * 1024);
  // moov first (faststart), then half the media data: ffprobe reports the full length.
  await run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-i", clip, "-c", "copy", "-movflags", "+faststart", at("whole.mp4")]);
  const whole = await readFile(at("whole.mp4"));
  await writeFile(at("cut.mp4"), whole.subarray(0, Math.floor(whole.length / 2)));
  await copyFile(clip, at("my summer clip.mp4"));
  await copyFile(clip, at("cafe\u0301.mp4"));
  await copyFile(clip, at("line\nbreak.mp4"));
  await copyFile(clip, at("holiday\u202Egnp.mp4"));
  await writeFile(at("not-a-folder"), "a file where a folder should be\n");

  let unwritableFolder: string;
  if (isRoot) {
    // root writes through any mode bits; sysfs refuses new entries even to root.
    unwritableFolder = "/sys/video-maker-out";
  } else {
    unwritableFolder = at("locked");
    await mkdir(unwritableFolder, { mode: 0o555 });
  }
  return {
    clip,
    missing: at("no-such-clip.mp4"),
    folder: at("folder.mp4"),
    loop: at("loop-a.mp4"),
    unreadable: at("unreadable.mp4"),
    fifo: at("pipe.mp4"),
    device: at("zero-device.mp4"),
    empty: at("empty.mp4"),
    textAsMp4: at("notes.mp4"),
    id3OnlyMp3: at("tag-only.mp3"),
    pngAsMp4: at("picture.mp4"),
    wrongExtension: at("notes.txt"),
    huge: at("huge.mp4"),
    truncated: at("cut.mp4"),
    spaces: at("my summer clip.mp4"),
    nfcTyped: at("caf\u00e9.mp4"),
    newline: at("line\nbreak.mp4"),
    bidiName: at("holiday\u202Egnp.mp4"),
    manyPaths: Array.from({ length: 1000 }, (_, i) => at(`missing-${i}.mp4`)),
    fileAsFolder: at("not-a-folder"),
    unwritableFolder,
    outDir: join(dir, "..", "out"),
    isRoot,
  };
}

async function startLocalMcp(home: string) {
  const config = loadConfig({ VIDEO_MAKER_BACKEND: "local", VIDEO_MAKER_HOME: home, VIDEO_MAKER_OUTPUT_DIR: f.outDir });
  const created = await createServer(config, { logger: createLogger({ stderr: false }) });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: "bad-inputs", version: "1.0.0" });
  await created.server.connect(serverTransport);
  await client.connect(clientTransport);
  return { created, client, home };
}

async function seedLocal(call: (tool: string, args: Record<string, unknown>) => Promise<CallToolResult>) {
  expect((await call("upload_media", { paths: [f.clip] })).isError).toBeFalsy();
  const applied = await call("apply_edits", { ops: [{ op: "add_clip", media: "beach.mp4" }] });
  expect(applied.isError, textOf(applied)).toBeFalsy();
}
