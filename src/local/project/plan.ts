import type { FrameRate } from "../format.js";
import type { Fit, KenBurns, LogoPosition, TextPosition } from "../timeline-choices.js";
import type { TransitionType } from "../transitions.js";

/**
 * The local timeline as an editor-neutral edit list, in whole frames of the project's rate,
 * laid out exactly as the engine renders it (compile-video.ts `planVideo`): what the project
 * writers (MLT, OTIO) turn into their own formats, so a project opened in Shotcut, Kdenlive or
 * Resolve cuts where the engine's own export cuts.
 *
 * Frame arithmetic is the engine's: clip i starts at start(i−1) + frames(i−1) − overlap(i);
 * a transition blends the last `overlap` frames of clip i−1 with the first `overlap` of clip i.
 */
export interface ProjectPlan {
  /** The project's title (the draft's title, else "video-maker project"). */
  title: string;
  width: number;
  height: number;
  frameRate: FrameRate;
  /** The rendered length in frames, as the engine renders it: the end of the last clip; without clips, the timeline's own (titles, music, logos). */
  totalFrames: number;
  /** Every file the project uses, once, by absolute path (nothing is copied). */
  sources: ProjectSource[];
  /** The picture track, in play order. */
  clips: ProjectClip[];
  /** Music and other sound laid over the clips' own sound. */
  music: ProjectMusic[];
  /** Titles and subtitles, where they show (subtitles that follow a clip already placed). */
  texts: ProjectText[];
  logos: ProjectLogo[];
}

export interface ProjectSource {
  /** The media id ("media-2"). */
  id: string;
  /** The file's name, for people. */
  name: string;
  /** Absolute path on this machine. */
  path: string;
  kind: "video" | "image" | "audio";
  /** Undefined for a photo. */
  durationMs?: number;
  width?: number;
  height?: number;
  hasAudio: boolean;
}

export interface ProjectClip {
  /** The segment id ("clip-3"). */
  id: string;
  sourceId: string;
  kind: "video" | "image";
  /** Where it starts on the timeline, and how many frames it lasts (its transition frames included). */
  startFrame: number;
  frames: number;
  /** Where it starts inside its source, at the project's rate (0 for a photo); and the same in ms. */
  sourceInFrame: number;
  sourceInMs: number;
  /** The transition from the clip before into this one, over the first `frames` of this clip. */
  transition?: { type: TransitionType; frames: number };
  /** The clip's own sound, 1 = as recorded. */
  volume: number;
  fit: Fit;
  kenBurns?: KenBurns;
}

export interface ProjectMusic {
  id: string;
  sourceId: string;
  startFrame: number;
  frames: number;
  sourceInMs: number;
  /** 1 = as recorded. */
  volume: number;
  fadeInFrames: number;
  fadeOutFrames: number;
  /** The source repeats when shorter than the piece. */
  loop: boolean;
  /** Pressed down while the clips' own sound plays. */
  ducked: boolean;
}

export interface ProjectText {
  id: string;
  kind: "title" | "subtitle";
  text: string;
  startFrame: number;
  frames: number;
  position: TextPosition;
  /** Font size in pixels on a 1080-pixel short side. */
  sizePx: number;
  /** "#rrggbb". */
  colour: string;
  box: boolean;
}

export interface ProjectLogo {
  id: string;
  sourceId: string;
  startFrame: number;
  frames: number;
  position: LogoPosition;
  /** Width as a share of the frame's width, 0–1. */
  widthFraction: number;
  opacity: number;
}
