import { z } from "zod";
import { defineOp, fail, field, mediaOrFail, ms } from "../ops-common.js";
import { nextSegmentId } from "../segment-ids.js";
import { type AudioSegment, seconds } from "../timeline.js";

export const addAudio = defineOp({
  name: "add_audio",
  schema: z.strictObject({
    media: field.media,
    at: field.seconds.default(0),
    in: field.seconds.default(0),
    duration: field.positiveSeconds.optional().describe("Seconds; default: to the end of the video, following later edits"),
    volume: field.volume.default(1),
    fade_in: field.seconds.max(60).default(0),
    fade_out: field.seconds.max(60).default(0),
    loop: z.boolean().default(false).describe("Repeat the music when it is shorter than the video"),
    duck: z.boolean().default(false).describe("Lower the music while the clips' own sound plays"),
  }),
  guide: { fields: "media, at (0), in (0), duration (to the end of the video), volume (1), fade_in (0), fade_out (0), loop (false), duck (false: lower it under the clips' sound)" },
  apply(t, op, { media }) {
    const source = mediaOrFail(op.media, media);
    if (!source.has_audio) fail(`"${source.name}" has no sound`);
    const inMs = ms(op.in);
    const available = source.duration_ms !== undefined ? source.duration_ms - inMs : undefined;
    if (available !== undefined && available <= 0) fail(`"in" ${op.in}s is past the end of "${source.name}"`);
    const fixed = op.duration !== undefined ? ms(op.duration) : undefined;
    const segment: AudioSegment = {
      id: nextSegmentId(t, "audio"),
      name: source.name,
      mediaId: source.id,
      startMs: ms(op.at),
      durationMs: fixed ?? available ?? 1000,
      sourceInMs: inMs,
      volume: op.volume,
      fadeInMs: ms(op.fade_in),
      fadeOutMs: ms(op.fade_out),
      loop: op.loop,
      duckUnderClips: op.duck,
      followsVideoEnd: fixed === undefined,
    };
    t.music.push(segment);
    const notes: string[] = [];
    if (fixed !== undefined && available !== undefined && fixed > available && !op.loop) {
      notes.push(`${segment.id}: "${source.name}" has only ${seconds(available)}s of sound after ${op.in}s; add "loop": true to repeat it.`);
    }
    return notes;
  },
});
