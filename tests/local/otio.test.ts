import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { VideoMakerError } from "../../src/core/errors.js";
import { writeOtio } from "../../src/local/project/otio.js";
import type { ProjectPlan } from "../../src/local/project/plan.js";
import { TRANSITION_ROWS, planOf, summary } from "../support/otio-plans.js";
import { type OtioTimeline, type OtioTrack, otioTimeline, schemaProblems } from "../support/otio-schema.js";
import { semanticProblems } from "../support/otio-semantics.js";

/** Writes, then checks the document against the published schema and OTIO's timeline rules. */
function written(plan: ProjectPlan): OtioTimeline {
  const raw: unknown = JSON.parse(writeOtio(plan));
  expect(schemaProblems(raw)).toEqual([]);
  const doc = otioTimeline.parse(raw);
  expect(semanticProblems(doc, plan.totalFrames, plan.frameRate.num / plan.frameRate.den)).toEqual([]);
  return doc;
}

function trackNamed(doc: OtioTimeline, name: string): OtioTrack {
  const found = doc.tracks.children.find((t) => t.OTIO_SCHEMA === "Track.1" && t.name === name);
  if (!found || found.OTIO_SCHEMA !== "Track.1") throw new Error(`no track ${name}`);
  return found;
}

/** Each OTIO transition's blend, [cut − in_offset, cut + out_offset), in timeline frames. */
function blends(track: OtioTrack): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let at = 0;
  for (const c of track.children) {
    if (c.OTIO_SCHEMA === "Transition.1") spans.push([at - c.in_offset.value, at + c.out_offset.value]);
    else at += c.source_range!.duration.value;
  }
  return spans;
}

describe("the video track: the engine's overlapping blends as OTIO cuts and transitions", () => {
  it.each(TRANSITION_ROWS)("$name", ({ clips, track, total }) => {
    const plan = planOf(clips);
    expect(plan.totalFrames).toBe(total);
    const video = trackNamed(written(plan), "Video");
    expect(summary(video)).toBe(track);
    // Every blend covers exactly the engine's frames: [start(i), start(i) + overlap(i)).
    const engine = plan.clips.filter((c, i) => i > 0 && c.transition && c.transition.frames > 0).map((c) => [c.startFrame, c.startFrame + c.transition!.frames]);
    expect(blends(video)).toEqual(engine);
  });

  it("runs to the end of the timeline with a gap when a title outlasts the clips", () => {
    const plan = planOf([{ frames: 30 }], {
      totalFrames: 50,
      texts: [{ id: "text-1", kind: "title", text: "The end", startFrame: 20, frames: 30, position: "center", sizePx: 64, colour: "#ffffff", box: false }],
    });
    expect(summary(trackNamed(written(plan), "Video"))).toBe("media-1.mp4 0+30 | gap 20");
  });

  it("names each transition in its metadata, a dissolve as SMPTE_Dissolve and the rest as custom", () => {
    const doc = written(planOf([{ frames: 30 }, { frames: 30, overlap: 6, type: "fade" }, { frames: 30, overlap: 6, type: "circleopen" }]));
    const transitions = trackNamed(doc, "Video").children.filter((c) => c.OTIO_SCHEMA === "Transition.1");
    expect(transitions.map((t) => [t.name, t.transition_type, t.metadata])).toEqual([
      ["fade", "SMPTE_Dissolve", { video_maker: { type: "fade", frames: 6 } }],
      ["circleopen", "Custom_Transition", { video_maker: { type: "circleopen", frames: 6 } }],
    ]);
  });

  it("refuses a plan whose clip is not where its transition puts it (a writer fed a wrong plan says so)", () => {
    const plan = planOf([{ frames: 30 }, { frames: 30, overlap: 6 }]);
    plan.clips[1]!.startFrame += 1;
    expect(() => writeOtio(plan)).toThrow(/clip-2 starts at frame 25, not where its 6-frame transition puts it \(24\)/);
  });
});

