import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { LocalBackend } from "../../src/local/backend.js";
import { failure } from "../support/failure.js";
import { type MediaSet, makeMediaSet, tempDir } from "./fixtures.js";

/**
 * A person's project is never lost: no accepted batch may save a timeline the engine cannot read.
 * Reproduction (issue 15, item 1): a schema-valid duration that rounds to 0 ms was stored as
 * "d": 0, and from then on every edit, preview and export of the project failed.
 */

let set: MediaSet;
beforeAll(async () => {
  set = await makeMediaSet();
}, 60_000);

async function projectWithClip(): Promise<{ backend: LocalBackend; draftPath: () => Promise<string> }> {
  const home = await tempDir("vm-lost-");
  const backend = new LocalBackend(loadConfig({ VIDEO_MAKER_HOME: home, VIDEO_MAKER_BACKEND: "local" }, home));
  await backend.upload({ paths: [set.clip, set.photo, set.music] });
  await backend.applyEdits([{ op: "add_clip", media: "clip.mp4" }]);
  const draftPath = async () => join(backend.workspace.sessionDir((await backend.workspace.current()).session_id), "draft.json");
  return { backend, draftPath };
}

const TINY = [0.0004, 5e-324];
const OPS_WITH_A_DURATION = (duration: number): Array<Record<string, unknown>> => [
  { op: "add_text", text: "hi", duration },
  { op: "trim", segment: "clip-1", duration },
  { op: "add_audio", media: "music.m4a", duration },
  { op: "add_image", media: "photo.png", duration },
  { op: "add_logo", media: "photo.png", duration },
];

describe("a duration that rounds to nothing is refused, and the project stays usable", () => {
  it.each(TINY)("every op with a duration refuses %s, each problem listed, nothing saved", async (duration) => {
    const { backend, draftPath } = await projectWithClip();
    const before = await readFile(await draftPath(), "utf8");
    const ops = OPS_WITH_A_DURATION(duration);
    const refused = await failure(backend.applyEdits(ops));
    expect(refused.code).toBe("invalid_input");
    for (const [index, op] of ops.entries()) {
      expect(refused.message).toMatch(new RegExp(`op ${index + 1} \\(${String(op.op)}\\): "duration" must be at least 0\\.001`));
    }
    expect(await readFile(await draftPath(), "utf8")).toBe(before);
    // The project still takes edits, previews and reads.
    await backend.applyEdits([{ op: "add_text", text: "still here", duration: 1 }]);
    expect((await backend.getState()).timeline).toMatch(/still here/);
    expect((await backend.previewFrame(0.5)).png.byteLength).toBeGreaterThan(100);
  });

  it("the shortest length the draft can hold (1 ms) is accepted and the project still renders a frame", async () => {
    const { backend } = await projectWithClip();
    await backend.applyEdits([{ op: "add_text", text: "blink", at: 0.5, duration: 0.001 }]);
    expect((await backend.previewFrame(0.5)).png.byteLength).toBeGreaterThan(100);
  });
});
