import { describe, expect, it } from "vitest";
import { OTIO_NOT_CARRIED, writeOtio } from "../../src/local/project/otio.js";
import type { ProjectPlan } from "../../src/local/project/plan.js";
import { planOf, summary } from "../support/otio-plans.js";
import { otioTimeline } from "../support/otio-schema.js";
import { semanticProblems } from "../support/otio-semantics.js";

const title = { id: "text-1", kind: "title" as const, text: "Hi", startFrame: 0, frames: 30, position: "center" as const, sizePx: 64, colour: "#ffffff", box: false };
const music = { id: "audio-1", sourceId: "media-1", startFrame: 0, frames: 30, sourceInMs: 0, volume: 1, fadeInFrames: 0, fadeOutFrames: 0, loop: false, ducked: false };

function withChange(change: (plan: ProjectPlan) => void, plan = planOf([{ frames: 60 }, { frames: 60, overlap: 10 }])): ProjectPlan {
  change(plan);
  return plan;
}

describe("OTIO_NOT_CARRIED: what the plan uses that the .otio cannot carry", () => {
  it.each([
    { name: "cuts and dissolves of clips the frame's shape", plan: withChange(() => {}), says: [] },
    {
      name: "a Ken Burns move on a photo",
      plan: planOf([{ frames: 60, kind: "image", source: { width: 3840, height: 2160 } }]),
      change: (p: ProjectPlan) => (p.clips[0]!.kenBurns = "zoom_in"),
      says: ["the Ken Burns moves (clip-1): OTIO has no moves, so the photos are still; add a zoom or pan in the editor"],
    },
    {
      name: "an upright clip in a wide frame, and a photo of unknown size",
      plan: planOf([{ frames: 60, source: { width: 1080, height: 1920 } }, { frames: 60, kind: "image", source: { width: undefined, height: undefined } }]),
      change: (p: ProjectPlan) => (p.clips[0]!.fit = "blur"),
      says: ["how pictures of another shape than the frame fill it (clip-1 blur and clip-2 cover): the editor scales them by its own setting"],
    },
    {
      name: "transitions other than a dissolve",
      plan: planOf([{ frames: 60 }, { frames: 60, overlap: 10, type: "wipeleft" }, { frames: 60, overlap: 10, type: "fadeblack" }]),
      says: ["transitions other than a dissolve (wipeleft into clip-2 and fadeblack into clip-3): written as OTIO custom transitions by name; the editor may draw its own default transition instead"],
    },
    {
      name: "a clip's own volume",
      plan: planOf([{ frames: 60, volume: 0.5 }, { frames: 60, volume: 0 }]),
      says: ["the clips' sound levels (clip-1 at 0.5): kept in metadata only; set them in the editor"],
    },
    {
      name: "a sound crossfading with a silent photo",
      plan: planOf([{ frames: 60, kind: "image", source: { width: 1920, height: 1080 } }, { frames: 60, overlap: 10 }]),
      says: ["the clips' sound fading in or out next to a silent clip (the transitions into clip-2): it cuts at the middle of the transition instead"],
    },
    {
      name: "music with volume, fades and ducking",
      plan: withChange((p) => (p.music = [{ ...music, volume: 0.3, fadeOutFrames: 10, ducked: true }, { ...music, id: "audio-2" }])),
      says: [
        "the music's level and fades (audio-1): kept in metadata only; set them in the editor",
        "the music's ducking under the clips' sound (audio-1): it plays at its own level throughout",
      ],
    },
    {
      name: "titles and a logo",
      plan: withChange((p) => {
        p.texts = [title];
        p.logos = [{ id: "logo-1", sourceId: "media-1", startFrame: 0, frames: 10, position: "top_left", widthFraction: 0.2, opacity: 1 }];
      }),
      says: [
        "titles and subtitles are markers with their words and times, not drawn text: their position, size, colour and box are not carried",
        "the logos (logo-1): on a switched-off track, since OTIO cannot place or size them; switch it on and place them in the editor",
      ],
    },
    {
      name: "many clips: three named, the rest counted",
      plan: planOf([1, 2, 3, 4, 5].map(() => ({ frames: 30, kind: "image" as const, source: { width: 1080, height: 1080 } }))),
      says: ["how pictures of another shape than the frame fill it (clip-1 cover, clip-2 cover, clip-3 cover and 2 more): the editor scales them by its own setting"],
    },
  ])("$name", ({ plan, change, says }) => {
    change?.(plan);
    expect(OTIO_NOT_CARRIED(plan)).toEqual(says);
  });
});

describe("a clip that reaches past the end of its media", () => {
  // media-1 lasts 2 s = 60 frames at 30 fps.
  const short = { durationMs: 2000 };

  it("by the one frame rounding can add, starts a frame earlier in its source and says nothing", () => {
    const plan = planOf([{ frames: 60, sourceInFrame: 1, source: short }]);
    const doc = otioTimeline.parse(JSON.parse(writeOtio(plan)));
    expect(summary(doc.tracks.children[0] as never)).toBe("media-1.mp4 0+60");
    expect(semanticProblems(doc, plan.totalFrames, 30)).toEqual([]);
    expect(OTIO_NOT_CARRIED(plan)).toEqual([]);
  });

  it("by more, is written as it is and named: the engine holds its last frame, an editor cannot", () => {
    const plan = planOf([{ frames: 60, sourceInFrame: 5, source: short }, { frames: 60, overlap: 10, source: short }]);
    const doc = otioTimeline.parse(JSON.parse(writeOtio(plan)));
    expect(semanticProblems(doc, plan.totalFrames, 30)).toEqual(["track 0 (Video) item 0 (media-1.mp4): uses 5–65 of its media, which has 0–60", "track 1 (Clip sound) item 0 (media-1.mp4): uses 5–65 of its media, which has 0–60"]);
    expect(OTIO_NOT_CARRIED(plan)).toEqual(["clips longer than their media (clip-1): the engine holds the last frame; the editor may show nothing there"]);
  });
});
