/**
 * The bad-input table, written once: bad-inputs.test.ts runs every row through the MCP
 * tools and/or the built CLI, and docs/bad-inputs.md is generated from it (doc.ts).
 *
 * `outcome`:
 * - "rejected": the call succeeds, the input is listed in `rejected` with the reason (CLI: exit 3)
 * - "refused":  the call is an error with the message (MCP `isError`; CLI the exit code given)
 * - "accepted": an awkward but valid input that must simply work
 * - "protocol": MCP answers with the JSON-RPC error -32602 (the spec's word for an unknown tool), in words
 */

export interface Fixtures {
  /** A real 1 s clip, already in each project (named beach.mp4). */
  clip: string;
  missing: string;
  folder: string;
  loop: string;
  unreadable: string;
  fifo: string;
  device: string;
  empty: string;
  textAsMp4: string;
  /** 25 bytes: an ID3 header, then text (no audio frames). */
  id3OnlyMp3: string;
  pngAsMp4: string;
  wrongExtension: string;
  huge: string;
  truncated: string;
  spaces: string;
  /** A file stored under its NFD name; `nfcTyped` is the same path typed NFC. */
  nfcTyped: string;
  newline: string;
  /** A real clip named with a right-to-left override in it. */
  bidiName: string;
  manyPaths: string[];
  fileAsFolder: string;
  unwritableFolder: string;
  outDir: string;
  isRoot: boolean;
}

export type Backend = "nemo" | "local";
export type Outcome = "rejected" | "refused" | "accepted" | "protocol";

export interface BadInputCase {
  id: string;
  /** The bad input, as the doc shows it. */
  input: string;
  backend: Backend;
  mcp?: { tool: string; args: (f: Fixtures) => Record<string, unknown> };
  /** argv after the bin; an `ops` value is written to a JSON file whose path replaces "{ops}". */
  cli?: { argv: (f: Fixtures) => string[]; ops?: unknown };
  /** A fragment of what the person reads (both faces unless `cliMessage` is set). */
  message: RegExp;
  cliMessage?: RegExp;
  outcome: Outcome;
  /** CLI exit code (3 bad input, 2 usage); default 3, or 0 when accepted. */
  exit?: number;
  /** For "accepted": the media name that must come back. */
  name?: (f: Fixtures) => string;
  /** Why the case cannot run here (said in the test output, never silent). */
  skip?: (f: Fixtures) => string | undefined;
  /** Existing tests that already cover this input at another layer (named in the doc, not repeated). */
  alsoIn?: string;
  /** Changes the world before the call and restores it after (the snapshot is taken in between). */
  around?: { before: (f: Fixtures) => Promise<void>; after: (f: Fixtures) => Promise<void> };
}

const paths = (p: string) => ({ paths: [p] });
const rejectedPath = (id: string, input: string, pick: (f: Fixtures) => string, message: RegExp, extra: Partial<BadInputCase> = {}): BadInputCase => ({
  id,
  input,
  backend: "nemo",
  mcp: { tool: "upload_media", args: (f) => paths(pick(f)) },
  cli: { argv: (f) => ["upload", pick(f)] },
  message,
  outcome: "rejected",
  ...extra,
});
const rejectedUrl = (id: string, url: string): BadInputCase => ({
  id,
  input: `link \`${url.length > 40 ? `${url.slice(0, 37)}...` : url}\``,
  backend: "nemo",
  mcp: { tool: "upload_media", args: () => ({ urls: [url] }) },
  cli: { argv: () => ["upload", "--url", url] },
  message: /Only http:\/\/ and https:\/\/ links can be uploaded/,
  outcome: "rejected",
});
const badFileName = (id: string, input: string, name: string, message: RegExp, cliMessage?: RegExp): BadInputCase => ({
  id,
  input,
  backend: "nemo",
  mcp: { tool: "export_video", args: () => ({ file_name: name }) },
  cli: { argv: () => ["export", "--name", name] },
  message,
  ...(cliMessage ? { cliMessage } : {}),
  outcome: "refused",
});
const badWait = (id: string, input: string, wait: unknown, message: RegExp): BadInputCase => ({
  id,
  input,
  backend: "nemo",
  mcp: { tool: "get_job", args: () => ({ job_id: "export_000000000000", wait_seconds: wait }) },
  message,
  outcome: "refused",
});
const badOps = (id: string, input: string, ops: unknown, message: RegExp, cliMessage?: RegExp): BadInputCase => ({
  id,
  input,
  backend: "local",
  mcp: { tool: "apply_edits", args: () => ({ ops }) },
  cli: { argv: () => ["apply", "{ops}"], ops },
  message,
  ...(cliMessage ? { cliMessage } : {}),
  outcome: "refused",
});

