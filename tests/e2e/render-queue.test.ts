import { type ChildProcess, execFile, spawn } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { renderSlotsDir, takeRenderSlot } from "../../src/local/render-slots.js";
import { makePng } from "../integration/media-fixtures.js";
import { binEnv } from "../support/env.js";

/**
 * Renders take turns across processes (issue 19, item 4): real CLI exports started at once
 * against one home, with the real ffmpeg. Which renders overlapped is read from a log an
 * FFMPEG_PATH wrapper writes around each render's ffmpeg (start and end times), not from
 * what video-maker says about itself.
 */

const BIN = resolve("dist/cli.js");
let root: string;
let photo: string;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "vm-queue-"));
  photo = await makePng(root, "photo.png");
});
afterEach(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  children.clear();
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Place {
  dir: string;
  home: string;
  out: string;
  env: NodeJS.ProcessEnv;
}

let places = 0;

/** A home with a project of `seconds` of a photo at 360p (a zoom when `zoom`: slower to render). */
async function project(seconds: number, extra: Record<string, string> = {}, zoom = false): Promise<Place> {
  const dir = join(root, `place-${++places}`);
  await mkdir(dir);
  const home = join(dir, "home");
  const out = join(dir, "out");
  // The fake NemoVideo is not needed: the local backend never calls it.
  const env = binEnv({ fakeUrl: "http://127.0.0.1:9", root: dir, home, outDir: out }, { VIDEO_MAKER_BACKEND: "local", ...extra });
  const place = { dir, home, out, env };
  await applyOps(place, [{ op: "add_image", media: photo, duration: seconds, ...(zoom ? { ken_burns: "zoom_in" } : {}) }, { op: "set_format", resolution: 360 }]);
  return place;
}

async function applyOps(place: Place, ops: object[]): Promise<void> {
  const file = join(place.dir, `ops-${Date.now()}.json`);
  await writeFile(file, JSON.stringify(ops));
  const applied = await cli(place, ["apply", file]);
  expect(applied.code, applied.stderr).toBe(0);
}

function cli(place: Place, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { env: place.env, timeout: 30_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

interface Export {
  child: ChildProcess;
  id: Promise<string>;
  exit: Promise<number>;
  stdout: () => string;
}

/** `video-maker export` as a spawned process; its job id is read from its "job … started" line. */
function startExport(place: Place, name: string): Export {
  const child = spawn(process.execPath, [BIN, "export", "--name", name], { env: place.env, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  const id = new Promise<string>((found, fail) => {
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /job (export_[0-9a-f]{12}) started/.exec(stderr);
      if (match) found(match[1]!);
    });
    child.once("exit", () => fail(new Error(`export ${name} ended before starting a job: ${stderr}`)));
  });
  const exit = new Promise<number>((done) => child.once("exit", (code, signal) => done(code ?? (signal ? 128 : 1))));
  return { child, id, exit, stdout: () => stdout };
}

async function jobFile(place: Place, id: string): Promise<{ status: string; progress: { message: string } }> {
  return JSON.parse(await readFile(join(place.home, "jobs", `${id}.json`), "utf8"));
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

const statusIs = (place: Place, id: string, status: string) => async () => {
  const job = await jobFile(place, id);
  return job.status === status ? job : undefined;
};

/** An ffmpeg that logs when each render (the runs with `-progress`) starts and ends, then runs the real one. */
async function loggingFfmpeg(dir: string): Promise<{ path: string; log: string }> {
  const real = await new Promise<string>((found) => execFile("sh", ["-c", "command -v ffmpeg"], (_, out) => found(out.trim())));
  const path = join(dir, "ffmpeg-logged");
  const log = join(dir, "renders.log");
  await writeFile(
    path,
    `#!/bin/sh
case " $* " in
  *" -progress "*)
    echo "start $$ $(date +%s%N)" >> '${log}'
    '${real}' "$@"; rc=$?
    echo "end $$ $(date +%s%N)" >> '${log}'
    exit $rc;;
esac
exec '${real}' "$@"
`,
  );
  await chmod(path, 0o755);
  return { path, log };
}

describe("renders take turns", () => {
  it.runIf(process.platform === "linux")("four exports started at once on one home run one after another, and all finish", async () => {
    const dir = await mkdtemp(join(root, "ffmpeg-"));
    const ffmpeg = await loggingFfmpeg(dir);
    const place = await project(2, { FFMPEG_PATH: ffmpeg.path });
    const exports = ["a", "b", "c", "d"].map((name) => startExport(place, name));
    const codes = await Promise.all(exports.map((e) => e.exit));
    expect(codes).toEqual([0, 0, 0, 0]);
    expect((await readdir(place.out)).sort()).toEqual(["a.mp4", "b.mp4", "c.mp4", "d.mp4"]);

    // Every ffmpeg run of an export (the render, measuring its mix, the loudness pass, measuring the
    // file: four) holds the export's turn, so no run of one export overlaps a run of another.
    const runs = new Map<string, { start?: bigint; end?: bigint }>();
    for (const line of (await readFile(ffmpeg.log, "utf8")).trim().split("\n")) {
      const [what, pid, time] = line.split(" ");
      const run = runs.get(pid!) ?? {};
      run[what as "start" | "end"] = BigInt(time!);
      runs.set(pid!, run);
    }
    const spans = [...runs.values()].sort((x, y) => (x.start! < y.start! ? -1 : 1));
    expect(spans).toHaveLength(16);
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.start! >= spans[i - 1]!.end!, `ffmpeg run ${i + 1} started before run ${i} ended`).toBe(true);
    // Every job file says completed, and the queue folder is empty again.
    for (const e of exports) expect((await jobFile(place, await e.id)).status).toBe("completed");
    expect(await readdir(renderSlotsDir(place.home))).toEqual([]);
  }, 60_000);

  it("a waiting export says queued with its place (job file, `video-maker job`), is cancelled while it waits, and the next starts by itself", async () => {
    const place = await project(2);
    // This test process holds the one slot, as a render in another server would.
    const held = await takeRenderSlot(place.home, { limit: 1 });
    let released = false;
    try {
      const first = startExport(place, "first");
      const firstId = await first.id;
      const firstQueued = await waitFor("the first export to queue", statusIs(place, firstId, "queued"));
      expect(firstQueued.progress.message).toBe("Waiting for 1 other render to finish (place 2)");
      const second = startExport(place, "second");
      const secondId = await second.id;
      const secondQueued = await waitFor("the second export to queue", statusIs(place, secondId, "queued"));
      expect(secondQueued.progress.message).toBe("Waiting for 2 other renders to finish (place 3)");

      const shown = await cli(place, ["job", secondId]);
      expect(shown.stdout).toContain(`Job ${secondId} is queued: Waiting for 2 other renders to finish (place 3).`);
      expect(JSON.parse((await cli(place, ["job", secondId, "--json"])).stdout)).toMatchObject({ status: "queued" });

      const cancelled = await cli(place, ["cancel", secondId]);
      expect(cancelled.stdout.trim()).toBe(`Cancelled job ${secondId}.`);
      expect(await second.exit).toBe(130);
      expect((await jobFile(place, secondId)).status).toBe("cancelled");
      // Its ticket is gone: left are the slot this test holds and the first export's ticket.
      expect((await readdir(renderSlotsDir(place.home))).sort()).toEqual(["slot-0", expect.stringMatching(/^wait-/)]);

      await held.release();
      released = true;
      expect(await first.exit).toBe(0);
      // The path is the last line (the loudness line comes before it).
      expect(first.stdout().trim().split("\n").at(-1)).toBe(join(place.out, "first.mp4"));
      // The cancelled export never rendered.
      expect(await readdir(place.out)).toEqual(["first.mp4"]);
      expect(await readdir(renderSlotsDir(place.home))).toEqual([]);
    } finally {
      if (!released) await held.release();
    }
  }, 60_000);

  it.runIf(process.platform === "linux")("an export killed with -9 while it renders frees its turn: the waiting one starts and finishes", async () => {
    // Two minutes of zoom: far longer than this test waits, so the second finishes only if the first's slot is freed.
    const place = await project(120, {}, true);
    const long = startExport(place, "long");
    const longId = await long.id;
    await waitFor("the long render to start", async () => ((await jobFile(place, longId)).progress.message.startsWith("render") ? true : undefined));
    // The long export has read its timeline; the project made short is exported by another process.
    await applyOps(place, [{ op: "fit_duration", seconds: 2 }]);
    const short = startExport(place, "short");
    await waitFor("the second export to queue", statusIs(place, await short.id, "queued"));
    const gone = new Promise((done) => long.child.once("exit", done));
    long.child.kill("SIGKILL");
    await gone;
    expect(await short.exit).toBe(0);
    expect(await readdir(place.out)).toContain("short.mp4");
  }, 60_000);
});
