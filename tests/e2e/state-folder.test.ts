import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, open, readFile, readdir, rm, symlink, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeVideo } from "../integration/media-fixtures.js";

/**
 * Issue 12, item 5: an unusable VIDEO_MAKER_HOME and a full disk, through the built CLI.
 * They used to read "Something went wrong: ENOTDIR … mkdir" with exit 5 (the network's), and a
 * full disk left `draft.json.<pid>.<hex>.tmp` behind. Now: exit 4, the folder named, what to do.
 */

const BIN = resolve("dist/cli.js");
const isRoot = process.getuid?.() === 0;
let root: string;
let clip: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "vm-home-"));
  clip = await makeVideo(root, "beach.mp4");
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], home: string, backend: "local" | "nemo" = "local", input?: string): Promise<Run> {
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: {
          PATH: process.env.PATH ?? "",
          HOME: root,
          VIDEO_MAKER_HOME: home,
          VIDEO_MAKER_BACKEND: backend,
          VIDEO_MAKER_OUTPUT_DIR: join(root, "out"),
          // Nothing listens here: a state folder problem must be found before any request.
          NEMO_API_BASE: "http://127.0.0.1:9",
        },
        cwd: root,
        timeout: 60_000,
      },
      (error, stdout, stderr) => done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
    if (input !== undefined) child.stdin!.end(input);
  });
}

function expectConfigMessage(run: Run, home: string, reason: RegExp): void {
  expect(run.code, run.stderr).toBe(4);
  expect(run.stderr).toContain(`video-maker cannot use its state folder ${home}`);
  expect(run.stderr).toMatch(reason);
  expect(run.stderr).toContain("Set VIDEO_MAKER_HOME to a folder you can write to");
  expect(run.stderr).not.toMatch(/Something went wrong|ENOTDIR|EACCES|EROFS|ELOOP|\bmkdir\b|\n\s+at /);
}

describe("an unusable VIDEO_MAKER_HOME is a configuration error that names the folder", () => {
  for (const backend of ["local", "nemo"] as const) {
    it(`a home under a regular file (ENOTDIR), ${backend} backend: exit 4, the folder and what to do`, async () => {
      const file = join(root, `plain-file-${backend}`);
      await writeFile(file, "not a folder");
      const home = join(file, "home");
      expectConfigMessage(await cli(["state"], home, backend), home, /a file stands where a folder should be/);
    });

    it(`a home that is itself a regular file, ${backend} backend`, async () => {
      const home = join(root, `home-is-a-file-${backend}`);
      await writeFile(home, "not a folder");
      expectConfigMessage(await cli(["upload", clip], home, backend), home, /a file stands where a folder should be/);
    });
  }

  it("a home that is a symbolic link looping back on itself", async () => {
    const home = join(root, "loop");
    await symlink(home, home);
    expectConfigMessage(await cli(["upload", clip], home), home, /a symbolic link on its path loops back on itself/);
  });

  it("a read-only home (chmod 500; as root, a read-only mount, since chmod does not stop root)", async (ctx) => {
    const home = join(root, "read-only");
    await mkdir(home);
    if (isRoot) {
      if (!(await mountTmpfs(home, "ro,size=64k"))) return ctx.skip("mount -t tmpfs is not allowed here");
    } else {
      await chmod(home, 0o500);
    }
    try {
      expectConfigMessage(await cli(["upload", clip], home), home, isRoot ? /it is on a read-only disk/ : /permission denied/);
    } finally {
      if (isRoot) await umount(home);
      else await chmod(home, 0o700);
    }
  });
});

describe("a full disk during an edit (a real 256 KB tmpfs as VIDEO_MAKER_HOME)", () => {
  it("says so in words (exit 4), leaves no temp file or lock behind, keeps the draft, and works once there is space", async (ctx) => {
    // A real full disk needs a small file system of its own; without root, tests/unit/fs-errors.test.ts writes to /dev/full.
    if (!isRoot) return ctx.skip("mounting a small tmpfs needs root");
    const home = join(root, "small-disk");
    await mkdir(home);
    if (!(await mountTmpfs(home, "size=256k"))) return ctx.skip("mount -t tmpfs is not allowed here");
    try {
      expect((await cli(["upload", clip], home)).code).toBe(0);
      const first = await cli(["apply", "-"], home, "local", JSON.stringify([{ op: "add_clip", media: "beach.mp4" }]));
      expect(first.code, first.stderr).toBe(0);
      const session = (await readdir(join(home, "local", "sessions")))[0]!;
      const draftPath = join(home, "local", "sessions", session, "draft.json");
      const before = await readFile(draftPath, "utf8");

      // Fill the disk, then free one page: the session lock can be taken, draft.json cannot be written.
      const filler = join(home, "filler");
      const size = await fillDisk(filler);
      await truncate(filler, size - 4096);

      const full = await cli(["apply", "-"], home, "local", JSON.stringify([{ op: "add_clip", media: "beach.mp4" }]));
      expect(full.code, full.stderr).toBe(4);
      expect(full.stderr).toContain(`There is no space left on the disk that holds ${home} (video-maker's state folder, VIDEO_MAKER_HOME)`);
      expect(full.stderr).toContain("Free some space, then try again.");
      expect(full.stderr).not.toMatch(/Something went wrong|ENOSPC/);
      expect(await readFile(draftPath, "utf8")).toBe(before);
      const leftovers = (await listAll(home)).filter((path) => /\.tmp$|\.lock$/.test(path));
      expect(leftovers).toEqual([]);

      await rm(filler);
      const again = await cli(["apply", "-"], home, "local", JSON.stringify([{ op: "add_clip", media: "beach.mp4" }]));
      expect(again.code, again.stderr).toBe(0);
      expect(await readFile(draftPath, "utf8")).not.toBe(before);
    } finally {
      await umount(home);
    }
  });
});

async function mountTmpfs(dir: string, options: string): Promise<boolean> {
  return new Promise((done) => execFile("mount", ["-t", "tmpfs", "-o", options, "tmpfs", dir], (error) => done(!error)));
}

async function umount(dir: string): Promise<void> {
  await new Promise<void>((done) => execFile("umount", [dir], () => done()));
}

/** Writes 4 KiB pages into `path` until the disk refuses one; returns the bytes written. */
async function fillDisk(path: string): Promise<number> {
  const handle = await open(path, "w");
  const page = Buffer.alloc(4096, 1);
  let size = 0;
  try {
    for (;;) {
      await handle.write(page, 0, page.length, size);
      size += page.length;
    }
  } catch (error) {
    expect((error as NodeJS.ErrnoException).code).toBe("ENOSPC");
  } finally {
    await handle.close();
  }
  return size;
}

async function listAll(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map((entry) => join(dir, entry));
}
