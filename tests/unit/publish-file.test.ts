import { mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { publishFile } from "../../src/core/output.js";
import { failure } from "../support/failure.js";

// The publisher saves videos, project files and pictures: it never replaces a file, and a name
// it cannot give is said with the path and the reason, not as "the video".
describe("publishFile", () => {
  it("takes the next free name, never over a file that is there", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vm-publish-"));
    await writeFile(join(dir, "cut.mlt"), "mine");
    const temp = join(dir, ".cut.mlt.part");
    await writeFile(temp, "new");
    expect(await publishFile(temp, join(dir, "cut.mlt"))).toBe(join(dir, "cut (2).mlt"));
    expect(await readFile(join(dir, "cut.mlt"), "utf8")).toBe("mine");
    expect((await readdir(dir)).sort()).toEqual(["cut (2).mlt", "cut.mlt"]);
  });

  it("names the file and the reason when it cannot be saved", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vm-publish-"));
    const temp = join(dir, ".cut.otio.part");
    await writeFile(temp, "{}");
    const error = await failure(publishFile(temp, join(dir, "gone", "cut.otio")));
    expect(error.message).toBe(`Could not save ${join(dir, "gone", "cut.otio")} (the file or its folder is gone).`);
  });
});
