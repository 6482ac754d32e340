import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeNemo, startFakeNemo } from "../fake-nemo/server.js";
import { makePng, makeVideo } from "../integration/media-fixtures.js";
import { binEnv } from "../support/env.js";

/** The built bin, spawned as a person or a skill would run it, against the fake service. */

const BIN = resolve("dist/cli.js");
let fake: FakeNemo;
let root: string;
let clip: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  fake = await startFakeNemo({ render: { fileBytes: 50_000 } });
  root = await mkdtemp(join(tmpdir(), "vm-cli-"));
  clip = await makeVideo(root, "city timelapse.mp4");
  await makePng(root, "logo.png");
  env = binEnv({ fakeUrl: fake.url, root });
});
afterAll(async () => {
  await fake.close();
  await rm(root, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolvePromise) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...env, ...extraEnv }, cwd: root, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolvePromise({ code, stdout, stderr });
    });
  });
}

function tokensIssued(): string[] {
  return [...fake.tokens.keys()];
}

function expectNoSecrets(run: Run) {
  for (const token of tokensIssued()) {
    expect(run.stdout).not.toContain(token);
    expect(run.stderr).not.toContain(token);
  }
  expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack traces
}

describe("video-maker CLI", () => {
  it("prints help and version", async () => {
    const help = await cli(["--help"]);
    expect(help.code).toBe(0);
    for (const command of ["upload", "edit", "state", "credits", "export", "new"]) expect(help.stdout).toContain(command);
    const version = await cli(["--version"]);
    expect(version.stdout.trim()).toBe(JSON.parse(await readFile("package.json", "utf8")).version);
  });

  it("takes a project from files to an MP4 on disk", async () => {
    const upload = await cli(["upload", clip, join(root, "logo.png"), join(root, "missing.mov")]);
    // The rest went up, but a script must see that one file did not.
    expect(upload.code).toBe(3);
    expect(upload.stdout).toContain("uploaded city timelapse.mp4 (video)");
    expect(upload.stderr).toMatch(/not uploaded .*missing\.mov: No file exists/);
    expectNoSecrets(upload);

    const edit = await cli(["edit", "add a title Urban Dreams"]);
    expect(edit.code).toBe(0);
    expect(edit.stdout).toMatch(/Urban Dreams/);
    expect(edit.stdout).toMatch(/^Timeline \(\d tracks?\): /m);
    expect(edit.stdout).toMatch(/video-maker export/);
    expectNoSecrets(edit);

    const state = await cli(["state"]);
    expect(state.stdout).toMatch(/Video: city timelapse/);
    const json = await cli(["state", "--json"]);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.session_id).toEqual(expect.any(String));
    expect(parsed.tracks.length).toBeGreaterThan(0);
    expectNoSecrets(json);

    const credits = await cli(["credits"]);
    expect(credits.stdout).toMatch(/^Credits: 50 available, 0 reserved, 50 total$/m);

    const exported = await cli(["export", "--name", "promo"]);
    expect(exported.code).toBe(0);
    const file = exported.stdout.trim().split("\n").at(-1)!;
    expect(file).toBe(join(root, "out", "promo.mp4"));
    expect((await stat(file)).size).toBe(50_000);
    expectNoSecrets(exported);
  });

  it("starts a new project and prints a claim link without the token", async () => {
    const fresh = await cli(["new", "--language", "en"]);
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toMatch(/Started a new project/);
    const claim = await cli(["claim"]);
    expect(claim.stdout.trim()).toMatch(/^https:\/\/nemovideo\.example\/workspace\/claim\?ct=clm_\w+$/);
    expectNoSecrets(claim);
  });

  it("answers mistakes with a clear message and a documented exit code", async () => {
    const unknown = await cli(["frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown command "frobnicate"/);

    const badFlag = await cli(["state", "--colour"]);
    expect(badFlag.code).toBe(2);

    const empty = await cli(["edit", "   "]);
    expect(empty.code).toBe(3);
    expect(empty.stderr).toMatch(/^Error: The instruction is empty/m);

    const badName = await cli(["export", "--name", "../escape"]);
    expect(badName.code).toBe(3);

    const config = await cli(["credits"], { NEMO_API_BASE: "http://example.com" });
    expect(config.code).toBe(4);
    expect(config.stderr).toMatch(/NEMO_API_BASE must use https/);

    const rejected = await cli(["credits"], { NEMO_TOKEN: "nmv_usr_not_a_real_token" });
    expect(rejected.code).toBe(4);
    expect(rejected.stderr).toMatch(/NEMO_TOKEN/);
    expect(rejected.stderr).not.toContain("nmv_usr_not_a_real_token");
    for (const run of [unknown, badFlag, empty, badName, config, rejected]) expectNoSecrets(run);
  });
});
