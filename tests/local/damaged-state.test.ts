import { CLI_SURFACE_NAMES } from "../../src/cli/surface-names.js";
import { MCP_SURFACE_NAMES } from "../../src/mcp/surface-names.js";
import { readFile, readdir, rm, stat, truncate, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { exitCodeFor } from "../../src/cli.js";
import { EXIT } from "../../src/cli/context.js";
import { loadConfig } from "../../src/config.js";
import type { Draft } from "../../src/core/draft.js";
import { VideoMakerError } from "../../src/core/errors.js";
import { LocalBackend } from "../../src/local/backend.js";
import { StateDamagedError } from "../../src/local/damaged.js";
import { HISTORY_LIMIT } from "../../src/local/draft-history.js";
import { LocalWorkspace, type NewMedia } from "../../src/local/workspace.js";
import { tempDir } from "./fixtures.js";

/**
 * A project file that is there but cannot be read (cut off by a crash or a full disk, edited by
 * hand) is reported and kept byte for byte, never taken for absent and saved over; the last
 * saved timelines are kept so one can be restored.
 */

function backendAt(home: string): LocalBackend {
  return new LocalBackend(loadConfig({ VIDEO_MAKER_HOME: home, VIDEO_MAKER_BACKEND: "local" }, home));
}

async function failure(promise: Promise<unknown>): Promise<VideoMakerError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(VideoMakerError);
    return error as VideoMakerError;
  }
  throw new Error("expected a failure");
}

/** Cuts a file to half its bytes, as a crash or a full disk might. */
async function cutInHalf(path: string): Promise<Buffer> {
  await truncate(path, Math.floor((await stat(path)).size / 2));
  return readFile(path);
}

async function damagedCopies(dir: string, name: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.startsWith(`${name}.damaged-`)).map((n) => join(dir, n));
}

const title = (text: string) => ({ op: "add_text", text, at: 0, duration: 1 });

/** A project with two titles, made by a backend that is then dropped (a new process comes next). */
async function projectWithTitles(): Promise<{ home: string; dir: string; draft: Draft }> {
  const home = await tempDir("vm-dmg-");
  const first = backendAt(home);
  await first.applyEdits([title("one")]);
  await first.applyEdits([title("two")]);
  const state = await first.getState();
  return { home, dir: join(home, "local", "sessions", state.sessionId), draft: state.draft! };
}

describe("a damaged draft.json", () => {
  it("is reported, kept byte for byte, never saved over, and the last good version can be restored", async () => {
    const { home, dir, draft } = await projectWithTitles();
    const draftPath = join(dir, "draft.json");
    const cut = await cutInHalf(draftPath);
    const backend = backendAt(home);

    const error = await failure(backend.getState());
    expect(error).toBeInstanceOf(StateDamagedError);
    expect([error.code, error.kind, exitCodeFor(error)]).toEqual(["state_damaged", "config", EXIT.account]);
    const [copy] = await damagedCopies(dir, "draft.json");
    expect(error.message).toBe(
      `The project's timeline (draft.json) cannot be read: it is not complete JSON (cut off or overwritten). The file is ${draftPath}; a copy was kept as ${copy}, and video-maker will not save over it. ` +
        `The last good version, saved ${(error as StateDamagedError).lastGood!.savedAt}, is ${(error as StateDamagedError).lastGood!.path}: copy it over draft.json to go on from there, or start a new project (this one stays in ${dir}).`,
    );
    expect(await readFile(copy!)).toEqual(cut);
    expect((await stat(copy!)).mode & 0o777).toBe(0o600);
    // The last good version is exactly what was last saved.
    expect((error as StateDamagedError).lastGood!.draft).toEqual(draft);

    // An edit fails the same way and leaves the damaged file as it was; reads add no second copy.
    expect((await failure(backend.applyEdits([title("three")]))).code).toBe("state_damaged");
    await expect(backend.previewFrame(0)).rejects.toThrow(/draft\.json\) cannot be read/);
    expect(await readFile(draftPath)).toEqual(cut);
    expect(await damagedCopies(dir, "draft.json")).toEqual([copy]);

    const undo = await backend.workspace.undo((await backend.workspace.current()).session_id);
    expect(undo).toMatchObject({ undone: true, draft, message: expect.stringContaining(`kept as ${copy}) was replaced by the last good version`) });
    expect((await backend.getState()).draft).toEqual(draft);
    expect(await readFile(copy!)).toEqual(cut);
    await backend.applyEdits([title("three")]);
    expect((await backend.getState()).timeline).toBe('Timeline (1 track): 1. Title: "one" (0-1s), "two" (0-1s), "three" (0-1s)');
  });

  it("whose content is not a draft (valid JSON, wrong shape) is damaged too", async () => {
    const { home, dir } = await projectWithTitles();
    await writeFile(join(dir, "draft.json"), JSON.stringify({ t: "not tracks" }));
    const error = await failure(backendAt(home).getState());
    expect(error.message).toMatch(/^The project's timeline \(draft\.json\) cannot be read: its content is not what video-maker writes there \(.* at t\)\./);
  });

  it("with no earlier version says so, and undo has nothing to go back to", async () => {
    const home = await tempDir("vm-dmg-");
    const workspace = new LocalWorkspace(home);
    const { session_id } = await workspace.current();
    const dir = workspace.sessionDir(session_id);
    await writeFile(join(dir, "draft.json"), "");
    const error = await failure(workspace.readDraft(session_id));
    expect(error.message).toContain("cannot be read: the file is empty.");
    expect(error.message).toContain(`No earlier version of this timeline was kept. To go on, start a new project; this one stays in ${dir}.`);
    const undo = await workspace.undo(session_id);
    expect(undo).toEqual({ undone: false, message: expect.stringMatching(/^The timeline \(draft\.json\) is damaged and no earlier version of it was kept/) });
    expect(await readFile(join(dir, "draft.json"), "utf8")).toBe("");
  });
});

