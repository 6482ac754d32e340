import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { LocalBackend } from "../../src/local/backend.js";
import { ffmpeg, tempDir } from "./fixtures.js";

// A preview is a cache of the session it was made for: a new session must not leave the old
// one's rendition (up to ~8 MB each) behind in ~/.video-maker for ever.
describe("previews of a finished session", () => {
  it("are removed when a new session starts; the new session previews as before", async () => {
    const home = await tempDir("vm-home-");
    const clip = join(await tempDir("vm-media-"), "clip.mp4");
    await ffmpeg([
      "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=1",
      "-f", "lavfi", "-i", "sine=frequency=440:duration=1",
      "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", clip,
    ]);
    const backend = new LocalBackend(loadConfig({ VIDEO_MAKER_HOME: home, VIDEO_MAKER_BACKEND: "local" }, home));
    const previews = join(home, "local", "previews");

    await backend.upload({ paths: [clip] });
    await backend.applyEdits([{ op: "set_format", aspect: "16:9", resolution: 360, fps: 25 }, { op: "add_clip", media: "clip.mp4" }]);
    const first = await backend.renderPreview();
    expect(await backend.previewFile(first.sessionId)).toBe(first.file);

    const next = await backend.newSession();
    expect(await backend.previewFile(first.sessionId)).toBeUndefined();
    expect((await readdir(previews)).filter((name) => name.startsWith(first.sessionId))).toEqual([]);

    await backend.upload({ paths: [clip] });
    await backend.applyEdits([{ op: "set_format", aspect: "16:9", resolution: 360, fps: 25 }, { op: "add_clip", media: "clip.mp4" }]);
    const second = await backend.renderPreview();
    expect(second.sessionId).toBe(next.sessionId);
    expect(await backend.previewFile(next.sessionId)).toBe(second.file);
  }, 60_000);
});
