import type { Draft } from "./draft.js";
import type { InspectOptions, InspectReport, InspectTarget } from "./inspect.js";
import type { LoudnessReport, LoudnessSetting } from "./loudness.js";

/**
 * What both backends (the NemoVideo cloud agent and the embedded ffmpeg engine) do.
 * The MCP tools and the CLI speak only to this interface.
 *
 * Everything here is camelCase. What leaves the process is snake_case, spelled in one
 * place per shape: core/wire.ts (MCP structuredContent and CLI --json), mcp/job-view.ts
 * and cli/commands/jobs-shared.ts (jobs), core/jobs/store.ts (job files on disk).
 */

export type BackendName = "nemo" | "local";

/** "queued": the work waits for its turn (a local render behind others); the job says status "queued" meanwhile. */
export type ProgressStage = "setup" | "upload" | "agent" | "queued" | "render" | "download" | "waiting" | "inspect";

export interface ProgressEvent {
  stage: ProgressStage;
  /** A short line for a person, e.g. "uploading 2/5 — 48%" or "agent: adding captions". */
  message: string;
  /** 0–1 when the stage knows how far along it is. */
  fraction?: number;
}

export interface OperationContext {
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
}

export interface UploadRequest {
  paths?: string[];
  urls?: string[];
}

export interface UploadedMedia {
  name: string;
  type: "video" | "image" | "audio" | "other";
  durationSeconds?: number;
  width?: number;
  height?: number;
}

export interface RejectedInput {
  input: string;
  reason: string;
}

export interface UploadResult {
  uploaded: UploadedMedia[];
  rejected: RejectedInput[];
}

export interface EditResult {
  /** What the agent said, after GUI translation; may be a description of the changes when it said nothing. */
  reply: string;
  /** Whether `reply` came from the agent (false: we read the state and described it). */
  replied: boolean;
  changes: string[];
  timeline: string;
  /** The agent suggested exporting (e.g. "click Export"). */
  suggestsExport: boolean;
}

export interface MediaInfo {
  /** The backend's own id for it, when it has one (local: "media-2"), for use in edits. */
  id?: string;
  name: string;
  type: UploadedMedia["type"];
  durationSeconds?: number;
  width?: number;
  height?: number;
  url?: string;
}

export interface TrackInfo {
  index: number;
  type: string;
  segments: number;
  startSeconds: number;
  endSeconds: number;
  label: string;
}

export interface StateResult {
  sessionId: string;
  timeline: string;
  tracks: TrackInfo[];
  media: MediaInfo[];
  draft: Draft;
}

export interface Credits {
  available: number;
  frozen: number;
  total: number;
}

export interface ExportRequest {
  /** Absolute folder the file goes to. */
  outputDir: string;
  /** File name (no folders); a free name is chosen when it exists. */
  fileName?: string;
  /** Local renders: the loudness target (LUFS) or "off"; the configured one when left out. */
  loudness?: LoudnessSetting;
}

/** What a caller persists so an export can be resumed by a restarted process. */
export interface ExportCheckpoint {
  backend: BackendName;
  renderId: string;
  sessionId: string;
  outputPath: string;
  startedAt: string;
  /** Set once the service has given the download URL. */
  downloadUrl?: string;
  /** This render is the one retry of a failed one: if it fails too, it is reported, never tried a third time. */
  retried?: boolean;
  /** Local renders: the loudness target it was started with, so a resumed render delivers the same. */
  loudness?: LoudnessSetting;
}

export interface ExportContext extends OperationContext {
  onCheckpoint?: (checkpoint: ExportCheckpoint) => void | Promise<void>;
}

export interface ExportResult {
  renderId: string;
  file: string;
  bytes: number;
  /** Local renders: the loudness measured, the gain and the loudness delivered. */
  loudness?: LoudnessReport;
}

export interface SessionInfo {
  sessionId: string;
  created: boolean;
}

/** What apply_edits reports (local backend: the host LLM edits with structured operations). */
export interface ApplyEditsResult {
  changes: string[];
  timeline: string;
  /** Every segment with its id, one per line, so the next edits can name them. */
  outline?: string[];
}

export interface PreviewOptions extends OperationContext {
  /** The frame's long side in pixels (default 640); larger sizes stop at the export's own. */
  maxSide?: number;
}

