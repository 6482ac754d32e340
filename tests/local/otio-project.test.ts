import { execFileSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { LocalBackend } from "../../src/local/backend.js";
import { OTIO_NOT_CARRIED, writeOtio } from "../../src/local/project/otio.js";
import { planProject } from "../../src/local/project/plan-from-timeline.js";
import { otioTimeline, schemaProblems } from "../support/otio-schema.js";
import { semanticProblems } from "../support/otio-semantics.js";
import { summary } from "../support/otio-plans.js";
import { flatPicture, rampClip, tone } from "./project-media.js";
import { tempDir } from "./fixtures.js";

/** A real timeline (the melt test's) through planProject and writeOtio: the document keeps to OTIO's schema and rules. */
it("writes a real timeline's plan as a sound .otio", async () => {
  const dir = await tempDir("vm otio ");
  const a = await rampClip(dir, "clip A.mkv", { frames: 75, u: 90, v: 150, hz: 440 });
  const b = await rampClip(dir, "clip B.mkv", { frames: 75, u: 170, v: 100, hz: 660 });
  const photo = await flatPicture(dir, "photo.png", "0x30c030");
  const music = await tone(dir, "music.wav", 220, 6);
  const config = loadConfig({ VIDEO_MAKER_HOME: join(dir, "home"), VIDEO_MAKER_BACKEND: "local", VIDEO_MAKER_OUTPUT_DIR: dir }, dir);
  const backend = new LocalBackend(config);
  try {
    await backend.upload({ paths: [a, b, photo, music] });
    await backend.applyEdits([
      { op: "set_format", aspect: "16:9", resolution: 180, fps: 29.97 },
      { op: "add_clip", media: "clip A.mkv", in: 0.5, out: 2 },
      { op: "add_image", media: "photo.png", duration: 1 },
      { op: "add_clip", media: "clip B.mkv", in: 0.3, out: 2.2, volume: 0.5 },
      { op: "set_transition", after: 2, type: "dissolve", duration: 0.5 },
      { op: "set_transition", after: 1, type: "wipeleft", duration: 0.3 },
      { op: "add_audio", media: "music.wav", volume: 0.6, fade_in: 1, fade_out: 1 },
      { op: "add_text", text: "Tom & Jerry <say> \"hi\" — café", at: 0, duration: 0.3, position: "top_left", size: "small" },
    ]);
    const session = await backend.workspace.current();
    const plan = planProject(await backend.workspace.readDraft(session.session_id), await backend.workspace.readMedia(session.session_id));
    const text = writeOtio(plan);
    await writeFile(join(dir, "project.otio"), text);
    const doc = JSON.parse(text) as unknown;
    expect(schemaProblems(doc)).toEqual([]);
    const timeline = otioTimeline.parse(doc);
    expect(semanticProblems(timeline, plan.totalFrames, 30000 / 1001)).toEqual([]);
    // 29.97 fps: clip A 45 frames, the wipe 9 frames into the photo, the dissolve 15 into clip B.
    const [video, sound, musicTrack] = timeline.tracks.children.filter((t) => t.OTIO_SCHEMA === "Track.1");
    expect(summary(video!)).toBe("clip A.mkv 15+40 | custom wipeleft 4/5 | photo.png 4+18 | dissolve 7/8 | clip B.mkv 16+50");
    expect(summary(sound!)).toBe("clip A.mkv 15+40 | gap 18 | clip B.mkv 16+50");
    expect(summary(musicTrack!)).toBe("music.wav 0+108");
    expect(timeline.tracks.markers?.map((m) => m.name)).toEqual(['Tom & Jerry <say> "hi" — café']);
    expect(OTIO_NOT_CARRIED(plan)).toContain("the clips' sound levels (clip-2 at 0.5): kept in metadata only; set them in the editor");
    // OpenTimelineIO's own library, where built (tests/otio-reference/README.md).
    if (process.env["OTIO_CHECK"]) execFileSync(process.env["OTIO_CHECK"], [join(dir, "project.otio")], { encoding: "utf8" });
  } finally {
    await backend.close();
  }
}, 120_000);
