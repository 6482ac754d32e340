import { z } from "zod";
import { VideoMakerError } from "./errors.js";

/**
 * Delivering at platform loudness: what can be asked (a target in LUFS, or "off"), what an export
 * says it did (measured, gain, delivered), and the sentence a person reads. Pure: the measuring
 * and the gain are the engine's (src/local/loudness.ts).
 */

/** The integrated loudness the large platforms normalise to (YouTube, Spotify, TikTok, Instagram). */
export const DEFAULT_LOUDNESS_TARGET = -14;
/** True peaks stay at or under this (dBTP), so the platforms' own AAC/Opus encodes do not clip. */
export const TRUE_PEAK_CEILING = -1;
export const MIN_LOUDNESS_TARGET = -40;
export const MAX_LOUDNESS_TARGET = -5;

/** A target in LUFS, or "off" (the mix is delivered as it is). */
export type LoudnessSetting = number | "off";

const RANGE_TEXT = `a target from ${MIN_LOUDNESS_TARGET} to ${MAX_LOUDNESS_TARGET} LUFS (integrated loudness, a number: ${DEFAULT_LOUDNESS_TARGET} is the default, -23 is broadcast) or "off"`;
const MESSAGE = `loudness must be ${RANGE_TEXT}`;

/** The boundary's check (MCP input, CLI flag, environment): one message with the allowed range. */
export const LoudnessSettingSchema = z.union(
  [
    z.number({ error: MESSAGE }).min(MIN_LOUDNESS_TARGET, { error: MESSAGE }).max(MAX_LOUDNESS_TARGET, { error: MESSAGE }),
    z.literal("off"),
  ],
  { error: MESSAGE },
);

/** Reads a setting given as text (`--loudness -16`, `VIDEO_MAKER_LOUDNESS=off`); `where` names it in the message. */
export function parseLoudnessSetting(raw: string, where: string, code: "invalid_input" | "config" = "invalid_input"): LoudnessSetting {
  const text = raw.trim().toLowerCase();
  const value = text === "off" ? "off" : /^[-+]?\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
  const parsed = LoudnessSettingSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const shown = raw.length > 20 ? `${raw.slice(0, 17)}...` : raw;
  throw new VideoMakerError(code, `${where} must be ${RANGE_TEXT}, not "${shown}".`);
}

/** A level as ebur128 measures it; `dbtp` is null for no sound at all (−∞). */
export const LoudnessLevelSchema = z.object({ lufs: z.number(), dbtp: z.number().nullable() });
export type LoudnessLevel = z.infer<typeof LoudnessLevelSchema>;

/**
 * - `normalised`: one gain brought the mix to the target;
 * - `peak_limited`: the gain needed would have pushed peaks far over the ceiling, so it was held
 *   back and the file is quieter than the target (a limiter takes at most a few dB off peaks);
 * - `silent`: nothing to measure (at or under −70 LUFS), so no gain;
 * - `off`: not normalised, the mix as it is.
 */
export const LoudnessOutcomeSchema = z.enum(["normalised", "peak_limited", "silent", "off"]);

/** What an export says about its loudness; every key is one word, spelled alike in code, job files and answers. */
export const LoudnessReportSchema = z.object({
  target: z.union([z.number(), z.literal("off")]),
  /** The true-peak ceiling (dBTP) the delivery kept to. */
  ceiling: z.number(),
  outcome: LoudnessOutcomeSchema,
  /** The mix as rendered, before any gain. */
  measured: LoudnessLevelSchema.optional(),
  /** The one linear gain applied to the whole mix (dB). */
  gain: z.number().optional(),
  /** Measured on the finished file (after the AAC encode). */
  delivered: LoudnessLevelSchema.optional(),
});
export type LoudnessReport = z.infer<typeof LoudnessReportSchema>;
export type LoudnessOutcome = z.infer<typeof LoudnessOutcomeSchema>;

/** What an export with loudness "off" reports: nothing measured, nothing changed. */
export const LOUDNESS_OFF: Readonly<LoudnessReport> = { target: "off", ceiling: TRUE_PEAK_CEILING, outcome: "off" };

/** ebur128's floor: the absolute gate leaves nothing to measure at or below it. */
export const SILENCE_LUFS = -70;

function level(l: LoudnessLevel): string {
  return `${l.lufs.toFixed(1)} LUFS, true peak ${l.dbtp === null ? "-inf" : l.dbtp.toFixed(1)} dBTP`;
}

function signed(db: number): string {
  return `${db >= 0 ? "+" : ""}${db.toFixed(1)} dB`;
}

/** One line for a person: what was measured, the gain, what the file delivers and why when it is not the target. */
export function describeLoudness(report: LoudnessReport): string {
  if (report.outcome === "off" || report.target === "off") {
    return report.delivered ? `Loudness: not normalised (off); the file measures ${level(report.delivered)}.` : "Loudness: not normalised (off).";
  }
  const target = `${report.target} LUFS`;
  const measured = report.measured ? `measured ${level(report.measured)}` : "not measured";
  const delivered = report.delivered ? `delivered ${level(report.delivered)}` : "";
  if (report.outcome === "silent") {
    return `Loudness: the video has no sound to measure (${measured}), so no gain was applied; target ${target}.`;
  }
  const gain = report.gain !== undefined ? `, gain ${signed(report.gain)}` : "";
  const line = `Loudness: ${measured}${gain}; ${delivered} (target ${target}, peaks at most ${report.ceiling} dBTP).`;
  if (report.outcome === "peak_limited") {
    return `${line} Reaching the target would have needed far more than the peaks allow, so the file is quieter than the target; lower the loudest sounds (or the target) to get closer.`;
  }
  return line;
}
