import { makeAudio, makeVideo } from "../integration/media-fixtures.js";

/**
 * The small real project the studio tests open: two 2 s clips, a title and music (4 s), made
 * by ffmpeg in `dir`. `STUDIO_OPS` is the apply_edits batch that builds it from those files.
 */
export async function makeStudioMedia(dir: string): Promise<string[]> {
  return [await makeVideo(dir, "beach.mp4", 2), await makeVideo(dir, "city.mp4", 2), await makeAudio(dir, "music.mp3", 4)];
}

export const STUDIO_OPS = [
  { op: "set_format", aspect: "16:9", resolution: 360, fps: 25 },
  { op: "add_clip", media: "beach.mp4" },
  { op: "add_clip", media: "city.mp4" },
  { op: "add_text", text: "Summer", at: 0, duration: 2 },
  { op: "add_audio", media: "music.mp3", volume: 0.4 },
];
