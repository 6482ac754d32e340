import { extname, resolve } from "node:path";
import { z } from "zod";
import { colourOf, defineOp, fail, field, fontNotes, mediaById, ms, sizeOf, videoSegmentOrFail } from "../ops-common.js";
import type { MediaFacts } from "../media.js";
import { parseSubtitles } from "../subtitles.js";
import { nextSegmentId } from "../segment-ids.js";
import { clipFamily, cueList, cueParts, isFollowing } from "../subtitle-anchor.js";
import { type LocalTimeline, type SubtitleSegment, TEXT_POSITIONS, type VideoSegment } from "../timeline.js";

const TIMELINE = "timeline";

export const addSubtitles = defineOp({
  name: "add_subtitles",
  schema: z.strictObject({
    file: z.string().min(1).describe("Absolute path of an .srt or .vtt file"),
    follows: z
      .string()
      .min(1)
      .optional()
      .describe(
        'A clip id ("clip-1"): the file is a transcript of that clip\'s recording (its times are times in the recording) and the cues stay on the speech through trims, cut pauses, moves and fit_duration. "timeline": the file was made for the finished video (its times are fixed times in the video). Default: the only recording on the video track, or the clip that plays its recording at the very times of the cues (an untrimmed first clip), else "timeline"',
      ),
    offset: z.number().finite().default(0).describe("Seconds added to every cue (negative: earlier)"),
    position: z.enum(TEXT_POSITIONS).default("bottom"),
    size: field.textSize.default("small"),
    colour: field.colour.optional(),
    color: field.colour.optional(),
    box: z.boolean().default(true),
  }),
  guide: {
    fields:
      'file (.srt/.vtt), follows (a clip id: the times are its recording\'s and the cues stay on its speech through cuts and moves; "timeline": fixed times in the video; default: the only recording, or the clip that plays its recording at the cues\' times, else timeline), offset (0), position (bottom), size (small), colour, box (true)',
  },
  async apply(t, op, { media, helpers }) {
    const path = resolve(op.file);
    const ext = extname(path).toLowerCase();
    if (ext !== ".srt" && ext !== ".vtt") fail(`"${op.file}" is not an .srt or .vtt file`);
    if (!helpers.readTextFile) fail("reading subtitle files is not available here");
    const content = await helpers.readTextFile(path);
    const cues = parseSubtitles(content);
    if (cues.length === 0) fail(`no subtitles were found in "${op.file}"`);
    const offset = ms(op.offset);
    const anchor = anchorOf(t, op.follows, media, cues.map((cue) => cue.startMs + offset));
    const replaced = t.subtitles.length;
    t.subtitles = [];
    const colour = colourOf(op, "white");
    let skipped = 0;
    for (const cue of cues) {
      const start = cue.startMs + offset;
      const end = cue.endMs + offset;
      if (end <= 0) {
        skipped++;
        continue;
      }
      const startMs = Math.max(0, start);
      const subtitle: SubtitleSegment = {
        id: nextSegmentId(t, "sub"),
        startMs,
        durationMs: end - startMs,
        text: cue.text,
        position: op.position,
        sizePx: sizeOf(op.size),
        colour,
        box: op.box,
      };
      // Following a clip: the times are the recording's; where they show is derived from its pieces.
      if (anchor.clip) Object.assign(subtitle, { followsClip: clipFamily(anchor.clip), sourceMediaId: anchor.clip.mediaId, sourceInMs: startMs, sourceDurationMs: end - startMs });
      t.subtitles.push(subtitle);
    }
    const added = `Added ${t.subtitles.length} subtitles from ${op.file}${replaced > 0 ? ` (replacing ${replaced})` : ""}`;
    const notes = [anchor.clip ? `${added}; ${followingNote(anchor.clip, anchor.chosen)}` : `${added}.${anchor.hint}`];
    if (skipped > 0) notes.push(`${skipped} subtitles fell before the start after the offset and were left out.`);
    const hidden = t.subtitles.filter((cue) => isFollowing(cue) && cueParts(cue, t.video).length === 0).map((cue) => cue.id);
    if (hidden.length > 0) {
      const one = hidden.length === 1;
      notes.push(
        `${hidden.length} of them (${cueList(hidden)}) ${one ? "falls" : "fall"} in parts of ${anchor.clip!.name ?? anchor.clip!.mediaId} that are not on the timeline (cut, trimmed or past its end), so ${one ? "it is" : "they are"} hidden.`,
      );
    }
    return [...notes, ...(await fontNotes(t, t.subtitles, helpers))];
  },
});

interface Anchor {
  /** The clip whose recording the cues follow; none: fixed times in the video. */
  clip?: VideoSegment;
  /** Chosen by default (the one recording on the track), not asked for. */
  chosen: boolean;
  /** Said when the cues stay at fixed times although clips could be followed. */
  hint: string;
}

/**
 * Which clip the cues follow. Asked for: that clip ("timeline": none). By default a clip whose
 * recording the cues must be: the only recording on the video track, or else the one recording
 * clip that shows its recording at the same times as the video (startMs = sourceInMs, e.g. the
 * first clip untrimmed) and holds every cue's start, where both readings of the times agree.
 */
function anchorOf(t: LocalTimeline, follows: string | undefined, media: readonly MediaFacts[], cueStarts: readonly number[]): Anchor {
  if (follows === TIMELINE) return { chosen: false, hint: "" };
  const isRecording = (s: VideoSegment): boolean => mediaById(s.mediaId, media)?.kind === "video";
  if (follows !== undefined) {
    const { segment } = videoSegmentOrFail(t, follows, "add_subtitles");
    if (!isRecording(segment)) fail(`${follows} is a photo; subtitles follow a clip's recording (or give "follows": "timeline")`);
    return { clip: segment, chosen: false, hint: "" };
  }
  const families = new Map<string, VideoSegment>();
  for (const s of t.video.filter(isRecording)) if (!families.has(clipFamily(s))) families.set(clipFamily(s), s);
  if (families.size === 1) return { clip: [...families.values()][0]!, chosen: true, hint: "" };
  if (families.size === 0) return { chosen: false, hint: "" };
  const holding = t.video.filter(
    (s) => isRecording(s) && Math.abs(s.startMs - s.sourceInMs) <= 1 && cueStarts.every((at) => at >= s.startMs && at < s.startMs + s.durationMs),
  );
  if (holding.length === 1) return { clip: holding[0]!, chosen: true, hint: "" };
  const first = [...families.keys()][0]!;
  return {
    chosen: false,
    hint: ` They sit at fixed times in the video; if the file is a transcript of one clip's recording, send it with "follows": "${first}" (or another clip) so the cues stay on its speech through cuts.`,
  };
}

function followingNote(clip: VideoSegment, chosen: boolean): string {
  const root = clipFamily(clip);
  const recording = clip.name ?? clip.mediaId;
  return (
    `they follow ${root} (their times are times in ${recording}) and stay on its speech through trims, cut pauses, moves and fit_duration.` +
    (chosen ? ` For a file made for the finished video, send it with "follows": "timeline".` : "")
  );
}
