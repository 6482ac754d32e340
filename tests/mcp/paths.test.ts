import { mkdtemp, rm, stat } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostPath } from "../../src/mcp/paths.js";
import { makeVideo } from "../integration/media-fixtures.js";
import { type LocalMcp, startLocalMcp, textOf } from "./harness.js";

/**
 * The server runs in whatever folder the host started it from: a path from the model is
 * absolute or under ~, never resolved against that folder (a folder named "~" was seen).
 */

describe("hostPath", () => {
  it.each([
    ["/Users/ana/clips/a.mp4", { ok: true, path: "/Users/ana/clips/a.mp4" }],
    ["~", { ok: true, path: homedir() }],
    ["~/Videos/out", { ok: true, path: join(homedir(), "Videos/out") }],
    ["clips/a.mp4", { ok: false }],
    ["./a.mp4", { ok: false }],
    ["~ana/a.mp4", { ok: false }],
  ])("%s", (input, expected) => {
    expect(hostPath(input)).toMatchObject(expected);
  });
});

let root: string;
let mcp: LocalMcp;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "vm-paths-"));
  mcp = await startLocalMcp(root, "paths-test");
});
afterAll(async () => {
  await mcp.close();
  await rm(root, { recursive: true, force: true });
});

const call = (name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> => mcp.call(name, args);

describe("paths from the model", () => {
  it("upload_media refuses a relative path by name and still uploads the rest", async () => {
    const clip = await makeVideo(root, "clip.mp4", 1);
    const result = await call("upload_media", { paths: ["clip.mp4", clip] });
    expect(result.isError).toBeFalsy();
    const out = result.structuredContent as { uploaded: Array<{ name: string }>; rejected: Array<{ input: string; reason: string }> };
    expect(out.uploaded.map((m) => m.name)).toEqual(["clip.mp4"]);
    expect(out.rejected).toEqual([{ input: "clip.mp4", reason: expect.stringMatching(/not an absolute path/) }]);
  });

  it("export_video refuses a relative output_dir before any work, and creates no folder", async () => {
    const result = await call("export_video", { output_dir: "renders" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/output_dir "renders" is not an absolute path/);
    await expect(stat(join(process.cwd(), "renders"))).rejects.toThrow();
  });
});

describe("subtitle files", () => {
  it("upload_media in local mode checks .srt/.vtt files and lists them as uploaded; a broken one is refused with the reason", async () => {
    const { writeFile } = await import("node:fs/promises");
    const good = join(root, "captions.srt");
    const empty = join(root, "empty.vtt");
    await writeFile(good, "1\n00:00:00,000 --> 00:00:01,500\nHello\n\n2\n00:00:02,000 --> 00:00:03,000\nAgain\n");
    await writeFile(empty, "WEBVTT\n\n");
    const result = await call("upload_media", { paths: [good, empty] });
    expect(result.isError).toBeFalsy();
    const out = result.structuredContent as { uploaded: Array<{ name: string; duration_s?: number }>; rejected: Array<{ input: string; reason: string }> };
    expect(out.uploaded).toEqual([{ name: "captions.srt", type: "other", duration_s: 3 }]);
    expect(out.rejected).toEqual([{ input: empty, reason: "No subtitles were found in this file." }]);
    // It is what add_subtitles takes.
    await call("upload_media", { paths: [await makeVideo(root, "subbed.mp4", 3)] });
    const applied = await call("apply_edits", { ops: [{ op: "add_clip", media: "subbed.mp4" }, { op: "add_subtitles", file: good }] });
    expect(applied.isError, textOf(applied)).toBeFalsy();
  });
});
