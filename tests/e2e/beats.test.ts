import { execFile } from "node:child_process";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTimeline } from "../../src/local/timeline.js";

/**
 * Cuts on the beat from both faces of the built bin: `video-maker apply` and apply_edits over
 * a real stdio MCP client, each on the local backend with real music (a kick every 500 ms
 * from 0.1 s); the saved project is read back and every cut must sit on a beat.
 */

const BIN = resolve("dist/cli.js");
const run = promisify(execFile);
const FRAME = 1000 / 30;
let root: string;

const OPS = [
  { op: "add_image", media: "photo.png", duration: 1.3 },
  { op: "add_clip", media: "broll.mp4", out: 1.7 },
  { op: "add_image", media: "photo.png", duration: 2.2 },
  { op: "add_clip", media: "broll.mp4", in: 1, out: 4 },
  { op: "add_image", media: "photo.png", duration: 1.5 },
  { op: "add_audio", media: "beat.m4a", volume: 0.8 },
  { op: "sync_to_music" },
];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "vm-beats-e2e-"));
  const ffmpeg = (args: string[]) => run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", ...args]);
  await Promise.all([
    ffmpeg(["-f", "lavfi", "-i", "aevalsrc=exprs='0.2*sin(2*PI*220*t)+gte(t,0.1)*0.8*sin(2*PI*60*t)*exp(-mod(t-0.1,0.5)*40)':s=44100:d=15", "-c:a", "aac", join(root, "beat.m4a")]),
    ffmpeg(["-f", "lavfi", "-i", "testsrc=size=160x90:rate=30:duration=5", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", join(root, "broll.mp4")]),
    ffmpeg(["-f", "lavfi", "-i", "testsrc=size=160x90", "-frames:v", "1", join(root, "photo.png")]),
  ]);
}, 60_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function envFor(name: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: root,
    VIDEO_MAKER_BACKEND: "local",
    VIDEO_MAKER_HOME: join(root, `home-${name}`),
    VIDEO_MAKER_OUTPUT_DIR: join(root, `out-${name}`),
  };
}

/** The cuts of the project saved in this home, read back from its draft file. */
async function savedCuts(home: string): Promise<number[]> {
  const sessions = join(home, "local", "sessions");
  const [project] = await readdir(sessions);
  const draft = JSON.parse(await readFile(join(sessions, project!, "draft.json"), "utf8"));
  return readTimeline(draft).video.slice(1).map((s) => s.startMs);
}

function expectOnBeats(cuts: number[]): void {
  expect(cuts).toHaveLength(4);
  for (const cut of cuts) {
    const k = Math.round((cut - 100) / 500);
    expect(Math.abs(cut - (100 + k * 500)), `cut at ${cut} ms`).toBeLessThanOrEqual(FRAME);
  }
}

describe("sync_to_music", () => {
  it("video-maker apply puts the cuts on the beat", async () => {
    const env = envFor("cli");
    const files = ["beat.m4a", "broll.mp4", "photo.png"].map((name) => join(root, name));
    await run(process.execPath, [BIN, "upload", ...files], { env, cwd: root });
    await writeFile(join(root, "ops.json"), JSON.stringify(OPS));
    const applied = await run(process.execPath, [BIN, "apply", "ops.json"], { env, cwd: root });
    expect(applied.stdout).toMatch(/Found 120\.\d BPM in beat\.m4a \(audio-1\); 4 of 4 cuts now on the beat/);
    expectOnBeats(await savedCuts(env.VIDEO_MAKER_HOME!));

    // Music with no beat (pink noise) is refused, and the saved project stays as it was.
    await run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "anoisesrc=d=10:c=pink:a=0.3", "-c:a", "aac", join(root, "noise.m4a")]);
    const noise = execFile(process.execPath, [BIN, "apply", "-"], { env, cwd: root });
    const said = new Promise<{ code: number | null; stderr: string }>((done) => {
      let stderr = "";
      noise.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      noise.on("close", (code) => done({ code, stderr }));
    });
    noise.stdin!.end(JSON.stringify([{ op: "remove", segment: "audio-1" }, { op: "add_audio", media: join(root, "noise.m4a") }, { op: "sync_to_music" }]));
    const answer = await said;
    expect(answer.code).not.toBe(0);
    expect(answer.stderr).toMatch(/no steady beat found in noise\.m4a \(audio-\d\)/);
    expectOnBeats(await savedCuts(env.VIDEO_MAKER_HOME!));
  }, 90_000);

  it("apply_edits over stdio puts the cuts on the beat", async () => {
    const env = envFor("mcp");
    const transport = new StdioClientTransport({ command: process.execPath, args: [BIN], env, cwd: root, stderr: "pipe" });
    const client = new Client({ name: "e2e-beats", version: "1.0.0" });
    await client.connect(transport);
    try {
      const files = ["beat.m4a", "broll.mp4", "photo.png"].map((name) => join(root, name));
      const upload = (await client.callTool({ name: "upload_media", arguments: { paths: files } })) as CallToolResult;
      expect(upload.isError).toBeFalsy();
      const edit = (await client.callTool({ name: "apply_edits", arguments: { ops: OPS } })) as CallToolResult;
      expect(edit.isError).toBeFalsy();
      const changes = (edit.structuredContent as { changes: string[] }).changes.join("\n");
      expect(changes).toMatch(/Found 120\.\d BPM in beat\.m4a \(audio-1\); 4 of 4 cuts now on the beat/);
      expectOnBeats(await savedCuts(env.VIDEO_MAKER_HOME!));
    } finally {
      await client.close();
    }
  }, 90_000);
});
