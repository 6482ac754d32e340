import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  parseFeatures,
  parseOutTime,
  parseTransitions,
  probeFfmpeg,
  requireFeatures,
  runFfmpeg,
} from "../../src/local/ffmpeg.js";
import { factsFromProbe, probeMedia } from "../../src/local/ffprobe.js";
import { locateFont } from "../../src/local/fonts.js";
import { detectSilence, parseSilenceLog } from "../../src/local/silence.js";
import { failure } from "../support/failure.js";
import { type MediaSet, makeMediaSet, tempDir } from "./fixtures.js";

describe("the ffmpeg binary", () => {
  it("reads the filter and encoder listings", () => {
    const filters = [
      "Filters:",
      "  T.. = Timeline support",
      " ... acrossfade        AA->A      Cross fade two input audio streams.",
      " ..C amix              N->A       Audio mixing.",
      " T.C drawtext          V->V       Draw text on top of video frames using libfreetype library.",
      " .S. xfade             VV->V      Cross fade one video with another video.",
      " ... anullsrc          |->A       Null audio source, return empty audio frames.",
    ].join("\n");
    const encoders = [" V....D libx264              libx264 H.264 / AVC (codec h264)", " A....D aac                  AAC (Advanced Audio Coding)"].join("\n");
    const features = parseFeatures(filters, encoders, "   normalize         <boolean>    ..F.A....T. Scale inputs (default true)");
    expect([...features].sort()).toEqual(["aac", "acrossfade", "amix", "amix-normalize", "anullsrc", "drawtext", "libx264", "xfade"]);
    expect(parseFeatures(filters, encoders, "   weights <string>").has("amix-normalize")).toBe(false);
  });

  it("reads xfade's transitions", () => {
    const help = [
      "   transition        <int>        ..FV....... set cross fade transition (from -1 to 45) (default fade)",
      "     custom          -1           ..FV....... custom transition",
      "     fade            0            ..FV....... fade transition",
      "     wipeleft        1            ..FV....... wipe left transition",
      "   duration          <duration>   ..FV....... set cross fade duration (default 1)",
    ].join("\n");
    expect([...parseTransitions(help)]).toEqual(["fade", "wipeleft"]);
  });

  it("finds everything the engine uses in the installed ffmpeg, once", async () => {
    const first = probeFfmpeg("ffmpeg");
    expect(probeFfmpeg("ffmpeg")).toBe(first);
    const features = await first;
    expect(() =>
      requireFeatures(features, ["libx264", "aac", "drawtext", "xfade", "acrossfade", "zoompan", "sidechaincompress", "amix-normalize", "silencedetect", "tpad"]),
    ).not.toThrow();
    expect(features.transitions.has("circleopen")).toBe(true);
    expect(features.version).toMatch(/^\d/);
  });

  it("says how to install ffmpeg when it is missing", async () => {
    const error = await failure(probeFfmpeg("/nowhere/ffmpeg"));
    expect(error.code).toBe("config");
    expect(error.message).toMatch(/ffmpeg was not found at \/nowhere\/ffmpeg \(FFMPEG_PATH\).*apt-get install -y ffmpeg.*brew install ffmpeg/);
    const onPath = await failure(runFfmpeg("no-such-ffmpeg-binary", ["-version"]));
    expect(onPath.message).toContain('on PATH (looked for "no-such-ffmpeg-binary")');
  });

  it("reads progress: out_time_us and out_time_ms are both microseconds", () => {
    expect(parseOutTime("out_time_us=1500000")).toBe(1500);
    expect(parseOutTime("out_time_ms=1500000")).toBe(1500);
    expect(parseOutTime("out_time=00:00:01.500000")).toBeUndefined();
    expect(parseOutTime("out_time_us=N/A")).toBeUndefined();
  });

  it("reports progress as it renders", async () => {
    const fractions: number[] = [];
    const dir = await tempDir();
    await runFfmpeg(
      "ffmpeg",
      ["-hide_banner", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=64x36:rate=30:duration=2", "-c:v", "libx264", "-progress", "pipe:1", "-nostats", "-f", "mp4", join(dir, "p.mp4")],
      { durationMs: 2000, onProgress: (fraction) => fractions.push(fraction) },
    );
    expect(fractions.length).toBeGreaterThan(0);
    expect(fractions.at(-1)).toBe(1);
    expect([...fractions].sort((a, b) => a - b)).toEqual(fractions);
  });

  it("says nothing more of progress once asked to stop: ffmpeg's closing \"progress=end\" is not 100%", async () => {
    const dir = await tempDir();
    const controller = new AbortController();
    const fractions: number[] = [];
    let afterAbort = 0;
    const running = runFfmpeg(
      "ffmpeg",
      ["-hide_banner", "-nostdin", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc=size=64x36:rate=30:duration=20", "-c:v", "libx264", "-progress", "pipe:1", "-nostats", "-f", "mp4", join(dir, "c.mp4")],
      {
        durationMs: 20_000,
        signal: controller.signal,
        onProgress: (fraction) => {
          if (controller.signal.aborted) afterAbort++;
          fractions.push(fraction);
          if (fraction > 0) controller.abort();
        },
      },
    );
    expect((await failure(running)).code).toBe("cancelled");
    expect(fractions.length).toBeGreaterThan(0);
    expect(afterAbort).toBe(0);
    expect(Math.max(...fractions)).toBeLessThan(0.5);
  });

  it("reports the tail of stderr when ffmpeg fails", async () => {
    const error = await failure(
      runFfmpeg("ffmpeg", ["-hide_banner", "-nostdin", "-f", "lavfi", "-i", "testsrc=duration=1", "-filter_complex", "[0:v]nosuchfilter[out]", "-map", "[out]", "-f", "null", "-"]),
    );
    expect(error.code).toBe("render_failed");
    expect(error.message).toMatch(/^ffmpeg stopped during the render \(exit code \d+\)\. Its last messages:\n/);
    expect(error.message).toContain("No such filter: 'nosuchfilter'");
    expect(error.message.split("\n").length).toBeLessThanOrEqual(16);
  });

  it("cancel stops ffmpeg at once", async () => {
    const controller = new AbortController();
    const started = Date.now();
    const running = runFfmpeg("ffmpeg", ["-hide_banner", "-nostdin", "-re", "-f", "lavfi", "-i", "testsrc", "-f", "null", "-"], { signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    const error = await failure(running);
    expect(error.code).toBe("cancelled");
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("stops ffmpeg when its output time stops moving, and when it runs past its time limit", async () => {
    const dir = await tempDir();
    const spinning = join(dir, "spinning-ffmpeg");
    // What a graph waiting for frames that never come looks like: progress, always at the same time.
    await writeFile(spinning, `#!${process.execPath}\nsetInterval(() => process.stdout.write("out_time_us=1472000\\nprogress=continue\\n"), 50);\n`);
    await chmod(spinning, 0o755);
    const stalled = await failure(runFfmpeg(spinning, [], { stallTimeoutMs: 300 }));
    expect(stalled.code).toBe("render_failed");
    expect(stalled.message).toBe("ffmpeg was stopped during the render: it stopped making progress at 1.5 s for 0.3 s; one of the files may be unreadable.");
    const slow = await failure(runFfmpeg(spinning, [], { timeoutMs: 300, stallTimeoutMs: 60_000, activity: "preview" }));
    expect(slow.message).toBe("ffmpeg was stopped during the preview: it did not finish within 0.3 s.");
  });

  it("kills a process that ignores SIGTERM after the grace period", async () => {
    const dir = await tempDir();
    const stubborn = join(dir, "stubborn-ffmpeg");
    await writeFile(stubborn, `#!${process.execPath}\nprocess.on("SIGTERM", () => {});\nsetInterval(() => {}, 1000);\n`);
    await chmod(stubborn, 0o755);
    const controller = new AbortController();
    const started = Date.now();
    const running = runFfmpeg(stubborn, [], { signal: controller.signal, killGraceMs: 300 });
    setTimeout(() => controller.abort(), 200);
    const error = await failure(running);
    expect(error.code).toBe("cancelled");
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe("ffprobe facts", () => {
  let set: MediaSet;
  beforeAll(async () => {
    set = await makeMediaSet();
  }, 60_000);

  it("reads kind, duration, displayed size, rotation, rate and streams", async () => {
    expect(await probeMedia("ffprobe", set.clip)).toEqual({
      kind: "video", duration_ms: 2000, width: 320, height: 180, rotation: 0, fps: 30, has_audio: true, has_video: true,
    });
    expect(await probeMedia("ffprobe", set.portrait)).toMatchObject({ kind: "video", width: 180, height: 320, rotation: 90, has_audio: false });
    expect(await probeMedia("ffprobe", set.photo)).toEqual({ kind: "image", width: 400, height: 300, rotation: 0, has_audio: false, has_video: true });
    // Stored 400x200 with EXIF orientation 6: the size as shown, which is what ffmpeg decodes.
    expect(await probeMedia("ffprobe", set.sidewaysPhoto)).toEqual({ kind: "image", width: 200, height: 400, rotation: 270, has_audio: false, has_video: true });
    expect(await probeMedia("ffprobe", set.music)).toMatchObject({ kind: "audio", duration_ms: 3000, has_video: false });
    expect((await probeMedia("ffprobe", set.oneFrame)).duration_ms).toBeLessThan(100);
  });

  it("takes the display matrix over the old tag, a photo's first frame for its EXIF turn, and ignores cover art", () => {
    const facts = factsFromProbe(
      {
        streams: [
          { codec_type: "video", codec_name: "hevc", width: 1920, height: 1080, avg_frame_rate: "30000/1001", side_data_list: [{ rotation: -90 }], tags: { rotate: "90" } },
          { codec_type: "audio", codec_name: "aac" },
        ],
        format: { format_name: "mov,mp4,m4a,3gp,3g2,mj2", duration: 12.5 },
      },
      "/x/phone.mov",
    );
    expect(facts).toEqual({ kind: "video", duration_ms: 12_500, width: 1080, height: 1920, rotation: 270, fps: 29.97, has_audio: true, has_video: true });
    const photo = { streams: [{ codec_type: "video", codec_name: "mjpeg", width: 4032, height: 3024 }], format: { format_name: "image2" } };
    expect(factsFromProbe(photo, "/x/IMG_0001.jpg", { side_data_list: [{ rotation: -90 }] })).toMatchObject({ kind: "image", width: 3024, height: 4032 });
    expect(factsFromProbe(photo, "/x/IMG_0002.jpg", { side_data_list: [{ rotation: 180 }] })).toMatchObject({ width: 4032, height: 3024, rotation: 180 });
    expect(factsFromProbe(photo, "/x/IMG_0003.jpg", {})).toMatchObject({ width: 4032, height: 3024, rotation: 0 });
    const song = factsFromProbe(
      { streams: [{ codec_type: "audio" }, { codec_type: "video", codec_name: "mjpeg", disposition: { attached_pic: 1 } }], format: { format_name: "mp3", duration: 200 } },
      "/x/song.mp3",
    );
    expect(song).toMatchObject({ kind: "audio", has_video: false });
  });

  it("names a corrupt file and says what to do", async () => {
    const error = await failure(probeMedia("ffprobe", set.corrupt));
    expect(error.code).toBe("unsupported_file");
    expect(error.message).toMatch(/^"corrupt\.mp4" could not be read as media: Invalid data found when processing input\. The file may be damaged/);
  });

  it("finds the pauses in a clip's sound", async () => {
    const facts = { id: "m", name: "speech.mp4", path: set.speech, ...(await probeMedia("ffprobe", set.speech)) };
    const silences = await detectSilence("ffmpeg", facts, 0, 3500, { noiseDb: -35, minSilenceMs: 500 });
    expect(silences).toHaveLength(1);
    expect(silences[0]!.startMs).toBeGreaterThan(950);
    expect(silences[0]!.startMs).toBeLessThan(1100);
    expect(silences[0]!.endMs).toBeGreaterThan(2400);
    expect(silences[0]!.endMs).toBeLessThan(2600);
    // with a seek, times come back in source time
    const later = await detectSilence("ffmpeg", facts, 500, 3500, { noiseDb: -35, minSilenceMs: 500 });
    expect(Math.abs(later[0]!.startMs - silences[0]!.startMs)).toBeLessThan(60);
  });

  it("reads silencedetect's log, closing an open silence at the end", () => {
    const log = "[silencedetect @ 0x1] silence_start: 1.2\n[silencedetect @ 0x1] silence_end: 2.5 | silence_duration: 1.3\n[silencedetect @ 0x1] silence_start: 4";
    expect(parseSilenceLog(log, 1000, 6000)).toEqual([{ startMs: 2200, endMs: 3500 }, { startMs: 5000, endMs: 6000 }]);
  });

  it("locates a font for text", async () => {
    expect(await locateFont()).toMatch(/\.(ttf|otf|ttc)$/i);
    await expect(locateFont(["/nowhere/font.ttf"])).resolves.toMatch(/\.(ttf|otf|ttc)$/i); // fontconfig finds one
  });
});
