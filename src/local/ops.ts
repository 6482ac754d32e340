import type { Draft } from "../core/draft.js";
import { VideoMakerError, isVideoMakerError } from "../core/errors.js";
import type { MediaFacts } from "./media.js";
import { type OpDefinition, type OpEnv, type OpHelpers, OpProblem } from "./ops-common.js";
import { type EditOp, parseOp } from "./ops-schema.js";
import { OPS } from "./ops/index.js";
import { unusableFileProblem } from "./referenced-files.js";
import { recordGivenIds } from "./segment-ids.js";
import { type LocalTimeline, cloneTimeline, normalizeTimeline, readTimeline, writeTimeline } from "./timeline.js";
import { newlyHiddenNotes } from "./subtitle-anchor.js";
import { fitOverlaysToVideoEnd } from "./video-end.js";

export { EditOpSchema, type EditOp, OP_NAMES } from "./ops-schema.js";
export { EDIT_OPS_GUIDE, editOpsGuide, opsReference } from "./ops-guide.js";
export type { OpHelpers, SilenceRange } from "./ops-common.js";
export { keepRanges } from "./ops/index.js";
export { outlineTimeline } from "./segment-ids.js";

/**
 * Applies structured edits to a local draft, all or nothing: every op is checked (schema,
 * then against the timeline as the earlier ops left it) and EVERY problem is reported in
 * one error; only when there are none does the new draft come back.
 */

export interface ApplyResult {
  draft: Draft;
  /** Explanations beyond what a draft diff shows (snapping, fitted durations, cut pauses…). */
  notes: string[];
}

/** The most ops one call may carry (the MCP tool's schema says the same). */
export const MAX_OPS = 500;

export async function applyOps(
  draft: Draft,
  ops: unknown,
  media: readonly MediaFacts[],
  helpers: OpHelpers = {},
): Promise<ApplyResult> {
  if (!Array.isArray(ops) || ops.length === 0) {
    throw new VideoMakerError("invalid_input", 'No edits given: pass a list of ops such as [{"op":"add_clip","media":"beach.mp4"}].');
  }
  if (ops.length > MAX_OPS) {
    throw new VideoMakerError("invalid_input", `${ops.length} ops in one call is too many; send at most ${MAX_OPS} at a time.`);
  }

  const problems: Array<{ index: number; text: string }> = [];
  const parsed = ops.map((raw, index) => {
    const result = parseOp(raw);
    // A file named by path that cannot be used is this op's problem, listed with the rest.
    const unusable = unusableFileProblem(raw, helpers.unusableFiles);
    if (unusable) problems.push({ index, text: `op ${index + 1}${opName(raw)}: ${unusable}` });
    if (!result.ok) problems.push(...result.problems.map((p) => ({ index, text: `op ${index + 1}${opName(raw)}: ${p}` })));
    return result.ok && !unusable ? result.op : undefined;
  });

  let timeline = readTimeline(draft);
  const notes: string[] = [];
  for (const [index, op] of parsed.entries()) {
    if (!op) continue;
    // Each op works on a copy, so a failing op leaves nothing half-done for the ones after it.
    const next = cloneTimeline(timeline);
    recordGivenIds(next);
    try {
      const said = await applyOne(next, op, { media, helpers });
      const adjusted = normalizeTimeline(next, media);
      timeline = next;
      notes.push(...said, ...adjusted);
    } catch (error) {
      // Mistakes in an op are collected; a cancel or a broken ffmpeg ends the whole call.
      const isMistake = error instanceof OpProblem || (isVideoMakerError(error) && error.kind === "input");
      if (!isMistake) throw error;
      problems.push({ index, text: `op ${index + 1} (${op.op}): ${(error as Error).message}` });
    }
  }

  if (problems.length > 0) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    const listed = problems.sort((a, b) => a.index - b.index).map((p) => p.text);
    throw new VideoMakerError("invalid_input", `${count} in the edits, so nothing was changed:\n- ${listed.join("\n- ")}`);
  }
  recordGivenIds(timeline);
  // Once, on what the whole batch leaves: titles, logos and subtitles end where the video does.
  notes.push(...fitOverlaysToVideoEnd(timeline));
  // Subtitles on speech the batch cut are hidden: said once, for the whole batch.
  const before = readTimeline(draft);
  normalizeTimeline(before, media);
  notes.push(...newlyHiddenNotes(before, timeline));
  const { t: _t, d: _d, m: _m, ...unknownKeys } = draft;
  const next = { ...unknownKeys, ...writeTimeline(timeline) };
  return { draft: readableOrRefused(next), notes };
}

/**
 * The whole result is read back the way every later edit, preview and export will read it: a
 * batch that would save a timeline the engine cannot read is refused, so one bad value can
 * never lock a person out of their project.
 */
function readableOrRefused(next: Draft): Draft {
  try {
    readTimeline(next);
    return next;
  } catch (error) {
    const why = isVideoMakerError(error) ? error.message : String(error);
    throw new VideoMakerError("invalid_input", `These edits would leave a timeline the engine cannot read, so nothing was changed (${why}).`);
  }
}

function opName(raw: unknown): string {
  const name = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>)["op"] : undefined;
  return typeof name === "string" && name.length <= 40 ? ` (${name})` : "";
}

const BY_NAME: ReadonlyMap<string, OpDefinition> = new Map(OPS.map((op) => [op.name, op as OpDefinition]));

function applyOne(t: LocalTimeline, op: EditOp, env: OpEnv): string[] | Promise<string[]> {
  // parseOp accepted the name, so the registry has it.
  return BY_NAME.get(op.op)!.apply(t, op, env);
}