export const BAD_INPUTS: BadInputCase[] = [
  // --- files ------------------------------------------------------------------------------
  rejectedPath("missing-path", "a path where no file exists", (f) => f.missing, /No file exists at this path/),
  rejectedPath("directory", "a folder (named like a clip)", (f) => f.folder, /This is a folder, not a file/),
  rejectedPath("symlink-loop", "a symbolic link that loops back on itself", (f) => f.loop, /symbolic link that loops back/),
  rejectedPath("unreadable", "a file nobody may read (chmod 000)", (f) => f.unreadable, /cannot be read \(permission denied\)/, {
    skip: (f) => (f.isRoot ? "running as root, who reads any file whatever its mode (the FIFO and device rows cover unreadable paths)" : undefined),
  }),
  rejectedPath("fifo", "a named pipe (FIFO) called clip.mp4: reading it would block for ever", (f) => f.fifo, /not a regular file/),
  rejectedPath("device", "a link to a device (/dev/zero) called clip.mp4", (f) => f.device, /not a regular file/),
  rejectedPath("zero-bytes", "an empty file (0 bytes)", (f) => f.empty, /The file is empty \(0 bytes\)/),
  rejectedPath("text-as-mp4", "a text file named .mp4", (f) => f.textAsMp4, /The name says \.mp4 but the content is not a recognisable media file/),
  rejectedPath("id3-tag-only-mp3", "a 25-byte file named .mp3: an ID3 tag header, then text (no audio frames; issue 12)", (f) => f.id3OnlyMp3, /The name says \.mp3 but the content is not a recognisable media file/),
  rejectedPath("png-as-mp4", "a PNG named .mp4", (f) => f.pngAsMp4, /The name says \.mp4 but the content looks like a PNG file/),
  rejectedPath("unsupported-extension", "a .txt file", (f) => f.wrongExtension, /"\.txt" files are not accepted\. Accepted formats: video \(mp4/),
  rejectedPath("over-500-mb", "a 600 MB file (sparse, made with truncate)", (f) => f.huge, /The file is 600 MB, over the 500 MB limit/),
  {
    ...rejectedPath("truncated-mp4", "an MP4 cut in half (ffprobe still reads its header)", (f) => f.truncated, /The file is cut short: it holds .* but says it has/),
    backend: "local",
  },
  {
    id: "1000-paths",
    input: "1000 paths in one call",
    backend: "nemo",
    mcp: { tool: "upload_media", args: (f) => ({ paths: f.manyPaths }) },
    cli: { argv: (f) => ["upload", ...f.manyPaths] },
    message: /upload_media was not run: paths: upload at most 200 files per call\. Nothing was changed\./,
    // The CLI takes a shell glob of any size and checks every path (here none exists).
    cliMessage: /not uploaded .*missing-999\.mp4: No file exists at this path/,
    outcome: "refused",
  },
  {
    id: "name-with-spaces",
    input: "a file name with spaces (valid)",
    backend: "nemo",
    mcp: { tool: "upload_media", args: (f) => paths(f.spaces) },
    cli: { argv: (f) => ["upload", f.spaces] },
    message: /my summer clip\.mp4/,
    outcome: "accepted",
    name: () => "my summer clip.mp4",
  },
  {
    id: "name-nfc-typed-nfd-stored",
    input: "a name typed composed (NFC, `café.mp4`) for a file stored decomposed (NFD, as macOS does)",
    backend: "local",
    mcp: { tool: "upload_media", args: (f) => paths(f.nfcTyped) },
    cli: { argv: (f) => ["upload", f.nfcTyped] },
    message: /cafe\u0301\.mp4/,
    outcome: "accepted",
    name: () => "cafe\u0301.mp4",
  },
  rejectedPath(
    "name-with-bidi-override",
    "a real clip whose name holds a right-to-left override (U+202E)",
    (f) => f.bidiName,
    /The file name contains invisible direction controls/,
  ),
  {
    id: "name-with-newline",
    input: "a file name with a line break in it (valid on Linux)",
    backend: "nemo",
    mcp: { tool: "upload_media", args: (f) => paths(f.newline) },
    cli: { argv: (f) => ["upload", f.newline] },
    message: /line\nbreak\.mp4/,
    outcome: "accepted",
    name: () => "line\nbreak.mp4",
  },
  // --- links ------------------------------------------------------------------------------
  rejectedUrl("url-file", "file:///etc/passwd"),
  rejectedUrl("url-ftp", "ftp://example.com/clip.mp4"),
  rejectedUrl("url-javascript", "javascript:alert(1)"),
  rejectedUrl("url-data", `data:video/mp4;base64,${"A".repeat(64)}`),
  // --- where the export goes ----------------------------------------------------------------
  {
    id: "output-not-writable",
    input: "an output folder that cannot be written",
    backend: "nemo",
    mcp: { tool: "export_video", args: (f) => ({ output_dir: f.unwritableFolder }) },
    cli: { argv: (f) => ["export", "--out", f.unwritableFolder] },
    message: /Cannot save into .*: it is not writable\. Choose another output folder\./,
    outcome: "refused",
  },
  {
    id: "output-is-a-file",
    input: "an output folder that is a file",
    backend: "nemo",
    mcp: { tool: "export_video", args: (f) => ({ output_dir: f.fileAsFolder }) },
    cli: { argv: (f) => ["export", "--out", f.fileAsFolder] },
    message: /Cannot save into .*: a file stands where the folder should be/,
    outcome: "refused",
  },
  {
    id: "output-empty",
    input: "an empty output folder (`--out \"\"`, `output_dir: \"\"`)",
    backend: "nemo",
    mcp: { tool: "export_video", args: () => ({ output_dir: "" }) },
    cli: { argv: () => ["export", "--out", ""] },
    message: /output_dir cannot be empty; leave it out to use the default folder/,
    cliMessage: /The output folder is empty/,
    outcome: "refused",
  },
  badFileName("file-name-dotdot", "`file_name` `../../etc/evil`", "../../etc/evil", /must not contain folders; put the folder in output_dir/),
  badFileName("file-name-slash", "`file_name` `clips/promo`", "clips/promo", /must not contain folders/),
  badFileName("file-name-backslash", "`file_name` `..\\promo`", "..\\promo", /must not contain folders/),
  {
    id: "file-name-nul",
    input: "`file_name` with a NUL byte (MCP only: a command line cannot carry NUL)",
    backend: "nemo",
    mcp: { tool: "export_video", args: () => ({ file_name: "promo\u0000.mp4" }) },
    message: /The file name contains control characters/,
    outcome: "refused",
  },
  badFileName("file-name-empty", "an empty `file_name`", "", /file_name cannot be empty; leave it out for a dated name/, /The file name is empty/),
  badFileName("file-name-reserved", "`file_name` `CON` (a Windows device name)", "CON", /"CON" is a name Windows reserves for a device/),
  badFileName("file-name-dot", "`file_name` `..`", "..", /"\.\." is not a usable file name/),
  badFileName(
    "file-name-bidi",
    "`file_name` `promo` + U+202E (right-to-left override) + `gnp.exe`, which reads as `promoexe.png`",
    "promo\u202Egnp.exe",
    /The file name contains invisible direction controls \(such as a right-to-left override\)/,
  ),
  badFileName("file-name-reserved-superscript", "`file_name` `COM¹` (Windows reserves COM¹ ² ³ and LPT¹ ² ³ too)", "COM\u00b9", /"COM¹" is a name Windows reserves for a device/),
  badFileName("file-name-leading-dot", "`file_name` `.x.mp4.abc123.part` (hidden, and shaped like a temporary file)", ".x.mp4.abc123.part", /starts with a dot, which hides the file on macOS and Linux/),
  badFileName("file-name-long", "a 300-character `file_name`", "x".repeat(300), /file_name is too long \(at most 200 characters\)/, /The file name is too long/),
  // --- new project ------------------------------------------------------------------------
  {
    id: "language-9000",
    input: "a 9 000-character language tag for a new project",
    backend: "nemo",
    mcp: { tool: "new_session", args: () => ({ language: "en-" + "abcdefgh-".repeat(1000).slice(0, 8997) }) },
    cli: { argv: () => ["new", "--language", "en-" + "abcdefgh-".repeat(1000).slice(0, 8997)] },
    message: /language is too long: a language code has at most 35 characters/,
    cliMessage: /is not a language code \(9000 characters; a language code has at most 35\)/,
    outcome: "refused",
  },
  {
    id: "language-not-a-tag",
    input: "a language given as words (`English please`)",
    backend: "local",
    mcp: { tool: "new_session", args: () => ({ language: "English please" }) },
    cli: { argv: () => ["new", "--language", "English please"] },
    message: /language must be a code like "en", "zh" or "pt-BR"/,
    cliMessage: /"English please" is not a language code; use one like "en", "zh" or "pt-BR"/,
    outcome: "refused",
  },
  // --- instructions -----------------------------------------------------------------------
  {
    id: "instruction-empty",
    input: "an empty instruction",
    backend: "nemo",
    mcp: { tool: "edit_video", args: () => ({ instruction: "" }) },
    cli: { argv: () => ["edit", ""] },
    message: /instruction cannot be empty: say what the video should become/,
    cliMessage: /The instruction is empty/,
    outcome: "refused",
  },
  {
    id: "instruction-blank",
    input: "an instruction of spaces and line breaks",
    backend: "nemo",
    mcp: { tool: "edit_video", args: () => ({ instruction: " \n\t " }) },
    cli: { argv: () => ["edit", " \n\t "] },
    message: /The instruction is empty/,
    outcome: "refused",
  },
  {
    id: "instruction-100kb",
    input: "a 100 KB instruction",
    backend: "nemo",
    mcp: { tool: "edit_video", args: () => ({ instruction: "make it pop ".repeat(8534) }) },
    cli: { argv: () => ["edit", "make it pop ".repeat(8534)] },
    message: /instruction is too long; keep it under 8000 characters/,
    cliMessage: /The instruction is 102407 characters long; keep it under 8000/,
    outcome: "refused",
  },
  // --- wait_seconds (MCP only: the CLI waits to the end) ------------------------------------
  badWait("wait-negative", "`wait_seconds: -1`", -1, /get_job was not run: wait_seconds cannot be negative\. Nothing was changed\./),
  badWait("wait-huge", "`wait_seconds: 1e308`", 1e308, /wait_seconds can be at most 55 \(hosts drop calls after about 60 s\)/),
  badWait("wait-not-a-number", '`wait_seconds: "soon"`', "soon", /wait_seconds must be a number of seconds/),
  badWait("wait-zero", "`wait_seconds: 0` (valid: do not wait; the unknown job is what is refused)", 0, /There is no job "export_000000000000"/),
  badWait("wait-fraction", "`wait_seconds: 0.25` (valid)", 0.25, /There is no job "export_000000000000"/),
  // --- jobs -------------------------------------------------------------------------------
  {
    id: "job-unknown",
    input: "an unknown job id",
    backend: "nemo",
    mcp: { tool: "get_job", args: () => ({ job_id: "edit_0123456789ab" }) },
    cli: { argv: () => ["job", "edit_0123456789ab"] },
    message: /There is no job "edit_0123456789ab"/,
    outcome: "refused",
  },
  {
    id: "job-path-characters",
    input: "a job id with path characters (`../../x`) to cancel",
    backend: "nemo",
    mcp: { tool: "cancel_job", args: () => ({ job_id: "../../x" }) },
    cli: { argv: () => ["cancel", "../../x"] },
    message: /There is no job "\.\.\/\.\.\/x"/,
    outcome: "refused",
  },
  {
    id: "job-too-long",
    input: "a 10 000-character job id",
    backend: "nemo",
    mcp: { tool: "get_job", args: () => ({ job_id: "j".repeat(10_000) }) },
    cli: { argv: () => ["job", "j".repeat(10_000)] },
    message: /job_id is too long to be a job id/,
    cliMessage: /There is no job "j{20}/,
    outcome: "refused",
  },
  {
    id: "unknown-tool",
    input: "a tool that does not exist (CLI: an unknown command)",
    backend: "nemo",
    mcp: { tool: "delete_everything", args: () => ({}) },
    cli: { argv: () => ["delete_everything"] },
    message: /There is no tool named "delete_everything"/,
    cliMessage: /Unknown command "delete_everything"/,
    outcome: "protocol",
    exit: 2,
  },
  // --- local edit ops ---------------------------------------------------------------------
  badOps("ops-unknown-op", '`{"op":"explode"}`', [{ op: "explode" }], /op 1 \(explode\): unknown op "explode"; use one of add_clip/),
  badOps("ops-wrong-types", '`{"op":"add_clip","media":5,"at":"soon"}`', [{ op: "add_clip", media: 5, at: "soon" }], /op 1 \(add_clip\): "media" must be a string/),
  badOps("ops-out-of-range", "a trim past the clip's end and a negative start", [{ op: "add_clip", media: "beach.mp4", in: 99 }, { op: "add_text", text: "Hi", at: -5 }], /op 1 \(add_clip\): "in" 99s is past the end of "beach.mp4"/),
  badOps("ops-unknown-media", "an op naming media never uploaded", [{ op: "add_clip", media: "holiday.mp4" }], /no uploaded media is called "holiday\.mp4"/),
  badOps("ops-missing-op-name", "an operation without an `op`", [{ media: "beach.mp4" }], /every operation needs an "op" name, one of: add_clip/, /op 1: .*"op"/),
  badOps("ops-not-objects", "a list of strings instead of operations", ["add_clip beach.mp4"], /each operation must be an object like \{"op":"add_clip"/, /op 1: each op must be an object/),
  badOps("ops-empty", "an empty list of operations", [], /give at least one operation/, /No edits given/),
  badOps("ops-10000", "10 000 operations in one call", Array.from({ length: 10_000 }, () => ({ op: "add_text", text: "x" })), /at most 500 operations per call/, /10000 ops in one call is too many; send at most 500/),
  {
    id: "ops-not-json",
    input: "an ops file that is not JSON (CLI only)",
    backend: "local",
    cli: { argv: () => ["apply", "{ops}"], ops: "[{op: add_clip}" },
    message: /The operations are not valid JSON/,
    outcome: "refused",
  },
  {
    id: "preview-negative",
    input: "a preview at -2 seconds",
    backend: "local",
    mcp: { tool: "preview_frame", args: () => ({ at_seconds: -2 }) },
    cli: { argv: () => ["preview", "-2"] },
    message: /at_seconds cannot be negative/,
    // A leading "-" reads as an option on a command line; the parser says how to pass it anyway.
    cliMessage: /Unknown option '-2'\. To specify a positional argument starting with a '-', place it at the end of the command after '--'/,
    outcome: "refused",
    exit: 2,
  },
  {
    id: "preview-into-a-file",
    input: "a preview saved under a path whose folder is a file (CLI only)",
    backend: "local",
    cli: { argv: (f) => ["preview", "0.5", "--out", `${f.fileAsFolder}/frame.png`] },
    message: /Cannot save into .*: a file stands where the folder should be/,
    outcome: "refused",
  },
  // --- the loudness an export is delivered at (local renderer) -------------------------------
  ...([
    ["loudness-too-loud", "export loudness 5 (louder than -5 LUFS)", 5, "5"],
    ["loudness-too-quiet", "export loudness -100 (quieter than -40 LUFS)", -100, "-100"],
    ["loudness-not-a-number", 'export loudness "abc"', "abc", "abc"],
  ] as const).map(([id, input, value, flag]): BadInputCase => ({
    id,
    input,
    backend: "local",
    mcp: { tool: "export_video", args: () => ({ loudness: value }) },
    cli: { argv: () => ["export", "--loudness", flag] },
    message: /loudness must be a target from -40 to -5 LUFS \(integrated loudness, a number: -14 is the default, -23 is broadcast\) or "off"/,
    outcome: "refused",
  })),
  // --- media that went bad after upload (local renderer) ----------------------------------
  {
    id: "source-moved",
    input: "a clip moved away after it was added, then exported",
    backend: "local",
    mcp: { tool: "export_video", args: () => ({}) },
    cli: { argv: () => ["export"] },
    message: /beach\.mp4 is no longer there \(moved, renamed or deleted\)/,
    outcome: "refused",
    around: {
      before: async (f) => (await import("node:fs/promises")).rename(f.clip, `${f.clip}.away`),
      after: async (f) => (await import("node:fs/promises")).rename(`${f.clip}.away`, f.clip),
    },
  },
  {
    id: "source-changed",
    input: "a clip replaced by a cut-short copy after it was added, then exported",
    backend: "local",
    mcp: { tool: "export_video", args: () => ({}) },
    cli: { argv: () => ["export"] },
    message: /beach\.mp4 changed on disk since it was added/,
    outcome: "refused",
    around: {
      before: async (f) => {
        const fs = await import("node:fs/promises");
        await fs.rename(f.clip, `${f.clip}.whole`);
        const whole = await fs.readFile(`${f.clip}.whole`);
        await fs.writeFile(f.clip, whole.subarray(0, Math.floor(whole.length / 2)));
      },
      after: async (f) => (await import("node:fs/promises")).rename(`${f.clip}.whole`, f.clip),
    },
  },
  // --- the project for another editor (local) ------------------------------------------------
  {
    id: "project-format-unknown",
    input: "a project format that is not written (`edl`)",
    backend: "local",
    mcp: { tool: "export_project", args: () => ({ format: "edl" }) },
    cli: { argv: () => ["export", "--project", "edl"] },
    message: /format must be one of: mlt, kdenlive, otio/,
    cliMessage: /"edl" is not a project format here; choose one of: mlt, kdenlive, otio\./,
    outcome: "refused",
  },
  {
    id: "project-file-name-dotdot",
    input: "a project `file_name` `../../etc/evil`",
    backend: "local",
    mcp: { tool: "export_project", args: () => ({ format: "mlt", file_name: "../../etc/evil" }) },
    cli: { argv: () => ["export", "--project", "mlt", "--name", "../../etc/evil"] },
    message: /must not contain folders; put the folder in output_dir/,
    outcome: "refused",
  },
  {
    id: "project-source-moved",
    input: "a clip moved away after it was added, then saved as a project",
    backend: "local",
    mcp: { tool: "export_project", args: () => ({ format: "kdenlive" }) },
    cli: { argv: () => ["export", "--project", "kdenlive"] },
    message: /beach\.mp4 is no longer there \(moved, renamed or deleted\)/,
    outcome: "refused",
    around: {
      before: async (f) => (await import("node:fs/promises")).rename(f.clip, `${f.clip}.away`),
      after: async (f) => (await import("node:fs/promises")).rename(`${f.clip}.away`, f.clip),
    },
  },
];

const UPLOAD_CHECKS = 'tests/integration/nemo-upload.test.ts › "checks every file before sending anything" (the backend alone)';
const TOOL_ARGUMENTS = 'tests/mcp/tools.test.ts › "bad arguments are answered in words" (message only)';
const OPS_ALL_OR_NOTHING = 'tests/local/ops.test.ts › "all or nothing" (the pure ops layer)';

/** Where an input is already tested at another layer; the doc names it beside the row. */
const ALSO_IN: Record<string, string> = {
  "missing-path": UPLOAD_CHECKS,
  directory: UPLOAD_CHECKS,
  "symlink-loop": UPLOAD_CHECKS,
  unreadable: UPLOAD_CHECKS,
  "zero-bytes": UPLOAD_CHECKS,
  "text-as-mp4": UPLOAD_CHECKS,
  "png-as-mp4": `${UPLOAD_CHECKS}; tests/unit/media.test.ts › extensionMatchesContent`,
  "unsupported-extension": UPLOAD_CHECKS,
  "over-500-mb": UPLOAD_CHECKS,
  "truncated-mp4": 'tests/local/backend.test.ts › "registers files … refuses links, corrupt and missing files" (garbage after the header)',
  "url-file": TOOL_ARGUMENTS,
  "url-ftp": UPLOAD_CHECKS,
  "file-name-dotdot": `${TOOL_ARGUMENTS}; tests/e2e/cli.test.ts › "answers mistakes with a clear message"`,
  "instruction-empty": TOOL_ARGUMENTS,
  "instruction-blank": 'tests/e2e/cli.test.ts › "answers mistakes with a clear message"',
  "wait-negative": TOOL_ARGUMENTS,
  "wait-huge": TOOL_ARGUMENTS,
  "job-unknown": `${TOOL_ARGUMENTS}; tests/e2e/cli-actions.test.ts › "an unknown job id is a clear input error"`,
  "unknown-tool": 'tests/e2e/cli.test.ts › "answers mistakes with a clear message" (unknown command); tests/e2e/stdio-protocol.test.ts › "an unknown tool is -32602, not an isError result" (raw stdio)',
  "ops-unknown-op": OPS_ALL_OR_NOTHING,
  "ops-wrong-types": 'tests/local/ops.test.ts › "explains type and range mistakes"',
  "ops-out-of-range": 'tests/local/ops.test.ts › "explains type and range mistakes"',
  "ops-unknown-media": OPS_ALL_OR_NOTHING,
  "ops-not-objects": OPS_ALL_OR_NOTHING,
  "ops-empty": 'tests/local/ops.test.ts › "refuses an empty list and names ambiguous media"',
  "source-moved": 'tests/local/backend.test.ts › "names a moved source, and a changed one, at render time"',
  "source-changed": 'tests/local/backend.test.ts › "names a moved source, and a changed one, at render time"',
};
for (const row of BAD_INPUTS) row.alsoIn ??= ALSO_IN[row.id];
