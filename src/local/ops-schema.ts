import { z } from "zod";
import { ASPECTS, RESOLUTIONS } from "./format.js";
import { FITS, KEN_BURNS, TEXT_POSITIONS, TEXT_SIZES, TRANSITIONS } from "./timeline.js";

/**
 * The structured edit operations of the local backend, as the host writes them. Times are
 * in seconds (the draft stores ms). Objects are strict: a misspelt field is an error the
 * host can fix, not a setting silently ignored.
 */

const seconds = z.number().finite().min(0);
const positiveSeconds = z.number().finite().positive();
const mediaRef = z.string().min(1).describe('An uploaded file: its id ("media-2"), file name ("beach.mp4") or absolute path');
const segmentRef = z.string().min(1).describe('A segment id from the timeline outline, e.g. "clip-3", "image-1", "text-2", "audio-1"');
const volume = z.number().min(0).max(1);
const textSize = z.union([z.enum(Object.keys(TEXT_SIZES) as [keyof typeof TEXT_SIZES, ...Array<keyof typeof TEXT_SIZES>]), z.number().min(8).max(400)]);
const colour = z.string().min(1).describe('A colour name (white, black, yellow, red, …) or "#RRGGBB"');

export const AddClipOp = z.strictObject({
  op: z.literal("add_clip"),
  media: mediaRef,
  in: seconds.optional().describe("Start inside the source, seconds (default 0)"),
  out: seconds.optional().describe("End inside the source, seconds (default: the end)"),
  at: seconds.optional().describe("Where on the timeline, seconds; snaps to the nearest cut (default: after the last clip)"),
  fit: z.enum(FITS).optional().describe("cover (fill, crop), contain (black bars), blur (blurred copy behind); default: cover when the shapes match, else blur"),
  volume: volume.optional().describe("The clip's own sound, 0–1 (default 1; 0 mutes)"),
});

export const AddImageOp = z.strictObject({
  op: z.literal("add_image"),
  media: mediaRef,
  duration: positiveSeconds.max(600).default(3),
  at: seconds.optional(),
  fit: z.enum(FITS).optional(),
  ken_burns: z.enum(KEN_BURNS).default("none"),
});

export const AddTextOp = z.strictObject({
  op: z.literal("add_text"),
  text: z.string().min(1).max(500),
  at: seconds.default(0),
  duration: positiveSeconds.max(3600).default(3),
  position: z.enum(TEXT_POSITIONS).default("center"),
  size: textSize.default("large").describe("small, medium, large, huge, or pixels on a 1080p frame"),
  colour: colour.optional(),
  color: colour.optional(),
  box: z.boolean().default(false).describe("A dark box behind the text"),
});

export const AddAudioOp = z.strictObject({
  op: z.literal("add_audio"),
  media: mediaRef,
  at: seconds.default(0),
  in: seconds.default(0),
  duration: positiveSeconds.optional().describe("Seconds; default: to the end of the video, following later edits"),
  volume: volume.default(1),
  fade_in: seconds.max(60).default(0),
  fade_out: seconds.max(60).default(0),
  loop: z.boolean().default(false).describe("Repeat the music when it is shorter than the video"),
  duck: z.boolean().default(false).describe("Lower the music while the clips' own sound plays"),
});

export const SetTransitionOp = z.strictObject({
  op: z.literal("set_transition"),
  after: z.union([segmentRef, z.number().int().min(1)]).optional().describe("The clip the transition leaves (id, or position N for between clip N and N+1)"),
  all: z.boolean().optional().describe("true: between every pair of clips"),
  type: z.enum([...TRANSITIONS, "none"]).describe("An xfade transition, or none for a hard cut"),
  duration: positiveSeconds.min(0.1).max(5).default(0.5),
});

export const TrimOp = z.strictObject({
  op: z.literal("trim"),
  segment: segmentRef,
  in: seconds.optional().describe("New start inside the source, seconds (clips and audio)"),
  out: seconds.optional().describe("New end inside the source, seconds (clips and audio)"),
  duration: positiveSeconds.optional().describe("New length, seconds (any segment)"),
});

export const RemoveOp = z.strictObject({
  op: z.literal("remove"),
  segment: segmentRef,
});

export const MoveOp = z.strictObject({
  op: z.literal("move"),
  segment: segmentRef,
  to: z.number().int().min(1).optional().describe("New position among the clips, 1 = first"),
  at: seconds.optional().describe("New time, seconds (texts and audio; clips snap to the nearest cut)"),
});

