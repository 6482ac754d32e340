import { createHash } from "node:crypto";
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { recordsFor } from "../../src/local/referenced-files.js";
import { LocalWorkspace, type NewMedia, hashFile, verifySources } from "../../src/local/workspace.js";
import { tempDir } from "./fixtures.js";

async function newFile(dir: string, name: string, content: string): Promise<NewMedia> {
  const path = join(dir, name);
  await writeFile(path, content);
  const info = await stat(path);
  return {
    path, name, size: info.size, mtime_ms: info.mtimeMs, sha256: await hashFile(path),
    kind: "video", rotation: 0, has_audio: true, has_video: true, duration_ms: 1000,
  };
}

describe("LocalWorkspace", () => {
  it("keeps the current project in <home>/local, private, and starts new ones", async () => {
    const home = await tempDir("vm-ws-");
    const workspace = new LocalWorkspace(home);
    const first = await workspace.current();
    expect(first.session_id).toMatch(/^local-\d{8}-\d{6}-[0-9a-f]{6}$/);
    expect(await new LocalWorkspace(home).current()).toEqual(first);
    expect((await stat(join(home, "local", "session.json"))).mode & 0o777).toBe(0o600);
    expect((await stat(join(home, "local", "sessions", first.session_id))).mode & 0o777).toBe(0o700);
    const second = await new LocalWorkspace(home).create("de");
    // another process started a new project: this one follows
    expect((await workspace.current()).session_id).toBe(second.session_id);
    expect(await workspace.readDraft(second.session_id)).toEqual({ t: [] });
  });

  it("gives media stable ids; the same path keeps its id with fresh facts", async () => {
    const home = await tempDir("vm-ws-");
    const files = await tempDir("vm-files-");
    const workspace = new LocalWorkspace(home);
    const { session_id } = await workspace.current();
    const a = await newFile(files, "a.mp4", "aaa");
    const b = await newFile(files, "b.mp4", "bbbb");
    expect((await workspace.registerMedia(session_id, [a, b])).map((m) => m.id)).toEqual(["media-1", "media-2"]);
    const changedA = await newFile(files, "a.mp4", "aaaaaa");
    const [again] = await workspace.registerMedia(session_id, [changedA]);
    expect([again!.id, again!.size]).toEqual(["media-1", 6]);
    expect((await workspace.readMedia(session_id)).map((m) => m.id)).toEqual(["media-1", "media-2"]);
  });

  it("saves a draft only over the one it was computed from", async () => {
    const workspace = new LocalWorkspace(await tempDir("vm-ws-"));
    const { session_id } = await workspace.current();
    const empty = await workspace.readDraft(session_id);
    const one = { t: [{ tt: 7, sg: [{ id: "text-1", st: 0, d: 1000, tx: "a" }] }] };
    expect(await workspace.replaceDraft(session_id, empty, one)).toBe(true);
    expect(await workspace.replaceDraft(session_id, empty, { t: [] })).toBe(false);
    expect(await workspace.readDraft(session_id)).toEqual(one);
  });

  it("registers the files an edit named with its draft, unless an upload took their ids meanwhile", async () => {
    const workspace = new LocalWorkspace(await tempDir("vm-ws-"));
    const files = await tempDir("vm-files-");
    const { session_id } = await workspace.current();
    const empty = await workspace.readDraft(session_id);
    const a = await newFile(files, "a.mp4", "aaa");
    const b = await newFile(files, "b.mp4", "bbbb");
    const edit = { t: [{ tt: 0, sg: [{ id: "clip-1", src: "media-1", st: 0, d: 1000 }] }] };
    // computed with a as media-1; then b is uploaded and takes media-1
    const planned = recordsFor([a], []);
    expect(planned.map((m) => m.id)).toEqual(["media-1"]);
    await workspace.registerMedia(session_id, [b]);
    expect(await workspace.replaceDraft(session_id, empty, edit, planned)).toBe(false);
    expect((await workspace.readMedia(session_id)).map((m) => m.name)).toEqual(["b.mp4"]);
    expect(await workspace.readDraft(session_id)).toEqual(empty);
    // computed again: a is media-2
    const again = recordsFor([a], await workspace.readMedia(session_id));
    const fixed = { t: [{ tt: 0, sg: [{ id: "clip-1", src: "media-2", st: 0, d: 1000 }] }] };
    expect(await workspace.replaceDraft(session_id, empty, fixed, again)).toBe(true);
    expect((await workspace.readMedia(session_id)).map((m) => [m.id, m.name])).toEqual([["media-1", "b.mp4"], ["media-2", "a.mp4"]]);
    expect(await workspace.readDraft(session_id)).toEqual(fixed);
  });

  it("says when the project folder is gone", async () => {
    const workspace = new LocalWorkspace(await tempDir("vm-ws-"));
    await expect(workspace.readDraft("local-gone")).rejects.toThrow(/The local project local-gone is gone/);
  });
});

describe("sources", () => {
  it("hashes by streaming", async () => {
    const dir = await tempDir();
    const path = join(dir, "big.bin");
    await writeFile(path, Buffer.alloc(3 * 1024 * 1024 + 7, 1));
    expect(await hashFile(path)).toBe(createHash("sha256").update(await readFile(path)).digest("hex"));
  });

  it("names every moved file, then every changed one", async () => {
    const dir = await tempDir();
    const kept = await newFile(dir, "kept.mp4", "k");
    const changed = await newFile(dir, "changed.mp4", "c");
    const record = (m: NewMedia, id: string) => ({ ...m, id, registered_at: "" });
    await expect(verifySources([record(kept, "media-1"), record(changed, "media-2")])).resolves.toBeUndefined();
    await writeFile(changed.path, "cc");
    await expect(verifySources([record(kept, "media-1"), record(changed, "media-2")])).rejects.toThrow(
      `${changed.path} changed on disk since it was added (size or modification time differ). Upload it again`,
    );
    const missing = { ...record(kept, "media-3"), path: join(dir, "missing.mp4") };
    await expect(verifySources([missing, record(changed, "media-2")])).rejects.toThrow(
      `${missing.path} is no longer there (moved, renamed or deleted)`,
    );
  });
});
