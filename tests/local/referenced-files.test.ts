import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { LocalBackend } from "../../src/local/backend.js";
import { makePng, makeVideo } from "../integration/media-fixtures.js";
import { failure } from "../support/failure.js";
import { tempDir } from "./fixtures.js";

/**
 * A file an op names by absolute path is that op's business: one that cannot be used is a
 * problem of its op, reported with every other op's problems in the one all-or-nothing
 * error, and a refused batch registers nothing.
 */

let files: string;
let photo: string;
let clip: string;

beforeAll(async () => {
  files = await tempDir("vm-files-");
  [photo, clip] = await Promise.all([makePng(files, "photo.png"), makeVideo(files, "clip.mp4", 1)]);
}, 30_000);

async function freshBackend(): Promise<{ backend: LocalBackend; mediaFile: () => Promise<string>; draftFile: () => Promise<string> }> {
  const home = await tempDir("vm-home-");
  const backend = new LocalBackend(loadConfig({ VIDEO_MAKER_HOME: home, VIDEO_MAKER_BACKEND: "local" }, home));
  const dir = async () => backend.workspace.sessionDir((await backend.workspace.current()).session_id);
  return {
    backend,
    mediaFile: async () => readFile(join(await dir(), "media.json"), "utf8"),
    draftFile: async () => readFile(join(await dir(), "draft.json"), "utf8"),
  };
}

describe("files named by path in the edits", () => {
  it("a missing file is one problem among the others, all reported at once", async () => {
    const { backend } = await freshBackend();
    const error = await failure(
      backend.applyEdits([
        { op: "add_clip", media: "/nope/missing.mp4" },
        { op: "add_clip", media: "nope.mp4" },
        { op: "add_subtitles", file: "/nope/subs.srt" },
        { op: "add_text", text: "fine" },
        { op: "add_image", media: "/nope/missing.mp4", durraton: 2 },
      ]),
    );
    expect(error.code).toBe("invalid_input");
    expect(error.message.split("\n")).toEqual([
      "5 problems in the edits, so nothing was changed:",
      "- op 1 (add_clip): /nope/missing.mp4: No file exists at this path.",
      '- op 2 (add_clip): no uploaded media is called "nope.mp4" (nothing is uploaded yet)',
      "- op 3 (add_subtitles): The subtitle file /nope/subs.srt cannot be read (missing or not permitted).",
      "- op 5 (add_image): /nope/missing.mp4: No file exists at this path.",
      '- op 5 (add_image): unknown field "durraton"; add_image takes media, duration, at, fit, ken_burns',
    ]);
  });

  it("a refused batch registers none of its files; an accepted one registers them", async () => {
    const { backend, mediaFile, draftFile } = await freshBackend();
    await backend.applyEdits([{ op: "add_text", text: "Before" }]);
    const [media, draft] = [await mediaFile(), await draftFile()];

    const error = await failure(
      backend.applyEdits([
        { op: "add_image", media: photo, duration: 2 },
        { op: "add_clip", media: clip },
        { op: "remove", segment: "clip-9" },
      ]),
    );
    expect(error.message).toBe('1 problem in the edits, so nothing was changed:\n- op 3 (remove): there is no segment "clip-9" (ids: image-1, clip-1, text-1)');
    expect(await mediaFile()).toBe(media);
    expect(await draftFile()).toBe(draft);
    expect(await backend.listMedia()).toEqual([]);

    const accepted = await backend.applyEdits([
      { op: "add_image", media: photo, duration: 2 },
      { op: "add_clip", media: clip },
    ]);
    expect(accepted.outline.slice(0, 2)).toEqual(["image-1 photo.png 0-2s", "clip-1 clip.mp4 2-3s"]);
    expect((await backend.listMedia()).map((m) => [m.id, m.name])).toEqual([["media-1", "photo.png"], ["media-2", "clip.mp4"]]);
    const state = await backend.getState();
    expect(state.draft.t[0]!.sg.map((s) => s["src"])).toEqual(["media-1", "media-2"]);
  });

  it("a file uploaded meanwhile keeps its id: the edit's new files take the next ones", async () => {
    const { backend } = await freshBackend();
    await backend.upload({ paths: [clip] });
    const result = await backend.applyEdits([{ op: "add_image", media: photo }, { op: "add_clip", media: "clip.mp4" }]);
    expect(result.outline.map((line) => line.split(" ").slice(0, 2).join(" "))).toEqual(["image-1 photo.png", "clip-1 clip.mp4"]);
    expect((await backend.listMedia()).map((m) => [m.id, m.name])).toEqual([["media-1", "clip.mp4"], ["media-2", "photo.png"]]);
  });
});