export const SetFormatOp = z.strictObject({
  op: z.literal("set_format"),
  aspect: z.enum(ASPECTS).optional(),
  resolution: z
    .union([z.enum(Object.keys(RESOLUTIONS) as [keyof typeof RESOLUTIONS, ...Array<keyof typeof RESOLUTIONS>]), z.number().int().min(120).max(4320)])
    .optional()
    .describe("The short side: 1080p = 1920x1080 for 16:9, 1080x1920 for 9:16"),
  fps: z.number().min(1).max(60).optional(),
});

export const FitDurationOp = z.strictObject({
  op: z.literal("fit_duration"),
  seconds: positiveSeconds.max(3 * 3600),
});

export const RemoveSilenceOp = z.strictObject({
  op: z.literal("remove_silence"),
  segment: segmentRef.optional().describe("A clip id; default: every clip with sound"),
  noise_db: z.number().min(-90).max(0).default(-35).describe("Quieter than this counts as silence"),
  min_silence: positiveSeconds.min(0.1).max(10).default(0.5).describe("Pauses shorter than this stay"),
});

export const AddSubtitlesOp = z.strictObject({
  op: z.literal("add_subtitles"),
  file: z.string().min(1).describe("Absolute path of an .srt or .vtt file"),
  offset: z.number().finite().default(0).describe("Seconds added to every cue (negative: earlier)"),
  position: z.enum(TEXT_POSITIONS).default("bottom"),
  size: textSize.default("small"),
  colour: colour.optional(),
  color: colour.optional(),
  box: z.boolean().default(true),
});

export const SetVolumeOp = z.strictObject({
  op: z.literal("set_volume"),
  segment: z.string().min(1).describe('A clip or audio id, or "all_clips"'),
  volume,
});

export const SetTextOp = z.strictObject({
  op: z.literal("set_text"),
  segment: segmentRef,
  text: z.string().min(1).max(500).optional(),
  position: z.enum(TEXT_POSITIONS).optional(),
  size: textSize.optional(),
  colour: colour.optional(),
  color: colour.optional(),
  box: z.boolean().optional(),
});

export const EditOpSchema = z.discriminatedUnion("op", [
  AddClipOp,
  AddImageOp,
  AddTextOp,
  AddAudioOp,
  SetTransitionOp,
  TrimOp,
  RemoveOp,
  MoveOp,
  SetFormatOp,
  FitDurationOp,
  RemoveSilenceOp,
  AddSubtitlesOp,
  SetVolumeOp,
  SetTextOp,
]);

export type EditOp = z.infer<typeof EditOpSchema>;
export type EditOpName = EditOp["op"];
export type OpOf<N extends EditOpName> = Extract<EditOp, { op: N }>;

export const OP_NAMES: readonly EditOpName[] = EditOpSchema.options.map((option) => option.shape.op.value);

const OP_FIELDS: Record<string, string[]> = Object.fromEntries(
  EditOpSchema.options.map((option) => [option.shape.op.value, Object.keys(option.shape).filter((key) => key !== "op")]),
);

export type ParsedOp = { ok: true; op: EditOp } | { ok: false; problems: string[] };

/** One op, checked; every problem with it is listed, in words a host can act on. */
export function parseOp(raw: unknown): ParsedOp {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return { ok: false, problems: ['each op must be an object like {"op":"add_clip", …}'] };
  }
  const name = (raw as Record<string, unknown>)["op"];
  if (typeof name !== "string" || !(OP_NAMES as readonly string[]).includes(name)) {
    const shown = typeof name === "string" ? `unknown op "${name}"` : 'missing "op"';
    return { ok: false, problems: [`${shown}; use one of ${OP_NAMES.join(", ")}`] };
  }
  const parsed = EditOpSchema.safeParse(raw, { reportInput: true });
  if (parsed.success) return { ok: true, op: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((issue) => describeIssue(issue, name)) };
}

function describeIssue(issue: z.core.$ZodIssue, op: string): string {
  const field = issue.path.length > 0 ? `"${issue.path.join(".")}"` : "the op";
  switch (issue.code) {
    case "unrecognized_keys":
      return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}; ${op} takes ${OP_FIELDS[op]?.join(", ")}`;
    case "invalid_type":
      return issue.input === undefined ? `${field} is required` : `${field} must be a ${issue.expected}`;
    case "too_small":
      return `${field} must be ${issue.inclusive === false ? "more than" : "at least"} ${String(issue.minimum)}${issue.origin === "string" ? " characters" : ""}`;
    case "too_big":
      return `${field} must be ${issue.inclusive === false ? "less than" : "at most"} ${String(issue.maximum)}${issue.origin === "string" ? " characters" : ""}`;
    case "invalid_value":
      return `${field} must be one of ${issue.values.map((v) => String(v)).join(", ")}`;
    case "invalid_union":
      return `${field} has the wrong type`;
    default:
      return `${field}: ${issue.message}`;
  }
}
