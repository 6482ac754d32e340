import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeNemo, startFakeNemo } from "../fake-nemo/server.js";
import { declaredSkillVersion } from "../support/skill-frontmatter.js";

const run = promisify(execFile);
const BIN = resolve("dist/cli.js");

/** What the README tells each client to do, checked with the tools that exist here. */

let fake: FakeNemo;
let root: string;
beforeAll(async () => {
  fake = await startFakeNemo();
  root = await mkdtemp(join(tmpdir(), "vm-clients-"));
});
afterAll(async () => {
  await fake.close();
  await rm(root, { recursive: true, force: true });
});

describe("README client configs", () => {
  it("every mcpServers snippet is valid JSON that starts video-maker with npx", async () => {
    const readme = await readFile("README.md", "utf8");
    const blocks = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);
    const configs = blocks.map((block) => JSON.parse(block) as { mcpServers?: Record<string, { command: string; args: string[] }> }).filter((c) => c.mcpServers);
    expect(configs.length).toBeGreaterThanOrEqual(2);
    for (const config of configs) {
      expect(config.mcpServers!["video-maker"]).toMatchObject({ command: "npx", args: ["-y", "video-maker"] });
    }
    expect(readme).toMatch(/claude mcp add video-maker -- npx -y video-maker/);
    expect(readme).toMatch(/clawhub install video-maker/);
  });
});

describe("skills installed where each platform looks for them", () => {
  async function install(where: string, name: string): Promise<string> {
    const dir = join(root, where, name);
    await mkdir(dir, { recursive: true });
    await cp(name === "video-maker" ? "SKILL.md" : join("skill", name, "SKILL.md"), join(dir, "SKILL.md"));
    return dir;
  }

  /** The attribution headers of every request `video-maker credits` makes, run from `dir`. */
  async function attributionFrom(dir: string): Promise<Array<FakeNemo["requests"][number]["headers"]>> {
    const before = fake.requests.length;
    await run(process.execPath, [BIN, "credits"], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: root, NEMO_API_BASE: fake.url, VIDEO_MAKER_HOME: join(root, "state") },
    });
    return fake.requests.slice(before).map((r) => r.headers);
  }

  async function headersFrom(dir: string): Promise<Array<string | undefined>> {
    const last = (await attributionFrom(dir)).at(-1)!;
    return [last["x-skill-source"], last["x-skill-platform"]];
  }

  it("OpenClaw: `clawhub list` finds all four skills in a workspace; one run from there sends its metadata.version", async () => {
    for (const name of ["video-maker", "video-builder", "ai-video-editor-and-generator", "video-create"]) await install("workspace/skills", name);
    const { stdout } = await run(resolve("node_modules/.bin/clawhub"), ["list", "--workdir", join(root, "workspace"), "--no-input"]);
    for (const name of ["video-maker", "video-builder", "ai-video-editor-and-generator", "video-create"]) expect(stdout).toContain(name);

    const dir = join(root, "workspace", "skills", "video-create");
    const sent = (await attributionFrom(dir)).map((h) => `${h["x-skill-source"]}@${h["x-skill-version"]}`);
    expect(new Set(sent)).toEqual(new Set([`video-create@${await declaredSkillVersion(dir)}`]));
  });

  it("a skill under ~/.openclaw/skills or with .clawhub/origin.json speaks as clawhub", async () => {
    expect(await headersFrom(await install(".openclaw/skills", "video-builder"))).toEqual(["video-builder", "clawhub"]);
    const tracked = await install("workspace2/skills", "video-maker");
    await mkdir(join(tracked, ".clawhub"), { recursive: true });
    await writeFile(join(tracked, ".clawhub", "origin.json"), JSON.stringify({ slug: "video-maker" }));
    expect(await headersFrom(tracked)).toEqual(["video-maker", "clawhub"]);
  });

  it("a skill under ~/.cursor/skills speaks as cursor; elsewhere as unknown", async () => {
    expect(await headersFrom(await install(".cursor/skills", "video-create"))).toEqual(["video-create", "cursor"]);
    expect(await headersFrom(await install(".claude/skills", "ai-video-editor-and-generator"))).toEqual(["ai-video-editor-and-generator", "unknown"]);
  });
});
