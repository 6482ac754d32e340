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
