import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeVideo } from "../integration/media-fixtures.js";
import { runCli } from "./harness.js";

/**
 * No shell anywhere: the source never asks for one, and hostile file names go through the
 * local engine (ffprobe, ffmpeg) as names only, neither run nor read as options or patterns.
 */

const run = promisify(execFile);

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sourceFiles(path)));
    else if (/\.(ts|mjs|js)$/.test(entry.name)) out.push(path);
  }
  return out;
}

/** Each rule: what it forbids, and a line it must catch (so the rule itself is tested). */
const RULES: Array<{ rule: string; pattern: RegExp; catches: string }> = [
  { rule: "exec() runs a shell", pattern: /(?<![.\w])exec\s*\(/, catches: 'exec("ffmpeg -i " + path)' },
  { rule: "exec imported from child_process", pattern: /import\s*{[^}]*\bexec\b[^}]*}\s*from\s*["'](node:)?child_process["']/, catches: 'import { exec } from "node:child_process";' },
  { rule: "execSync runs a shell", pattern: /\bexecSync\b/, catches: "execSync(`ffprobe ${path}`)" },
  { rule: "child_process.exec", pattern: /child_process["']?\)?\.exec\b|\bcp\.exec\b/, catches: 'require("child_process").exec(cmd)' },
  { rule: "shell option", pattern: /\bshell\s*:\s*(true|["'`/])/, catches: "spawn(bin, args, { shell: true })" },
  { rule: "spawn with a command string", pattern: /\bspawn(Sync)?\(\s*(["'`][^"'`]*\s[^"'`]*["'`]|`[^`]*\$\{)/, catches: 'spawn("ffmpeg -i x.mp4 out.mp4")' },
  { rule: "a command line for sh", pattern: /["'`](\/bin\/)?(ba)?sh["'`]\s*,\s*\[\s*["'`]-c["'`]/, catches: 'execFile("sh", ["-c", command])' },
];

describe("no shell in the source", () => {
  it.each(RULES)("the rule \"$rule\" catches what it should", ({ pattern, catches }) => {
    expect(pattern.test(catches)).toBe(true);
  });

  it("src/ has no shell and only argument-array child processes", async () => {
    const files = await sourceFiles("src");
    expect(files.length).toBeGreaterThan(50);
    const hits: string[] = [];
    let childProcessUsers = 0;
    for (const file of files) {
      const text = await readFile(file, "utf8");
      if (text.includes("child_process")) childProcessUsers++;
      text.split("\n").forEach((line, index) => {
        for (const { rule, pattern } of RULES) if (pattern.test(line)) hits.push(`${file}:${index + 1}: ${rule}: ${line.trim()}`);
      });
      for (const match of text.matchAll(/import\s*{([^}]*)}\s*from\s*["']node:child_process["']/g)) {
        // Type-only names (`type ChildProcess`) are erased at build time: they start nothing.
        const names = match[1]!.split(",").map((n) => n.trim()).filter((n) => n && !n.startsWith("type "));
        for (const name of names) if (name !== "execFile" && name !== "spawn") hits.push(`${file}: imports ${name} from child_process`);
      }
    }
    expect(childProcessUsers).toBeGreaterThanOrEqual(4); // ffmpeg, ffprobe, fonts, doctor, demo: the scan saw them
    expect(hits).toEqual([]);
  });
});

describe("hostile file names through the local engine (the CLI, ffprobe, ffmpeg)", () => {
  let dir: string;
  const clips = ["$(touch PWNED).mp4", "; rm -rf keep;.mp4", "`touch PWNED2`.mp4", "-i.mp4", "--help.mp4", "a'b\"c:d[e],f;g.mp4"];
  const picture = "shot%d.png";

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "vm-sec-names-"));
    const clip = await makeVideo(dir, "source.mp4");
    for (const name of clips) await copyFile(clip, join(dir, name));
    await rm(join(dir, "source.mp4"));
    // "shot%d.png" is 64×48; image2's pattern reading would open the decoy shot0.png (32×32) instead.
    await run("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc=size=64x48", "-frames:v", "1", join(dir, "picture.png")]);
    await rename(join(dir, "picture.png"), join(dir, picture));
    await run("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "color=red:size=32x32", "-frames:v", "1", join(dir, "shot0.png")]);
    await mkdir(join(dir, "keep"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("registers each file as itself, renders them all, and runs nothing", async () => {
    const env = { PATH: process.env.PATH, HOME: dir, VIDEO_MAKER_HOME: join(dir, "home"), VIDEO_MAKER_OUTPUT_DIR: join(dir, "out"), VIDEO_MAKER_BACKEND: "local" };
    // Relative names, as a person types them after `--`, from the folder they are in.
    const upload = await runCli(["upload", "--json", "--", ...clips, picture], { env, cwd: dir });
    expect(upload.code, upload.stderr).toBe(0);
    const uploaded = JSON.parse(upload.stdout) as { uploaded: Array<{ name: string; width?: number; height?: number }>; rejected: unknown[] };
    expect(uploaded.rejected).toEqual([]);
    expect(uploaded.uploaded.map((u) => u.name)).toEqual([...clips, picture]);
    expect(uploaded.uploaded.at(-1)).toMatchObject({ name: picture, width: 64, height: 48 });

    const ops = join(dir, "ops.json");
    await writeFile(
      ops,
      JSON.stringify([
        { op: "set_format", resolution: 180 },
        ...clips.map((name) => ({ op: "add_clip", media: name })),
        { op: "add_image", media: picture, duration: 1 },
      ]),
    );
    const apply = await runCli(["apply", ops], { env, cwd: dir });
    expect(apply.code, apply.stderr).toBe(0);
    const exported = await runCli(["export", "--name", "names"], { env, cwd: dir, timeoutMs: 120_000 });
    expect(exported.code, exported.stderr).toBe(0);
    const file = exported.stdout.trim().split("\n").at(-1)!;
    const { stdout } = await run("ffprobe", ["-v", "error", "-show_entries", "format=duration:stream=width,height", "-of", "json", file]);
    const facts = JSON.parse(stdout) as { format: { duration: string }; streams: Array<{ width?: number; height?: number }> };
    expect(Number(facts.format.duration)).toBeCloseTo(clips.length + 1, 0);
    expect(facts.streams.find((s) => s.width)).toMatchObject({ width: 320, height: 180 });

    // Nothing ran: no file appeared from the names, the folder `keep` is still there.
    const everything = (await readdir(dir, { recursive: true })).map((p) => relative(dir, join(dir, String(p))));
    expect(everything.filter((p) => /PWNED/.test(p) && !clips.includes(p))).toEqual([]);
    expect((await stat(join(dir, "keep"))).isDirectory()).toBe(true);
  }, 120_000);
});
