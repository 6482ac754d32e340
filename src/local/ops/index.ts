import { addAudio } from "./add-audio.js";
import { addClip } from "./add-clip.js";
import { addImage } from "./add-image.js";
import { addLogo } from "./add-logo.js";
import { addSubtitles } from "./add-subtitles.js";
import { addText } from "./add-text.js";
import { fitDuration } from "./fit-duration.js";
import { move } from "./move.js";
import { remove } from "./remove.js";
import { removeSilence } from "./remove-silence.js";
import { setFormat } from "./set-format.js";
import { setText } from "./set-text.js";
import { setTransition } from "./set-transition.js";
import { setVolume } from "./set-volume.js";
import { syncToMusic } from "./sync-to-music.js";
import { trim } from "./trim.js";

/**
 * Every local edit op, in the order the guide lists them. The schema union, OP_NAMES, the
 * guide table and the dispatch are all derived from this list: a new op is a file and a line here.
 */
export const OPS = [
  addClip,
  addImage,
  addText,
  addLogo,
  addAudio,
  setTransition,
  trim,
  remove,
  move,
  setFormat,
  fitDuration,
  syncToMusic,
  removeSilence,
  addSubtitles,
  setVolume,
  setText,
] as const;

export { keepRanges } from "./remove-silence.js";
