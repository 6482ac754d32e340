import { execFile } from "node:child_process";
import { rm, stat, truncate } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { inspectLocalMedia } from "../../src/core/media-files.js";
import { LocalBackend } from "../../src/local/backend.js";
import { probe, tempDir } from "./fixtures.js";

const run = promisify(execFile);

/**
 * Local mode uploads nothing, so the cloud's 500 MB limit is no reason to refuse a file (issue
 * 19 item 3). A real 2 s MP4 (index first) made 600 MB long with a sparse tail: the size is real,
 * the disk is not used, and ffmpeg still reads the clip. The 1.6 GB file itself, through the
 * CLI and MCP, is tests/e2e/big-file.test.ts (VIDEO_MAKER_BIG_FILE_TEST=1).
 */
let dir: string;
let big: string;

beforeAll(async () => {
  dir = await tempDir("vm-big-");
  big = join(dir, "recording.mp4");
  await run("ffmpeg", [
    "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
    "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30:duration=2",
    "-f", "lavfi", "-i", "sine=frequency=440:duration=2",
    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
    "-movflags", "+faststart", big,
  ]);
  await truncate(big, 600 * 1024 * 1024);
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("a file over the cloud's 500 MB limit, in local mode", () => {
  it("is accepted and cut: the limit is the cloud's only", async () => {
    expect((await stat(big)).size).toBe(600 * 1024 * 1024);
    // The same file is over the limit for the cloud, which says so.
    expect(await inspectLocalMedia(big)).toEqual({ ok: false, reason: "The file is 600 MB, over the 500 MB limit. Compress it or trim it shorter." });

    const home = join(dir, "home");
    const out = join(dir, "out");
    const backend = new LocalBackend(loadConfig({ VIDEO_MAKER_HOME: home, VIDEO_MAKER_BACKEND: "local", VIDEO_MAKER_OUTPUT_DIR: out }, home));
    try {
      const uploaded = await backend.upload({ paths: [big] });
      expect(uploaded.rejected).toEqual([]);
      expect(uploaded.uploaded).toEqual([{ name: "recording.mp4", type: "video", durationSeconds: 2, width: 320, height: 180 }]);
      await backend.applyEdits([
        { op: "set_format", aspect: "16:9", resolution: 180, fps: 30 },
        { op: "add_clip", media: "recording.mp4", in: 0.5, out: 1.5 },
      ]);
      const exported = await backend.exportVideo({ outputDir: out, fileName: "cut.mp4" });
      expect(Number((await probe(exported.file)).format.duration)).toBeCloseTo(1, 1);
    } finally {
      await backend.close();
    }
  }, 60_000);
});
