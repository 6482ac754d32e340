import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeNemo, startFakeNemo } from "../fake-nemo/server.js";
import { makeVideo } from "../integration/media-fixtures.js";
import { binEnv } from "../support/env.js";
import { runCli, type Entry, type Run, walk } from "./harness.js";

/**
 * The state folder holds a token: 0700 folders and 0600 files, also when the person's
 * umask is 0 (every process here runs through `sh -c 'umask 0; exec …'`).
 */

let fake: FakeNemo;
let root: string;
let clip: string;

beforeAll(async () => {
  fake = await startFakeNemo({ render: { fileBytes: 20_000 } });
  root = await mkdtemp(join(tmpdir(), "vm-sec-perm-"));
  clip = await makeVideo(root, "clip.mp4");
});
afterAll(async () => {
  await fake.close();
  await rm(root, { recursive: true, force: true });
});

function envFor(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return binEnv({ fakeUrl: fake.url, root, home }, extra);
}

async function runAll(commands: string[][], env: NodeJS.ProcessEnv): Promise<Run[]> {
  const runs: Run[] = [];
  for (const args of commands) runs.push(await runCli(args, { env, cwd: root, umaskZero: true }));
  return runs;
}

function loose(entries: Entry[], home: string): string[] {
  return entries
    .filter((e) => e.kind === "other" || e.mode !== (e.kind === "dir" ? 0o700 : 0o600))
    .map((e) => `${relative(home, e.path) || "."} ${e.kind} ${e.mode.toString(8)}`);
}

describe("state files under umask 0", () => {
  it("the umask really is 0 in the child: a file it makes without a mode is 0666", async () => {
    const probe = join(root, "umask-probe");
    await new Promise<void>((done, fail) =>
      execFile("/bin/sh", ["-c", 'umask 0; exec touch "$0"', probe], (error) => (error ? fail(error) : done())),
    );
    const [entry] = await walk(probe);
    expect(entry!.mode).toBe(0o666);
  });

  it("nemo backend: token, session and jobs are 0600 in 0700 folders after every command", async () => {
    const home = join(root, "nemo-home");
    const runs = await runAll(
      [["upload", clip], ["edit", "add a title"], ["export", "--name", "perm"]],
      envFor(home),
    );
    for (const run of runs) expect(run.code, `${run.args.join(" ")}: ${run.stderr}`).toBe(0);
    const entries = await walk(home);
    expect(entries.filter((e) => e.kind === "file").length).toBeGreaterThanOrEqual(3);
    expect(loose(entries, home)).toEqual([]);
  });

  it("local backend: workspace and jobs are 0600 in 0700 folders", async () => {
    const home = join(root, "local-home");
    const ops = join(root, "ops.json");
    await writeFile(ops, JSON.stringify([{ op: "add_clip", media: "clip.mp4" }, { op: "add_text", text: "Hi", at: 0, duration: 1 }]));
    const runs = await runAll([["upload", clip], ["apply", ops], ["export", "--name", "local-perm"]], envFor(home, { VIDEO_MAKER_BACKEND: "local" }));
    for (const run of runs) expect(run.code, `${run.args.join(" ")}: ${run.stderr}`).toBe(0);
    const entries = await walk(home);
    expect(entries.filter((e) => e.kind === "file").length).toBeGreaterThanOrEqual(2);
    expect(loose(entries, home)).toEqual([]);
  }, 60_000);

  it("demo: its sample-media folder inside the state folder is private too", async () => {
    const home = join(root, "demo-home");
    // A missing ffmpeg stops the demo right after it made its folders: cheap, and enough to see them.
    const run = await runCli(["demo"], { env: envFor(home, { FFMPEG_PATH: join(root, "no-ffmpeg") }), cwd: root, umaskZero: true });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("ffmpeg was not found");
    expect(loose(await walk(home), home)).toEqual([]);
  });

  it("tightens a state folder someone left open (0777 → 0700) on the next write", async () => {
    const home = join(root, "open-home");
    await mkdir(join(home, "nemo"), { recursive: true });
    await chmod(join(home, "nemo"), 0o777);
    const run = await runCli(["credits"], { env: envFor(home), cwd: root, umaskZero: true });
    expect(run.code, run.stderr).toBe(0);
    const nemo = (await walk(home)).filter((e) => e.path.startsWith(join(home, "nemo")));
    expect(loose(nemo, home)).toEqual([]);
  });
});
