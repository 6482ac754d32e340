import { describe, expect, it } from "vitest";
import { EDIT_OPS_GUIDE, EditOpSchema, MAX_OPS, OP_NAMES, applyOps } from "../../src/local/ops.js";
import { OPS } from "../../src/local/ops/index.js";
import { mediaUsedBy, readTimeline } from "../../src/local/timeline.js";
import { fakeMedia } from "./fixtures.js";

/** Everything about the ops that is derived from the registry (src/local/ops/index.ts). */

describe("the op registry", () => {
  it("names every op once, and the schema union, OP_NAMES and the guide follow it in order", () => {
    const names = OPS.map((op) => op.name);
    expect(new Set(names).size).toBe(names.length);
    expect(OP_NAMES).toEqual(names);
    expect(EditOpSchema.options.map((option) => option.shape.op.value)).toEqual(names);
    const table = EDIT_OPS_GUIDE.split("| op | fields (defaults) |\n|---|---|\n")[1]!.split("\n\n")[0]!;
    expect(table.split("\n").map((row) => /^\| ([a-z_]+) \| ./.exec(row)?.[1])).toEqual(names);
  });

  it("every op refuses a field it does not know, naming the ones it takes", async () => {
    for (const op of OPS) {
      const fields = Object.keys(op.schema.shape).filter((key) => key !== "op");
      await expect(applyOps({ t: [] }, [{ op: op.name, bogus: 1 }], [])).rejects.toThrow(`unknown field "bogus"; ${op.name} takes ${fields.join(", ")}`);
    }
  });

  it("lists the ops in the unknown-op message and refuses more than MAX_OPS", async () => {
    await expect(applyOps({ t: [] }, [{ op: "explode" }], [])).rejects.toThrow(`use one of ${OP_NAMES.join(", ")}`);
    const tooMany = Array.from({ length: MAX_OPS + 1 }, () => ({ op: "add_text", text: "x" }));
    await expect(applyOps({ t: [] }, tooMany, [])).rejects.toThrow(`send at most ${MAX_OPS} at a time`);
  });
});

describe("mediaUsedBy", () => {
  it("collects the media of every track that names a file, once each", async () => {
    const media = [
      fakeMedia({ id: "media-1", name: "beach.mp4" }),
      fakeMedia({ id: "media-2", name: "photo.jpg", kind: "image", has_audio: false }),
      fakeMedia({ id: "media-3", name: "music.mp3", kind: "audio", has_video: false }),
      fakeMedia({ id: "media-4", name: "unused.mp4" }),
    ];
    const { draft } = await applyOps(
      { t: [] },
      [
        { op: "add_clip", media: "beach.mp4" },
        { op: "add_image", media: "photo.jpg" },
        { op: "add_clip", media: "beach.mp4", out: 2 },
        { op: "add_audio", media: "music.mp3" },
        { op: "add_text", text: "Hi" },
      ],
      media,
    );
    expect([...mediaUsedBy(readTimeline(draft))].sort()).toEqual(["media-1", "media-2", "media-3"]);
  });
});
