import type { FrameRate } from "../../src/local/format.js";
import type { ProjectClip, ProjectPlan, ProjectSource } from "../../src/local/project/plan.js";
import type { TransitionType } from "../../src/local/transitions.js";
import type { OtioComposable, OtioTrack } from "./otio-schema.js";

/** Project plans for the OTIO writer's tests, laid out with the engine's own frame arithmetic. */

export function source(id: string, over: Partial<ProjectSource> = {}): ProjectSource {
  return { id, name: `${id}.mp4`, path: `/media/${id}.mp4`, kind: "video", durationMs: 20_000, width: 1920, height: 1080, hasAudio: true, ...over };
}

export interface ClipSpec {
  frames: number;
  /** The transition into this clip: its frames (the engine's overlap) and type. */
  overlap?: number;
  type?: TransitionType;
  kind?: "video" | "image";
  sourceInFrame?: number;
  /** Frames of nothing before it (no transition). */
  after?: number;
  volume?: number;
  source?: Partial<ProjectSource>;
}

/** start(i) = start(i−1) + frames(i−1) − overlap(i), as compile-video.ts planVideo lays clips out. */
export function planOf(specs: ClipSpec[], extra: Partial<ProjectPlan> = {}, rate: FrameRate = { num: 30, den: 1 }): ProjectPlan {
  const sources: ProjectSource[] = [];
  const clips: ProjectClip[] = [];
  let end = 0;
  specs.forEach((spec, i) => {
    const id = `media-${i + 1}`;
    const kind = spec.kind ?? "video";
    sources.push(source(id, kind === "image" ? { name: `${id}.jpg`, path: `/media/${id}.jpg`, kind: "image", durationMs: undefined, hasAudio: false, ...spec.source } : spec.source));
    const overlap = spec.overlap ?? 0;
    const startFrame = end - overlap + (spec.after ?? 0);
    const sourceInFrame = spec.sourceInFrame ?? 0;
    clips.push({
      id: `clip-${i + 1}`,
      sourceId: id,
      kind,
      startFrame,
      frames: spec.frames,
      sourceInFrame,
      sourceInMs: (sourceInFrame * 1000 * rate.den) / rate.num,
      ...(spec.type || overlap > 0 ? { transition: { type: spec.type ?? "fade", frames: overlap } } : {}),
      volume: spec.volume ?? 1,
      fit: "cover",
    });
    end = startFrame + spec.frames;
  });
  return {
    title: "A test project",
    width: 1920,
    height: 1080,
    frameRate: rate,
    totalFrames: end,
    sources,
    clips,
    music: [],
    texts: [],
    logos: [],
    ...extra,
  };
}

/** Engine layouts and the OTIO video track each must become (see tests/local/otio.test.ts). */
export const TRANSITION_ROWS: Array<{ name: string; clips: ClipSpec[]; track: string; total: number }> = [
  { name: "two clips, a cut", clips: [{ frames: 60 }, { frames: 45 }], track: "media-1.mp4 0+60 | media-2.mp4 0+45", total: 105 },
  {
    name: "an even overlap: the cut at its middle",
    clips: [{ frames: 60 }, { frames: 60, overlap: 10 }],
    track: "media-1.mp4 0+55 | dissolve 5/5 | media-2.mp4 5+55",
    total: 110,
  },
  {
    name: "an odd overlap: the odd frame after the cut",
    clips: [{ frames: 60, sourceInFrame: 30 }, { frames: 60, overlap: 9, sourceInFrame: 100 }],
    track: "media-1.mp4 30+55 | dissolve 4/5 | media-2.mp4 104+56",
    total: 111,
  },
  {
    name: "a one-frame overlap",
    clips: [{ frames: 10 }, { frames: 10, overlap: 1 }],
    track: "media-1.mp4 0+9 | dissolve 0/1 | media-2.mp4 0+10",
    total: 19,
  },
  {
    name: "a transition on the first clip blends with nothing: none",
    clips: [{ frames: 30, overlap: 0, type: "wipeleft" }, { frames: 30 }],
    track: "media-1.mp4 0+30 | media-2.mp4 0+30",
    total: 60,
  },
  {
    name: "photos: a still held for its clip, its available range the clip with its handles",
    clips: [{ frames: 90, kind: "image" }, { frames: 60, overlap: 15 }, { frames: 90, kind: "image", overlap: 14, type: "fadeblack" }],
    track: "media-1.jpg 0+82 | dissolve 7/8 | media-2.mp4 7+46 | custom fadeblack 7/7 | media-3.jpg 7+83",
    total: 211,
  },
  {
    name: "back-to-back transitions leave the clip between them its middle frame",
    clips: [{ frames: 30 }, { frames: 20, overlap: 8, type: "dissolve" }, { frames: 30, overlap: 11, type: "slideleft" }],
    track: "media-1.mp4 0+26 | dissolve 4/4 | media-2.mp4 4+10 | custom slideleft 5/6 | media-3.mp4 5+25",
    total: 61,
  },
  {
    name: "a clip that starts later than the one before ends: a gap",
    clips: [{ frames: 30, after: 12 }, { frames: 30, after: 3 }],
    track: "gap 12 | media-1.mp4 0+30 | gap 3 | media-2.mp4 0+30",
    total: 75,
  },
];

/** A track in a line: "media-1.mp4 0+55 | dissolve 5/5 | gap 20", source start + duration for clips. */
export function summary(track: OtioTrack): string {
  return track.children.map(describe).join(" | ");
}

function describe(c: OtioComposable): string {
  switch (c.OTIO_SCHEMA) {
    case "Transition.1":
      return `${c.transition_type === "SMPTE_Dissolve" ? "dissolve" : `custom ${c.name}`} ${c.in_offset.value}/${c.out_offset.value}`;
    case "Gap.1":
      return `gap ${c.source_range?.duration.value}`;
    case "Clip.2":
      return `${c.name} ${c.source_range?.start_time.value}+${c.source_range?.duration.value}`;
    default:
      return c.OTIO_SCHEMA;
  }
}