describe("a damaged session.json", () => {
  it("is reported with where the projects are; a new project keeps the old pointer's bytes and every project", async () => {
    const { home, dir, draft } = await projectWithTitles();
    const pointer = join(home, "local", "session.json");
    const draftBytes = await readFile(join(dir, "draft.json"));
    const cut = await cutInHalf(pointer);
    const backend = backendAt(home);

    const error = await failure(backend.getState());
    const sessions = join(home, "local", "sessions");
    const [copy] = await damagedCopies(join(home, "local"), "session.json");
    expect(error.code).toBe("state_damaged");
    expect(error.message).toBe(
      `The pointer to the current project (session.json) cannot be read: it is not complete JSON (cut off or overwritten). The file is ${pointer}; a copy was kept as ${copy}. ` +
        `Your projects are all still there, under ${sessions} (1 project, newest: ${basename(dir)}). To go on, start a new project; the old projects stay under ${sessions}.`,
    );
    expect((await failure(backend.applyEdits([title("x")]))).code).toBe("state_damaged");
    expect(await readFile(pointer)).toEqual(cut);
    expect(await readdir(sessions)).toHaveLength(1);

    const fresh = await backend.newSession();
    expect(join(sessions, fresh.sessionId)).not.toBe(dir);
    expect((await backend.getState()).draft).toEqual({ t: [] });
    expect(await readFile(copy!)).toEqual(cut);
    expect(await readFile(join(dir, "draft.json"))).toEqual(draftBytes);
    expect(JSON.parse(draftBytes.toString())).toEqual(draft);
  });

  it("is kept even when a new project is started without reading it first", async () => {
    const home = await tempDir("vm-dmg-");
    await new LocalWorkspace(home).current();
    const pointer = join(home, "local", "session.json");
    const cut = await cutInHalf(pointer);
    await new LocalWorkspace(home).create();
    const copies = await damagedCopies(join(home, "local"), "session.json");
    expect(copies).toHaveLength(1);
    expect(await readFile(copies[0]!)).toEqual(cut);
  });
});

describe("a damaged media.json", () => {
  it("is reported and kept; edits and new media fail without touching the timeline or the file", async () => {
    const { home, dir } = await projectWithTitles();
    const mediaPath = join(dir, "media.json");
    const draftBytes = await readFile(join(dir, "draft.json"));
    const cut = await cutInHalf(mediaPath);
    const backend = backendAt(home);

    const error = await failure(backend.getState());
    const [copy] = await damagedCopies(dir, "media.json");
    expect(error.message).toBe(
      `The project's media list (media.json) cannot be read: it is not complete JSON (cut off or overwritten). The file is ${mediaPath}; a copy was kept as ${copy}, and video-maker will not save over it. ` +
        `The timeline was not changed. To go on, start a new project and add the media again; this project stays in ${dir}.`,
    );
    expect((await failure(backend.applyEdits([title("three")]))).code).toBe("state_damaged");
    const { session_id } = await backend.workspace.current();
    const file: NewMedia = {
      path: "/x/a.mp4", name: "a.mp4", size: 1, mtime_ms: 0, sha256: "0",
      kind: "video", rotation: 0, has_audio: true, has_video: true, duration_ms: 1000,
    };
    expect((await failure(backend.workspace.registerMedia(session_id, [file]))).code).toBe("state_damaged");
    expect(await readFile(mediaPath)).toEqual(cut);
    expect(await readFile(join(dir, "draft.json"))).toEqual(draftBytes);
    expect(await readFile(copy!)).toEqual(cut);
  });
});

