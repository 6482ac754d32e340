import { readFile } from "node:fs/promises";
import { VideoMakerError } from "../../core/errors.js";
import { EXIT, defineCommand, printJson } from "../context.js";

/** Structured edits for the local backend, from a JSON file or stdin: `[{"op": "add_clip", …}, …]`. */
export const applyCommand = defineCommand({
  name: "apply",
  requires: ["editor"],
  usage: "apply <ops.json | ->",
  summary: "apply structured edit operations from a JSON file or stdin (--help lists every op)",
  details: async () => (await import("../../local/ops.js")).opsReference({ apply: "video-maker apply", preview: "video-maker preview <seconds>" }),
  examples: ["video-maker apply ops.json", "echo '[{\"op\":\"add_clip\",\"media\":\"beach.mp4\"}]' | video-maker apply -"],
  async run(context) {
    const source = context.args[0];
    if (!source) {
      context.io.err('Usage: video-maker apply <ops.json | -> (a JSON list like [{"op":"add_clip","media":"beach.mp4"}])');
      return EXIT.usage;
    }
    const text = source === "-" ? await readStdin() : await readFile(source, "utf8").catch(() => {
      throw new VideoMakerError("file_not_found", `Cannot read ${source}.`);
    });
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new VideoMakerError("invalid_input", "The operations are not valid JSON: expected a list like [{\"op\":\"add_clip\",\"media\":\"beach.mp4\"}].");
    }
    const ops = Array.isArray(parsed) ? parsed : (parsed as { ops?: unknown }).ops;
    if (!Array.isArray(ops)) throw new VideoMakerError("invalid_input", 'Expected a JSON list of operations, or {"ops": [...]}.');
    const result = await context.backend.editor.applyEdits(ops, { signal: context.signal });
    if (context.json) printJson(context, { changes: result.changes, timeline: result.timeline });
    else {
      for (const change of result.changes) context.io.out(`- ${change}`);
      context.io.out(result.timeline);
    }
    return EXIT.ok;
  },
});

/** Far above any real batch (MAX_OPS ops of a few hundred bytes); stops a runaway pipe. */
const MAX_STDIN_BYTES = 5 * 1024 * 1024;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).byteLength;
    if (size > MAX_STDIN_BYTES) throw new VideoMakerError("invalid_input", `The operations are larger than ${MAX_STDIN_BYTES / 1024 / 1024} MB.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