describe("rates, references and texts", () => {
  it.each([
    { rate: { num: 30, den: 1 }, written: 30 },
    { rate: { num: 25, den: 1 }, written: 25 },
    { rate: { num: 30000, den: 1001 }, written: 29.97002997002997 },
    { rate: { num: 24000, den: 1001 }, written: 23.976023976023978 },
  ])("writes $rate.num/$rate.den as the rate $written in every time", ({ rate, written: expected }) => {
    const doc = written(planOf([{ frames: 30 }, { frames: 30, overlap: 5 }], {}, rate));
    expect(doc.global_start_time).toEqual({ OTIO_SCHEMA: "RationalTime.1", rate: expected, value: 0 });
    expect(doc.metadata).toEqual({ video_maker: { width: 1920, height: 1080, frame_rate: rate.den === 1 ? String(rate.num) : `${rate.num}/${rate.den}`, total_frames: 55 } });
  });

  it.each([
    { path: "/home/ana/My Videos/clip 1.mp4", url: "file:///home/ana/My%20Videos/clip%201.mp4" },
    { path: "/media/café/Straße.mov", url: "file:///media/caf%C3%A9/Stra%C3%9Fe.mov" },
    { path: "/media/take #2?.mp4", url: "file:///media/take%20%232%3F.mp4" },
    { path: "/media/100% real.mp4", url: "file:///media/100%25%20real.mp4" },
    { path: "/媒体/视频.mp4", url: "file:///%E5%AA%92%E4%BD%93/%E8%A7%86%E9%A2%91.mp4" },
  ])("references $path by an absolute file URL that decodes back to it", ({ path, url }) => {
    const doc = written(planOf([{ frames: 30, source: { path } }]));
    const clip = trackNamed(doc, "Video").children[0]!;
    if (clip.OTIO_SCHEMA !== "Clip.2") throw new Error("not a clip");
    const reference = clip.media_references[clip.active_media_reference_key]!;
    expect(reference.OTIO_SCHEMA === "ExternalReference.1" && reference.target_url).toBe(url);
    expect(fileURLToPath(url)).toBe(path);
  });

  it.each([
    'She said "cut!" \\ then left',
    "Two lines\nof subtitle",
    "Ünïcödé — 日本語 — emoji 🎬",
    "</script><b>not markup</b>",
  ])("keeps the text %j exactly as a marker's name", (text) => {
    const plan = planOf([{ frames: 60 }], {
      texts: [{ id: "text-1", kind: "subtitle", text, startFrame: 10, frames: 20, position: "bottom", sizePx: 42, colour: "#ffee00", box: true }],
    });
    const doc = written(plan);
    expect(doc.tracks.markers).toEqual([
      {
        OTIO_SCHEMA: "Marker.2",
        metadata: { video_maker: { id: "text-1", kind: "subtitle", position: "bottom", size_px: 42, colour: "#ffee00", box: true } },
        name: text,
        color: "YELLOW",
        marked_range: { OTIO_SCHEMA: "TimeRange.1", duration: { OTIO_SCHEMA: "RationalTime.1", rate: 30, value: 20 }, start_time: { OTIO_SCHEMA: "RationalTime.1", rate: 30, value: 10 } },
        comment: "Subtitle, bottom, 42 px, #ffee00 on a box",
      },
    ]);
  });

  it("names the timeline after the project, quotes and all", () => {
    expect(written(planOf([{ frames: 10 }], { title: 'Ana\'s "trip"\n2026' })).name).toBe('Ana\'s "trip"\n2026');
  });
});

