import { VideoMakerError, type ErrorCode } from "../../core/errors.js";
import { type JobRecord, isUnfinished } from "../../core/jobs.js";
import { describeLoudness } from "../../core/loudness.js";
import { type CommandContext, EXIT, printJson } from "../context.js";
import { progressDisplay } from "../io.js";

/**
 * The CLI runs edits and exports as jobs too, so they are on disk like the MCP server's:
 * `video-maker job <id>` can look at either, and a render survives a crash.
 */
export async function runJobToEnd(context: CommandContext, job: JobRecord): Promise<JobRecord> {
  if (!context.json) context.io.err(`job ${job.id} started`);
  const display = context.json ? undefined : progressDisplay(context.io);
  try {
    let record = job;
    while (isUnfinished(record.status)) {
      record = await context.jobs.wait(job.id, 60_000, {
        signal: context.signal,
        ...(display ? { onProgress: display.update } : {}),
      });
      if (context.signal.aborted) record = await context.jobs.cancel(job.id);
    }
    return record;
  } finally {
    display?.done();
  }
}

/** Prints a finished job the way its command would, and returns the exit code. */
export function reportJob(context: CommandContext, record: JobRecord): number {
  if (record.status === "failed" && record.error) {
    throw new VideoMakerError(record.error.code as ErrorCode, record.error.message, {
      ...(record.error.link ? { link: record.error.link } : {}),
    });
  }
  if (context.json) {
    printJson(context, jsonOf(record));
    return exitOf(record);
  }
  const { io } = context;
  if (record.status === "queued") {
    io.out(`Job ${record.id} is queued: ${record.progress.message}. It starts by itself when its turn comes.`);
    io.out(`Wait for it with: video-maker job ${record.id} --wait`);
  } else if (record.status === "running") {
    io.out(`Job ${record.id} is still running: ${record.progress.message}${record.progress.percent !== undefined ? ` (${record.progress.percent}%)` : ""}`);
    io.out(`Wait for it with: video-maker job ${record.id} --wait`);
  } else if (record.status === "cancelled") {
    io.out(`Job ${record.id} was cancelled.`);
  } else if (record.kind === "edit" && record.edit) {
    io.out(record.edit.reply);
    if (record.edit.changes.length > 0 && !record.edit.reply.includes(record.edit.changes[0]!)) {
      io.out(`Changes: ${record.edit.changes.join("; ")}`);
    }
    if (record.edit.timeline) io.out(record.edit.timeline);
    if (record.edit.suggestsExport) io.out('Next: run "video-maker export" to render and download the MP4.');
  } else if (record.kind === "export" && record.export) {
    if (record.export.loudness) io.out(describeLoudness(record.export.loudness));
    io.out(record.export.file);
  } else if (record.error) {
    io.out(record.error.message);
  }
  return exitOf(record);
}

function exitOf(record: JobRecord): number {
  if (record.status === "cancelled") return EXIT.cancelled;
  if (record.status === "interrupted") return EXIT.upstream;
  return EXIT.ok;
}

function jsonOf(record: JobRecord) {
  return {
    job_id: record.id,
    kind: record.kind,
    status: record.status,
    progress: record.progress,
    ...(record.edit
      ? {
          reply: record.edit.reply,
          changes: record.edit.changes,
          timeline: record.edit.timeline,
          suggests_export: record.edit.suggestsExport,
        }
      : {}),
    ...(record.export ? { file: record.export.file, bytes: record.export.bytes } : {}),
    ...(record.export?.loudness ? { loudness: record.export.loudness } : {}),
    ...(record.error ? { error: record.error } : {}),
  };
}
