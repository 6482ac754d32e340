import { spawnSync } from "node:child_process";
import { mkdtemp, mkdir, readFile, readdir, stat, writeFile, chmod, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { isAllowedServiceUrl, loadConfig } from "../../src/config.js";
import { detectPlatformFromPath, frontmatterField, frontmatterMetadataField, skillVersionFrom } from "../../src/core/skills.js";
import { ensurePrivateDir, keepDamagedCopy, readJsonFile, readJsonState, withFileLock, writeJsonFileAtomic } from "../../src/core/store.js";

describe("detectPlatformFromPath", () => {
  const table: Array<[string, boolean, string]> = [
    ["/home/a/.clawhub/skills/video-maker", false, "clawhub"],
    ["/home/a/.openclaw/skills/video-maker", false, "clawhub"],
    ["/work/my-agent/skills/video-maker", true, "clawhub"],
    ["/home/a/.cursor/skills/video-builder", false, "cursor"],
    ["C:\\Users\\a\\.cursor\\skills\\video-create", false, "cursor"],
    ["/home/a/.claude/skills/video-maker", false, "unknown"],
    ["/usr/lib/node_modules/video-maker", false, "unknown"],
  ];
  for (const [path, origin, expected] of table) {
    it(`${path}${origin ? " (+origin.json)" : ""} → ${expected}`, () => expect(detectPlatformFromPath(path, origin)).toBe(expected));
  }
});

describe("frontmatterField", () => {
  it("reads flat scalars, quoted or not, and ignores the body", () => {
    const md = "---\nname: video-create\nversion: '1.2.3'\ndescription: \"x: y\"\n---\nversion: 9.9.9\n";
    expect(frontmatterField(md, "version")).toBe("1.2.3");
    expect(frontmatterField(md, "name")).toBe("video-create");
    expect(frontmatterField(md, "description")).toBe("x: y");
    expect(frontmatterField("no frontmatter", "version")).toBeUndefined();
    expect(frontmatterField("---\r\nversion: 2.0.0\r\n---\r\n", "version")).toBe("2.0.0");
  });
});

describe("skillVersionFrom (sent as X-Skill-Version)", () => {
  const md = [
    "---",
    "name: video-create",
    "description: x",
    "metadata:",
    "  openclaw:",
    "    version: 9.9.9",
    "    envVars:",
    "      - name: NEMO_TOKEN",
    "        version: 8.8.8",
    '  version: "1.2.3"',
    "license: MIT",
    "---",
    "version: 7.7.7",
    "",
  ].join("\n");

  it("reads metadata.version, not a deeper `version:` nor one in the body", () => {
    expect(skillVersionFrom(md)).toBe("1.2.3");
    expect(frontmatterMetadataField(md, "version")).toBe("1.2.3");
    expect(frontmatterMetadataField(md, "license")).toBeUndefined(); // a top-level key ends the mapping
    expect(frontmatterField(md, "version")).toBeUndefined();
  });

  it("reads a one-line JSON metadata, CRLF files and tab indentation", () => {
    expect(skillVersionFrom('---\nname: a\nmetadata: {"version": "2.0.0", "openclaw": {"emoji": "x"}}\n---\n')).toBe("2.0.0");
    expect(skillVersionFrom("---\r\nname: a\r\nmetadata:\r\n  version: '3.1.0'\r\n---\r\n")).toBe("3.1.0");
    expect(skillVersionFrom("---\nmetadata:\n\tversion: 4.0.0\n---\n")).toBe("4.0.0");
  });

  it("falls back to the top-level version of SKILL.md files from before the move, else nothing", () => {
    expect(skillVersionFrom("---\nname: a\nversion: 0.9.0\nmetadata:\n  openclaw:\n    emoji: x\n---\n")).toBe("0.9.0");
    expect(skillVersionFrom("---\nname: a\nmetadata:\n  author: me\n---\n")).toBeUndefined();
    expect(skillVersionFrom("no frontmatter")).toBeUndefined();
  });
});

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    const config = loadConfig({ HOME: "/home/x", XDG_CONFIG_HOME: "/cfg" }, "/");
    expect(config.apiBase.toString()).toBe("https://mega-api-prod.nemovideo.ai/");
    expect(config.webBase.origin).toBe("https://nemovideo.com");
    expect(config.home).toBe("/cfg/video-maker");
    expect(config.backend).toBe("nemo");
    expect(config.skill).toBe("video-maker");
    expect(config.skillVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(config.platform).toBe("unknown");
    expect(config.userToken).toBeUndefined();
    expect(config.ffmpegPath).toBe("ffmpeg");
  });

  it("treats empty variables as unset", () => {
    expect(loadConfig({ NEMO_API_BASE: "", NEMO_TOKEN: "  " }, "/").apiBase.hostname).toBe("mega-api-prod.nemovideo.ai");
  });

  it("speaks as the skill whose folder the CLI runs in", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vm-skill-"));
    const skill = join(dir, ".cursor", "skills", "video-create");
    await mkdir(skill, { recursive: true });
    await writeFile(join(skill, "SKILL.md"), '---\nname: video-create\nmetadata:\n  version: "3.4.5"\n---\n');
    const config = loadConfig({}, skill);
    expect([config.skill, config.skillVersion, config.platform]).toEqual(["video-create", "3.4.5", "cursor"]);
    // A copy installed before the version moved under metadata still says which version it is.
    await writeFile(join(skill, "SKILL.md"), "---\nname: video-create\nversion: 3.4.4\n---\n");
    expect(loadConfig({}, skill).skillVersion).toBe("3.4.4");
  });

  it("rejects bad values with a message naming the variable", () => {
    expect(() => loadConfig({ VIDEO_MAKER_BACKEND: "cloud" }, "/")).toThrow(/VIDEO_MAKER_BACKEND/);
    expect(() => loadConfig({ VIDEO_MAKER_PLATFORM: "vscode" }, "/")).toThrow(/VIDEO_MAKER_PLATFORM/);
    expect(() => loadConfig({ NEMO_API_BASE: "ftp://x" }, "/")).toThrow(/NEMO_API_BASE/);
    expect(() => loadConfig({ NEMO_API_BASE: "not a url" }, "/")).toThrow(/not a valid URL/);
    expect(() => loadConfig({ VIDEO_MAKER_DEBUG: "verbose" }, "/")).toThrow(/VIDEO_MAKER_DEBUG must be 1 or 0 .* not "verbose"/);
  });

  it("reads VIDEO_MAKER_DEBUG as a switch", () => {
    const table: Array<[string | undefined, boolean]> = [
      [undefined, false],
      ["", false],
      ["  ", false],
      ["1", true],
      ["true", true],
      [" YES ", true],
      ["on", true],
      ["0", false],
      ["false", false],
      ["no", false],
      ["Off", false],
    ];
    for (const [raw, debug] of table) expect([raw, loadConfig(raw === undefined ? {} : { VIDEO_MAKER_DEBUG: raw }, "/").debug]).toEqual([raw, debug]);
  });

  it("allows plain http only on loopback", () => {
    const table: Array<[string, boolean]> = [
      ["https://api.example.com", true],
      ["http://127.0.0.1:8080", true],
      ["http://127.8.9.10", true],
      ["http://localhost:3000", true],
      ["http://[::1]:3000", true],
      ["http://10.0.0.5", false],
      ["http://example.com", false],
      ["http://localhost.evil.com", false],
      ["file:///etc/passwd", false],
    ];
    for (const [url, allowed] of table) expect([url, isAllowedServiceUrl(new URL(url))]).toEqual([url, allowed]);
  });
});

