import { execFile, spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { adkText, type FakeNemo, startFakeNemo } from "../fake-nemo/server.js";
import { makePng, makeVideo } from "../integration/media-fixtures.js";
import { binEnv } from "../support/env.js";
import { declaredSkillVersion } from "../support/skill-frontmatter.js";

/** Every subcommand as a spawned process against the fake service: output, --json, exit codes. */

const BIN = resolve("dist/cli.js");
/** What a CLI user must never be told to call. */
const MCP_TOOL = /\b(get_job|cancel_job|edit_video|export_video|get_state|upload_media|apply_edits)\b/;
let fake: FakeNemo;
let root: string;
let clip: string;
let photo: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  fake = await startFakeNemo({ render: { fileBytes: 30_000 } });
  root = await mkdtemp(join(tmpdir(), "vm-cli2-"));
  clip = await makeVideo(root, "clip.mp4");
  photo = await makePng(root, "photo.png");
});
afterAll(async () => {
  await fake.close();
  await rm(root, { recursive: true, force: true });
});
beforeEach(async () => {
  // A fresh state folder per test: its own token, session and jobs.
  const home = await mkdtemp(join(root, "home-"));
  env = binEnv({ fakeUrl: fake.url, root, home, outDir: join(home, "out") });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...env, ...extra }, cwd: root, timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

async function seedClip() {
  await cli(["upload", clip]);
}

describe("say routes what the person said", () => {
  const table: Array<[string, string]> = [
    ["export 1080p MP4", "export"],
    ["导出", "export"],
    ["send me the video", "export"],
    ["credits", "credits"],
    ["积分", "credits"],
    ["余额", "credits"],
    ["balance", "credits"],
    ["status", "state"],
    ["状态", "state"],
    ["show tracks", "state"],
    ["combine these clips into a 60-second promo video with text overlays and transitions", "edit"],
    ["cut the pauses, add background music, and generate captions", "edit"],
    ["turn these photos into a 30-second promotional video with background music", "edit"],
    ["create my video clips or images", "edit"],
    ["给视频加上背景音乐", "edit"],
  ];
  for (const [phrase, action] of table) {
    it(`"${phrase}" → ${action}`, async () => {
      if (action === "export") await seedClip();
      const run = await cli(["say", phrase]);
      expect(run.stderr).toContain(`→ ${action}`);
      expect(run.code, run.stderr).toBe(0);
      if (action === "credits") expect(run.stdout).toMatch(/^Credits: /m);
      if (action === "state") expect(run.stdout).toMatch(/^Timeline \(/m);
      if (action === "export") expect(run.stdout.trim().split("\n").at(-1)).toMatch(/\.mp4$/);
      if (action === "edit") expect(run.stdout).toMatch(/Timeline \(/);
    });
  }

  it("uploads the files it is given, then does what the words ask", async () => {
    const run = await cli(["say", "上传", photo]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("uploaded photo.png (image)");
    const both = await cli(["say", "turn these photos into a promo", photo]);
    expect(both.stderr).toContain("→ upload");
    expect(both.stdout).toContain("uploaded photo.png");
    expect(both.stdout).toMatch(/Timeline \(/); // then the edit ran
  });

  it("asks for words when given none", async () => {
    const run = await cli(["say"]);
    expect(run.code).toBe(2);
  });

  it("rewrites the agent's GUI words to commands of this CLI, not MCP tool names", async () => {
    await seedClip();
    fake.enqueueSse({ steps: [{ event: adkText("All set! Click the Export button to download your video.") }] });
    const run = await cli(["edit", "add a title"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("Run the export (video-maker export) to download your video.");
    expect(run.stdout + run.stderr).not.toMatch(/export_video|get_state/);
  });
});

describe("jobs from the command line", () => {
  it("edit and export print their job id, and job/cancel read them back", async () => {
    await seedClip();
    const exported = await cli(["export", "--name", "a"]);
    const jobId = /job (export_[0-9a-f]{12}) started/.exec(exported.stderr)?.[1];
    expect(jobId, exported.stderr).toBeTruthy();
    const shown = await cli(["job", jobId!]);
    expect(shown.code).toBe(0);
    expect(shown.stdout.trim()).toBe(exported.stdout.trim());
    const json = JSON.parse((await cli(["job", jobId!, "--json"])).stdout);
    expect(json).toMatchObject({ job_id: jobId, kind: "export", status: "completed", file: expect.stringMatching(/a\.mp4$/) });
    const cancel = await cli(["cancel", jobId!]);
    expect(cancel.stdout).toMatch(/already ended \(completed\)/);
  });

  it("cancel stops an edit running in another process, and job --wait waits for it", async () => {
    fake.enqueueSse({ steps: [{ comment: "working" }, { delayMs: 20_000 }, { event: adkText("late") }] });
    const child = spawn(process.execPath, [BIN, "edit", "generate a long clip"], { env, cwd: root });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += String(chunk)));
    const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
    for (let i = 0; i < 100 && !/job (edit_\w+) started/.test(stderr); i++) await new Promise((r) => setTimeout(r, 50));
    const jobId = /job (edit_\w+) started/.exec(stderr)![1]!;

    const running = await cli(["job", jobId]);
    expect(running.stdout).toMatch(/still running/);
    const cancel = await cli(["cancel", jobId]);
    expect(cancel.stdout).toMatch(/Cancelled job/);
    expect(await exited).toBe(130);
    const after = await cli(["job", jobId, "--wait", "--json"]);
    expect(JSON.parse(after.stdout).status).toBe("cancelled");
  });

  it("an unknown job id is a clear input error, in the words of the command line", async () => {
    const run = await cli(["job", "export_000000000000"]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/There is no job "export_000000000000"\. Job ids come from video-maker edit .* or video-maker export/);
    expect(run.stdout + run.stderr).not.toMatch(MCP_TOOL);
    expect((await cli(["job"])).code).toBe(2);
  });

  it("a job whose process died is reported with commands to run, not MCP tools", async () => {
    // As a killed `video-maker edit` and `video-maker export` leave them: running, owner gone, no render started.
    const jobs = join(env.VIDEO_MAKER_HOME!, "jobs");
    await mkdir(jobs, { recursive: true });
    const now = new Date().toISOString();
    for (const id of ["edit_0123456789ab", "export_0123456789ab"]) {
      const record = { id, kind: id.split("_")[0], status: "running", backend: "nemo", created_at: now, updated_at: now, progress: { message: "working" }, input: {} };
      await writeFile(join(jobs, `${id}.json`), JSON.stringify(record));
    }
    // The service is out of reach, so the timeline cannot be quoted and the person is told how to read it.
    const offline = { NEMO_API_BASE: "http://127.0.0.1:1" };
    // Looking does not take a job over; waiting does, and finds its process gone.
    const looked = await cli(["job", "edit_0123456789ab"], offline);
    expect(looked.stdout).toMatch(/still running: working/);
    const edit = await cli(["job", "edit_0123456789ab", "--wait"], offline);
    expect(edit.code, edit.stderr).toBe(5);
    expect(edit.stdout).toMatch(/may or may not have been applied\. Check the timeline with video-maker state\./);
    const exported = await cli(["job", "export_0123456789ab", "--wait"], offline);
    expect(exported.stdout).toMatch(/export again with video-maker export\./);
    for (const run of [edit, exported]) expect(run.stdout + run.stderr).not.toMatch(MCP_TOOL);
  });
});

describe("output modes", () => {
  it("--json gives one JSON document and errors as JSON", async () => {
    const credits = await cli(["credits", "--json"]);
    expect(JSON.parse(credits.stdout)).toEqual({ available: 100, frozen: 0, total: 100 });
    const failed = await cli(["export", "--json"]);
    expect(failed.code).toBe(3);
    expect(JSON.parse(failed.stdout)).toMatchObject({ error: { code: "not_ready", message: expect.stringMatching(/empty/) } });
  });

  it("prints plain progress lines when not on a terminal", async () => {
    await seedClip();
    fake.options.render.pollsToComplete = 4;
    const run = await cli(["export"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/… render \d+%/);
    expect(run.stderr).toMatch(/… downloading/);
    expect(run.stderr).not.toMatch(/\r|\x1b\[/); // no redraw codes in logs
    fake.options.render.pollsToComplete = 2;
  });
});

describe("doctor", () => {
  it("reports every check without printing the token", async () => {
    await cli(["credits"]);
    const run = await cli(["doctor"]);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/✓ Node\.js: v\d+/);
    expect(run.stdout).toMatch(/ffmpeg: /);
    expect(run.stdout).toMatch(/✓ token: free anonymous token, expires in about 7 day/);
    expect(run.stdout).toMatch(/✓ NemoVideo: .* answers; 100 credits available/);
    expect(run.stdout).toMatch(/state folder: .*private, 700/);
    for (const token of fake.tokens.keys()) expect(run.stdout + run.stderr).not.toContain(token);
    const json = JSON.parse((await cli(["doctor", "--json"])).stdout);
    expect(json.checks.map((c: { name: string }) => c.name)).toEqual(["Node.js", "ffmpeg", "token", "NemoVideo", "state folder"]);
  });

  it("fails with the service's exit code (5) when the service cannot be reached, as every other command does", async () => {
    const run = await cli(["doctor"], { NEMO_API_BASE: "http://127.0.0.1:1" });
    expect(run.code).toBe(5);
    expect((await cli(["credits"], { NEMO_API_BASE: "http://127.0.0.1:1" })).code).toBe(5);
    expect(run.stdout).toMatch(/✗ NemoVideo: .*Could not reach NemoVideo/);
    // Offline, the person learns that the local backend needs no service.
    expect(run.stdout).toMatch(/VIDEO_MAKER_BACKEND=local\) edits and renders on this computer/);
  });
});

describe("skill identity", () => {
  for (const skill of ["video-maker", "video-builder", "ai-video-editor-and-generator", "video-create"]) {
    it(`${skill}: sends its name and its own SKILL.md version, by variable and from its folder`, async () => {
      const before = fake.requests.length;
      await cli(["credits"], { VIDEO_MAKER_SKILL: skill });
      const folder = skill === "video-maker" ? resolve(".") : resolve("skill", skill);
      const version = await declaredSkillVersion(folder);
      const sent = fake.requests.slice(before).map((r) => [r.headers["x-skill-source"], r.headers["x-skill-version"]]);
      expect(new Set(sent.map((s) => s.join("@")))).toEqual(new Set([`${skill}@${version}`]));

      const fromFolder = fake.requests.length;
      await new Promise<void>((done) =>
        execFile(process.execPath, [BIN, "credits"], { env, cwd: folder }, () => done()),
      );
      const sentFromFolder = fake.requests.slice(fromFolder).map((r) => r.headers["x-skill-source"]);
      expect(new Set(sentFromFolder)).toEqual(new Set([skill]));
    });
  }
});

describe("installed as a package", () => {
  it("npm pack → install → the `video-maker` bin runs through npm's symlink", async () => {
    const prefix = await mkdtemp(join(tmpdir(), "vm-prefix-"));
    const packed = await new Promise<string>((done, fail) =>
      execFile("npm", ["pack", "--silent", "--pack-destination", prefix], { cwd: resolve(".") }, (error, stdout) =>
        error ? fail(error) : done(stdout.trim().split("\n").at(-1)!),
      ),
    );
    await new Promise<void>((done, fail) =>
      execFile("npm", ["install", "-g", "--prefix", prefix, "--prefer-offline", "--no-audit", "--no-fund", join(prefix, packed)], { timeout: 120_000 }, (error, _o, stderr) =>
        error ? fail(new Error(stderr)) : done(),
      ),
    );
    const binDir = join(prefix, "bin");
    expect(await readdir(binDir)).toContain("video-maker");
    const run = await new Promise<Run>((done) =>
      execFile(join(binDir, "video-maker"), ["--version"], { env }, (error, stdout, stderr) => done({ code: error ? 1 : 0, stdout, stderr })),
    );
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const pkgRoot = join(prefix, "lib", "node_modules", "video-maker");
    for (const file of ["SKILL.md", "skill/video-builder/SKILL.md", "dist/cli.js"]) expect((await stat(join(pkgRoot, file))).isFile()).toBe(true);
    await rm(prefix, { recursive: true, force: true });
  }, 180_000);
});

describe("looking at a job does not change it", () => {
  it("job <id> with the service out of reach shows a cloud export left running, and leaves it resumable", async () => {
    const jobs = join(env.VIDEO_MAKER_HOME!, "jobs");
    await mkdir(jobs, { recursive: true });
    const now = new Date().toISOString();
    const id = "export_0123456789ad";
    const record = {
      id, kind: "export", status: "running", backend: "nemo", created_at: now, updated_at: now,
      progress: { message: "render 40%", percent: 40 }, owner_pid: 999_999, input: {},
      checkpoint: { backend: "nemo", render_id: "render_1", session_id: "s1", output_path: join(jobs, "a.mp4"), started_at: now },
    };
    await writeFile(join(jobs, `${id}.json`), JSON.stringify(record));
    const run = await cli(["job", id], { NEMO_API_BASE: "http://127.0.0.1:1" });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/still running: render 40%/);
    const stored = JSON.parse(await readFile(join(jobs, `${id}.json`), "utf8")) as { status: string; checkpoint?: unknown };
    expect(stored.status).toBe("running");
    expect(stored.checkpoint).toBeDefined();
  });
});