/** A small, fast MP4 of the whole timeline for a player (local: 540p). */
export interface PreviewVideo {
  sessionId: string;
  file: string;
  bytes: number;
  durationSeconds: number;
  width: number;
  height: number;
  /** An unchanged timeline's rendition was returned without rendering again. */
  reused: boolean;
}

export interface PreviewFrame {
  png: Buffer;
  width: number;
  height: number;
  atSeconds: number;
}

/** What every backend serves: media, state, export, jobs' resume, sessions. */
export interface Backend {
  readonly name: BackendName;
  /** An agent that edits from the person's words and spends credits (the cloud). */
  readonly agent?: AgentCapability;
  /** An editor the host drives with structured operations, and that draws frames (local). */
  readonly editor?: EditorCapability;
  upload(request: UploadRequest, context?: OperationContext): Promise<UploadResult>;
  getState(context?: OperationContext): Promise<StateResult>;
  exportVideo(request: ExportRequest, context?: ExportContext): Promise<ExportResult>;
  resumeExport(checkpoint: ExportCheckpoint, context?: ExportContext): Promise<ExportResult>;
  newSession(language?: string, context?: OperationContext): Promise<SessionInfo>;
  /**
   * Looks at footage with ffmpeg on this computer: facts, scene cuts, pauses, loudness and a
   * contact sheet. Every backend looks at files; one with an editor also at its media and timeline.
   */
  inspect(target: InspectTarget, options?: InspectOptions): Promise<InspectReport>;
}

export interface AgentCapability {
  edit(instruction: string, context?: OperationContext): Promise<EditResult>;
  getCredits(context?: OperationContext): Promise<Credits>;
  /** A link that keeps the project (and the free credits) in an account. */
  claimLink(context?: OperationContext): Promise<string>;
}

export interface EditorCapability {
  /** Structured edit operations, validated all-or-nothing. */
  applyEdits(ops: unknown[], context?: OperationContext): Promise<ApplyEditsResult>;
  /** A PNG of the timeline at a moment (a moment past the end is refused with the video's length). */
  previewFrame(atSeconds: number, context?: PreviewOptions): Promise<PreviewFrame>;
  /** Back to the timeline as it was before the last accepted edit (or the last good one, when damaged). */
  undo(context?: OperationContext): Promise<UndoOutcome>;
  /** The whole timeline as a small MP4 for a player (kept per session; reused while the timeline is unchanged). */
  renderPreview(context?: OperationContext): Promise<PreviewVideo>;
  /** The session's last preview rendition on disk, if one was made. */
  previewFile(sessionId: string): Promise<string | undefined>;
  /** The timeline as a project file another editor opens (Shotcut, Kdenlive…); media referenced where they are, nothing copied. */
  exportProject(request: ProjectExportRequest, context?: OperationContext): Promise<ProjectExportResult>;
}

export interface ProjectExportRequest {
  /** A format the editor writes ("mlt", "kdenlive"); another is refused with the list. */
  format: string;
  /** Absolute folder the file goes to. */
  outputDir: string;
  /** File name (no folders); the format's extension is added, and a free name chosen when it exists. */
  fileName?: string;
}

export interface ProjectExportResult {
  file: string;
  format: string;
  /** For people: "Kdenlive project". */
  formatName: string;
  /** Which editors open it, for people. */
  opensIn: string;
  mimeType: string;
  durationSeconds: number;
  clips: number;
  music: number;
  texts: number;
  logos: number;
  /** What the format could not carry, each in plain words (empty when it carries everything). */
  notCarried: string[];
}

export interface UndoOutcome {
  undone: boolean;
  /** What happened, for a person: the version it went back to, or why there was nothing to undo. */
  message: string;
  timeline: string;
}

/** The names a tool or a command lists in `requires`; registration offers it only when all are there. */
export type Capability = "agent" | "editor";

export const CAPABILITIES_BY_BACKEND: Record<BackendName, readonly Capability[]> = {
  nemo: ["agent"],
  local: ["editor"],
};

/** A backend known to serve the capabilities R (what a tool or command that requires them receives). */
export type BackendWith<R extends Capability> = Backend & { readonly [K in R]-?: NonNullable<Backend[K]> };

/** Whether a backend (or a backend name, before its code is loaded) serves every capability listed. */
export function serves(backend: BackendName, requires: readonly Capability[] | undefined): boolean {
  return (requires ?? []).every((capability) => CAPABILITIES_BY_BACKEND[backend].includes(capability));
}