describe("draft history and undo", () => {
  const text = (n: number): Draft => ({ t: [{ tt: 7, sg: Array.from({ length: n }, (_, i) => ({ id: `text-${i + 1}`, st: 0, d: 1000, tx: String(i) })) }] });

  it(`keeps the last ${HISTORY_LIMIT} saved versions, private, and undo walks back through them`, async () => {
    const workspace = new LocalWorkspace(await tempDir("vm-hist-"));
    const { session_id } = await workspace.current();
    const historyDir = join(workspace.sessionDir(session_id), "history");
    let current = await workspace.readDraft(session_id);
    for (let n = 1; n <= 25; n++) {
      // `expected` as read back: replaceDraft compares the JSON text.
      expect(await workspace.replaceDraft(session_id, current, text(n))).toBe(true);
      current = await workspace.readDraft(session_id);
    }
    // A batch that changes nothing adds no version.
    expect(await workspace.replaceDraft(session_id, current, current)).toBe(true);
    const names = (await readdir(historyDir)).sort();
    expect(names).toHaveLength(HISTORY_LIMIT);
    expect([names[0], names.at(-1)]).toEqual(["draft-000007.json", "draft-000026.json"]);
    expect((await stat(historyDir)).mode & 0o777).toBe(0o700);
    for (const name of names) expect((await stat(join(historyDir, name))).mode & 0o777).toBe(0o600);

    for (let n = 24; n >= 25 - (HISTORY_LIMIT - 1); n--) {
      expect(await workspace.undo(session_id)).toMatchObject({ undone: true, draft: text(n) });
      expect(await workspace.readDraft(session_id)).toEqual(text(n));
    }
    expect(await workspace.undo(session_id)).toEqual({ undone: false, message: "There is nothing to undo: no earlier version of this timeline was kept." });
    expect(await workspace.readDraft(session_id)).toEqual(text(6));
  });

  it("undoes a backend's edits back to the empty timeline, then edits on from there", async () => {
    const home = await tempDir("vm-hist-");
    const backend = backendAt(home);
    await backend.applyEdits([title("one")]);
    const afterOne = (await backend.getState()).draft;
    await backend.applyEdits([title("two")]);
    const { session_id } = await backend.workspace.current();
    expect(await backend.workspace.undo(session_id)).toMatchObject({ undone: true, draft: afterOne });
    expect(await backend.workspace.undo(session_id)).toMatchObject({ undone: true, draft: { t: [] } });
    expect((await backend.workspace.undo(session_id)).undone).toBe(false);
    await backend.applyEdits([title("again")]);
    expect(await backend.workspace.undo(session_id)).toMatchObject({ undone: true, draft: { t: [] } });
  });

  it("steps back to the previous version when the newest was never written to the history (a crash right after saving)", async () => {
    const workspace = new LocalWorkspace(await tempDir("vm-hist-"));
    const { session_id } = await workspace.current();
    expect(await workspace.replaceDraft(session_id, await workspace.readDraft(session_id), text(1))).toBe(true);
    expect(await workspace.replaceDraft(session_id, await workspace.readDraft(session_id), text(2))).toBe(true);
    const historyDir = join(workspace.sessionDir(session_id), "history");
    await rm(join(historyDir, "draft-000003.json"));
    expect(await workspace.undo(session_id)).toMatchObject({ undone: true, draft: text(1) });
  });

  it("stays consistent under concurrent writers from two workspaces", async () => {
    const home = await tempDir("vm-hist-");
    const a = new LocalWorkspace(home);
    const b = new LocalWorkspace(home);
    const { session_id } = await a.current();
    const appendOne = async (workspace: LocalWorkspace, label: string): Promise<void> => {
      for (;;) {
        const before = await workspace.readDraft(session_id);
        const segments = before.t[0]?.sg ?? [];
        const next: Draft = { t: [{ tt: 7, sg: [...segments, { id: label, st: 0, d: 1000, tx: label }] }] };
        if (await workspace.replaceDraft(session_id, before, next)) return;
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, i) => appendOne(i % 2 ? a : b, `w${i}`)));
    const final = await a.readDraft(session_id);
    expect(final.t[0]!.sg.map((s) => s.id).sort()).toEqual(["w0", "w1", "w2", "w3", "w4", "w5", "w6", "w7"]);
    const historyDir = join(a.sessionDir(session_id), "history");
    const names = (await readdir(historyDir)).sort();
    expect(names).toHaveLength(9);
    const versions = await Promise.all(names.map(async (n) => JSON.parse(await readFile(join(historyDir, n), "utf8")) as Draft));
    versions.forEach((v, i) => expect(v.t[0]?.sg.length ?? 0).toBe(i));
    expect(versions.at(-1)).toEqual(final);
  });
});

describe("the way out is named for the reader's surface", () => {
  it.each([
    [MCP_SURFACE_NAMES, "start a new project (new_session)"],
    [CLI_SURFACE_NAMES, "start a new project (video-maker new)"],
  ])("names its own new-project action", async (names, words) => {
    const home = await tempDir("vm-dmg-names-");
    const workspace = new LocalWorkspace(home, names);
    const { session_id } = await workspace.current();
    await writeFile(join(workspace.sessionDir(session_id), "draft.json"), "{");
    const error = await failure(workspace.readDraft(session_id));
    expect(error.message).toContain(words);
  });
});