describe("sound, music and logos", () => {
  it("mirrors the picture on the clip sound track: gaps for photos and muted clips, crossfades only between two sounds", () => {
    const plan = planOf([
      { frames: 60 },
      { frames: 60, overlap: 10 },
      { frames: 60, overlap: 6, kind: "image" },
      { frames: 60, overlap: 4 },
      { frames: 30, volume: 0 },
    ]);
    const doc = written(plan);
    expect(summary(trackNamed(doc, "Video"))).toBe(
      "media-1.mp4 0+55 | dissolve 5/5 | media-2.mp4 5+52 | dissolve 3/3 | media-3.jpg 3+55 | dissolve 2/2 | media-4.mp4 2+58 | media-5.mp4 0+30",
    );
    expect(summary(trackNamed(doc, "Clip sound"))).toBe("media-1.mp4 0+55 | dissolve 5/5 | media-2.mp4 5+52 | gap 55 | media-4.mp4 2+58 | gap 30");
    expect(trackNamed(doc, "Clip sound").kind).toBe("Audio");
  });

  it("has no clip sound track when no clip has sound", () => {
    const doc = written(planOf([{ frames: 30, kind: "image" }, { frames: 30, source: { hasAudio: false } }]));
    expect(doc.tracks.children.map((t) => t.name)).toEqual(["Video"]);
  });

  it("puts music on tracks of its own: overlapping pieces apart, loops as one clip a pass, volume and fades in metadata", () => {
    const song = { id: "media-9", name: "song.mp3", path: "/music/song.mp3", kind: "audio" as const, durationMs: 2000, hasAudio: true };
    const plan = planOf([{ frames: 300 }]);
    plan.sources.push(song);
    const piece = { sourceId: "media-9", volume: 0.5, fadeInFrames: 15, fadeOutFrames: 30, loop: false, ducked: false };
    plan.music = [
      { ...piece, id: "audio-1", startFrame: 0, frames: 150, sourceInMs: 1000, loop: true },
      { ...piece, id: "audio-2", startFrame: 100, frames: 90, sourceInMs: 0, ducked: true },
      { ...piece, id: "audio-3", startFrame: 280, frames: 60, sourceInMs: 0 },
    ];
    const doc = written(plan);
    // 2 s at 30 fps = 60 frames: the loop plays 30–60, then 0–60 twice; the unlooped piece stops at its source's end.
    expect(summary(trackNamed(doc, "Music 1"))).toBe("song.mp3 30+30 | song.mp3 0+60 | song.mp3 0+60 | gap 130 | song.mp3 0+20");
    expect(summary(trackNamed(doc, "Music 2"))).toBe("gap 100 | song.mp3 0+60 | gap 30 | gap 110");
    const first = trackNamed(doc, "Music 1").children[0]!;
    expect(first.metadata).toEqual({ video_maker: { id: "audio-1", volume: 0.5, fade_in_frames: 15, fade_out_frames: 30, loop: true, ducked: false, loop_pass: 1 } });
  });

  it("leaves out music that starts after the end of the timeline (it has nothing to play)", () => {
    const plan = planOf([{ frames: 60 }]);
    const piece = { sourceId: "media-1", volume: 1, fadeInFrames: 0, fadeOutFrames: 0, loop: false, ducked: false, sourceInMs: 0 };
    plan.music = [{ ...piece, id: "audio-1", startFrame: 0, frames: 100 }, { ...piece, id: "audio-2", startFrame: 65, frames: 30 }, { ...piece, id: "audio-3", startFrame: 10, frames: 100 }];
    expect(written(plan).tracks.children.map((t) => t.name)).toEqual(["Video", "Clip sound", "Music 1", "Music 2"]);
  });

  it("puts logos on a switched-off video track, their placing in metadata", () => {
    const plan = planOf([{ frames: 100 }]);
    plan.sources.push({ id: "media-8", name: "logo.png", path: "/brand/logo.png", kind: "image", width: 400, height: 200, hasAudio: false });
    plan.logos = [{ id: "logo-1", sourceId: "media-8", startFrame: 10, frames: 80, position: "top_right", widthFraction: 0.15, opacity: 0.8 }];
    const logos = trackNamed(written(plan), "Logos 1");
    expect([logos.kind, logos.enabled, summary(logos)]).toEqual(["Video", false, "gap 10 | logo.png 0+80 | gap 10"]);
    expect(logos.children[1]!.metadata).toEqual({ video_maker: { id: "logo-1", position: "top_right", width_fraction: 0.15, opacity: 0.8 } });
  });
});

describe("an empty timeline", () => {
  it("is refused in words meant for a person", () => {
    const plan = planOf([]);
    expect(() => writeOtio(plan)).toThrow(VideoMakerError);
    expect(() => writeOtio(plan)).toThrow("The timeline is empty, so there is nothing to export yet. Add a clip, a photo or a text first.");
  });

  it("with only a title is a gap the title's length, the title a marker on it", () => {
    const plan = planOf([], {
      totalFrames: 90,
      texts: [{ id: "text-1", kind: "title", text: "Coming soon", startFrame: 0, frames: 90, position: "center", sizePx: 96, colour: "#ffffff", box: false }],
    });
    const doc = written(plan);
    expect(summary(trackNamed(doc, "Video"))).toBe("gap 90");
    expect(doc.tracks.markers?.map((m) => [m.name, m.color, m.comment])).toEqual([["Coming soon", "PURPLE", "Title, center, 96 px, #ffffff"]]);
  });
});