describe("state store", () => {
  it("writes 0600 files in a 0700 folder, atomically, and tightens an existing folder", async () => {
    const root = await mkdtemp(join(tmpdir(), "vm-store-"));
    const dir = join(root, "state");
    await mkdir(dir, { mode: 0o755 });
    await chmod(dir, 0o755);
    await ensurePrivateDir(dir);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const file = join(dir, "a.json");
    await writeJsonFileAtomic(file, { n: 1 });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(["a.json"]);
    expect(await readJsonFile(file, z.object({ n: z.number() }))).toEqual({ n: 1 });
    await writeFile(file, "{broken");
    expect(await readJsonFile(file, z.object({ n: z.number() }))).toBeUndefined();
    expect(await readJsonFile(join(dir, "none.json"), z.object({}))).toBeUndefined();
  });

  it("tells an absent file from a damaged one (empty, cut off, another shape)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vm-state-"));
    const file = join(dir, "a.json");
    const schema = z.object({ n: z.number() });
    expect(await readJsonState(file, schema)).toEqual({ status: "absent" });
    await writeJsonFileAtomic(file, { n: 1 });
    expect(await readJsonState(file, schema)).toEqual({ status: "ok", value: { n: 1 } });
    const cases: Array<[string, RegExp]> = [
      ["", /^the file is empty$/],
      ['{"n": 1', /^it is not complete JSON \(cut off or overwritten\)$/],
      ['{"n": "one"}', /^its content is not what video-maker writes there \(.* at n\)$/],
    ];
    for (const [text, reason] of cases) {
      await writeFile(file, text);
      const read = await readJsonState(file, schema);
      expect(read).toEqual({ status: "damaged", reason: expect.stringMatching(reason), bytes: Buffer.from(text) });
      // The lenient reader used for re-creatable state still sees nothing.
      expect(await readJsonFile(file, schema)).toBeUndefined();
    }
  });

  it("keeps a damaged file's bytes beside it, private, once per content", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vm-keep-"));
    const file = join(dir, "draft.json");
    await writeFile(file, '{"t": [');
    const bytes = await readFile(file);
    const copies = await Promise.all([keepDamagedCopy(file, bytes), keepDamagedCopy(file, bytes)]);
    expect(copies[0]).toMatch(/\/draft\.json\.damaged-\d{8}T\d{6}Z-[0-9a-f]{12}$/);
    expect(copies).toContain(await keepDamagedCopy(file, bytes));
    expect(await readFile(copies[0]!)).toEqual(bytes);
    expect((await stat(copies[0]!)).mode & 0o777).toBe(0o600);
    await writeFile(file, '{"t": [1');
    const other = await keepDamagedCopy(file, await readFile(file));
    expect(other).not.toBe(copies[0]);
    // No temp files left; the two contents, two copies (the racing pair may have made one each if the clock ticked).
    const names = (await readdir(dir)).filter((n) => n !== "draft.json");
    expect(names.every((n) => n.startsWith("draft.json.damaged-") && !n.endsWith(".tmp"))).toBe(true);
    expect(new Set(names.map((n) => n.slice(-12))).size).toBe(2);
  });

  it("serialises read-modify-write cycles under the lock", async () => {
    const root = await mkdtemp(join(tmpdir(), "vm-lock-"));
    const file = join(root, "counter.json");
    await writeJsonFileAtomic(file, { n: 0 });
    const schema = z.object({ n: z.number() });
    await Promise.all(
      Array.from({ length: 25 }, () =>
        withFileLock(file, async () => {
          const current = (await readJsonFile(file, schema))!.n;
          await new Promise((resolve) => setTimeout(resolve, 1));
          await writeJsonFileAtomic(file, { n: current + 1 });
        }),
      ),
    );
    expect(JSON.parse(await readFile(file, "utf8")).n).toBe(25);
  });

  it("sweeps the temp files of killed writers, and only those, on its first write to a folder", async () => {
    const root = await mkdtemp(join(tmpdir(), "vm-sweep-"));
    const deadPid = spawnSync(process.execPath, ["-e", ""]).pid!;
    const aWhileAgo = new Date(Date.now() - 5 * 60_000);
    // [name, old enough to be a killed writer's, swept]
    const files: [string, boolean, boolean][] = [
      [`job.json.${deadPid}.0badc0de.tmp`, true, true],
      [`job.json.lock.${deadPid}.0123abcd.stale`, true, true],
      [`other.json.${deadPid}.89abcdef.tmp`, true, true],
      [`fresh.json.${deadPid}.deadbeef.tmp`, false, false], // its writer may live in another pid namespace
      [`live.json.${process.pid}.feedface.tmp`, true, false], // its writer is alive
      ["notes.tmp", true, false], // not a name the store writes
      [`job.json.${deadPid}.NOTHEX!!.tmp`, true, false],
    ];
    for (const [name, old] of files) {
      await writeFile(join(root, name), "{");
      if (old) await utimes(join(root, name), aWhileAgo, aWhileAgo);
    }
    await writeJsonFileAtomic(join(root, "job.json"), { n: 1 });
    const kept = files.filter(([, , swept]) => !swept).map(([name]) => name);
    expect((await readdir(root)).sort()).toEqual([...kept, "job.json"].sort());
  });

  it("breaks a lock left by a dead process", async () => {
    const root = await mkdtemp(join(tmpdir(), "vm-lock-"));
    const file = join(root, "x.json");
    await writeFile(`${file}.lock`, "999999999");
    await expect(withFileLock(file, async () => "ran", 2000)).resolves.toBe("ran");
  });
});
