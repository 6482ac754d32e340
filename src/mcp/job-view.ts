import { pathToFileURL } from "node:url";
import { basename } from "node:path";
import type { ContentBlock } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { type ErrorCode, VideoMakerError } from "../core/errors.js";
import { EditResultSchema, ExportResultFileSchema, JobKindSchema, type JobRecord, JobStatusSchema } from "../core/jobs.js";
import { type LoudnessReport, describeLoudness } from "../core/loudness.js";
import type { ToolOutput } from "./tool.js";

/**
 * What edit_video, export_video, get_job and cancel_job say about a job. The fields are the
 * job record's own schemas with a description for the model, so the two cannot drift.
 */

const edit = EditResultSchema.shape;
const exported = ExportResultFileSchema.shape;

/** One progress type in every job output: the current stage's percent (when known) and the latest line. */
const percentSchema = z.number().min(0).max(100);
const messageSchema = z.string().describe("The latest progress line");

const statusSchema = JobStatusSchema.describe('"queued": waiting for its turn behind other renders, starts by itself, call get_job; "running": still going, call get_job; "completed": done; "cancelled"; "interrupted": the server restarted mid-edit (see reply)');
/** Edits never wait behind renders, so their status says nothing of a queue. */
const editStatusSchema = JobStatusSchema.describe('"running": still going, call get_job; "completed": done; "cancelled"; "interrupted": the server restarted mid-edit (see reply)');

export const editOutputShape = {
  job_id: z.string().describe("The edit job; pass it to get_job while status is running"),
  status: editStatusSchema,
  reply: edit.reply.describe("What the agent said (GUI language already translated), or what changed"),
  changes: edit.changes.describe("What the edit changed on the timeline"),
  timeline: edit.timeline.describe('One-line timeline summary, e.g. Timeline (2 tracks): 1. Video: … 2. BGM: …'),
  suggests_export: edit.suggestsExport.describe("The agent suggested exporting: offer export_video"),
  progress: percentSchema.optional().describe("Percent done, when known: an agent edit has no percentage while it runs; 100 once completed"),
  message: messageSchema,
};

export const exportOutputShape = {
  job_id: z.string().describe("The export job; pass it to get_job while status is queued or running"),
  status: statusSchema,
  progress: percentSchema.describe("Percent done of the current stage"),
  message: messageSchema,
  file: exported.file.optional().describe("Absolute path of the downloaded MP4, once completed"),
  bytes: exported.bytes.optional().describe("Size of the file in bytes"),
};

/**
 * Renders on this computer say the loudness they measured and delivered; only their export_video
 * and get_job declare it (the cloud's renders are the service's, and say nothing of it).
 */
export const loudnessOutputShape = {
  loudness: exported.loudness.describe(
    'The sound of the export: target (LUFS or "off"), ceiling (true peak, dBTP), outcome (normalised, peak_limited: quieter than the target to spare the peaks, silent, off), measured (the mix before: lufs, dbtp), gain (dB, one for the whole mix), delivered (the file: lufs, dbtp)',
  ),
};

export const jobOutputShape = {
  job_id: z.string(),
  kind: JobKindSchema.describe("Which tool started the job"),
  status: statusSchema,
  reply: edit.reply.optional().describe("edit jobs: the agent's reply"),
  changes: edit.changes.optional().describe("edit jobs: what changed"),
  timeline: edit.timeline.optional().describe("edit jobs: the timeline summary"),
  suggests_export: edit.suggestsExport.optional(),
  progress: percentSchema.optional().describe("Percent done of the current stage, when known"),
  message: messageSchema,
  file: exported.file.optional().describe("export jobs: absolute path of the MP4"),
  bytes: exported.bytes.optional(),
};

type EditOutput = z.infer<z.ZodObject<typeof editOutputShape>>;
type ExportOutput = z.infer<z.ZodObject<typeof exportOutputShape>> & { loudness?: LoudnessReport };
type JobOutput = z.infer<z.ZodObject<typeof jobOutputShape>>;

/** A failed job is an error for the caller, with the person-facing message it failed with. */
function throwIfFailed(record: JobRecord): void {
  if (record.status !== "failed" || !record.error) return;
  throw new VideoMakerError(record.error.code as ErrorCode, record.error.message, {
    ...(record.error.link ? { link: record.error.link } : {}),
  });
}

export function editView(record: JobRecord): ToolOutput<EditOutput> {
  throwIfFailed(record);
  const edit = record.edit;
  const structured: EditOutput = {
    job_id: record.id,
    status: record.status,
    reply: edit?.reply ?? (record.status === "cancelled" ? "The edit was cancelled." : ""),
    changes: edit?.changes ?? [],
    timeline: edit?.timeline ?? "",
    suggests_export: edit?.suggestsExport ?? false,
    ...(record.progress.percent !== undefined ? { progress: record.progress.percent } : {}),
    message: record.progress.message,
  };
  return { structured, text: editText(structured) };
}

function editText(out: EditOutput): string {
  if (out.status === "running" || out.status === "queued") {
    return `Still working (${out.message}). The edit keeps running; call get_job with job_id "${out.job_id}" to wait for it. Do not send the instruction again.`;
  }
  if (out.status === "cancelled") return `The edit was cancelled (job ${out.job_id}).`;
  const lines = [out.reply];
  if (out.changes.length > 0 && !out.reply.includes(out.changes[0]!)) lines.push(`Changes: ${out.changes.join("; ")}`);
  if (out.timeline) lines.push(out.timeline);
  if (out.suggests_export) lines.push("Next: call export_video to render and download the MP4.");
  return lines.filter(Boolean).join("\n");
}

export function exportView(record: JobRecord): ToolOutput<ExportOutput> {
  throwIfFailed(record);
  const structured: ExportOutput = {
    job_id: record.id,
    status: record.status,
    progress: record.status === "completed" ? 100 : (record.progress.percent ?? 0),
    message: record.progress.message,
    ...(record.export ? { file: record.export.file, bytes: record.export.bytes } : {}),
    ...(record.export?.loudness ? { loudness: record.export.loudness } : {}),
  };
  return { structured, text: exportText(structured), content: fileLink(structured) };
}

function exportText(out: ExportOutput): string {
  if (out.status === "completed" && out.file) return `The video is ready: ${out.file}${out.loudness ? `\n${describeLoudness(out.loudness)}` : ""}`;
  if (out.status === "cancelled") return `The export was cancelled (job ${out.job_id}). No file was written.`;
  if (out.status === "interrupted") return `The export was interrupted before the render started (job ${out.job_id}). Export again.`;
  if (out.status === "queued") {
    return `Queued: ${out.message}. The export starts by itself when its turn comes; call get_job with job_id "${out.job_id}" to wait for the file. Do not export again.`;
  }
  return `Still exporting (${out.message}). The export keeps running; call get_job with job_id "${out.job_id}" to wait for the file.`;
}

function fileLink(out: ExportOutput): ContentBlock[] {
  if (!out.file) return [];
  return [
    {
      type: "resource_link",
      uri: pathToFileURL(out.file).toString(),
      name: basename(out.file),
      mimeType: "video/mp4",
      description: "The exported video",
    },
  ];
}

export function jobView(record: JobRecord): ToolOutput<JobOutput> {
  if (record.kind === "edit") {
    const view = editView(record);
    return { ...view, structured: { kind: "edit", ...view.structured } };
  }
  const view = exportView(record);
  return { ...view, structured: { kind: "export", ...view.structured } };
}
