import { randomBytes } from "node:crypto";
import { stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Config } from "../config.js";
import type {
  ApplyEditsResult as CoreApplyEditsResult,
  Backend,
  EditorCapability,
  PreviewFrame,
  PreviewOptions,
  PreviewVideo,
  ExportCheckpoint,
  ExportContext,
  ExportRequest,
  ExportResult,
  OperationContext,
  ProjectExportRequest,
  ProjectExportResult,
  RejectedInput,
  SessionInfo,
  StateResult,
  UndoOutcome,
  UploadRequest,
  UploadResult,
} from "../core/backend.js";
import { diffDrafts } from "../core/diff.js";
import { checkLanguage } from "../core/names.js";
import { type Draft, isDraftExportable } from "../core/draft.js";
import { VideoMakerError } from "../core/errors.js";
import { defaultExportName, prepareOutputDir, validateFileName } from "../core/output.js";
import { type Trace, stderrTrace } from "../core/debug.js";
import { type SurfaceNames, UNNAMED, via } from "../core/surface.js";
import { probeFfmpeg } from "./ffmpeg.js";
import { renderExport } from "./export-render.js";
import { fontsForRender, textFontsFor } from "./fonts.js";
import { type MediaRecord, findMedia } from "./media.js";
import { type OpHelpers, type SilenceRange, applyOps, outlineTimeline } from "./ops.js";
import { mediaInfoOf, tracksWithIds, uploadedOf } from "./backend-shapes.js";
import { summarizeAsShown } from "./shown-timeline.js";
import { previewFrame } from "./preview.js";
import { storyboard } from "./storyboard.js";
import { inspectFile } from "../inspect/inspect-file.js";
import { exportProjectFile } from "./project/export-project.js";
import type { InspectOptions, InspectReport, InspectTarget } from "../core/inspect.js";
import { previewVideoPath, removeOtherPreviews, renderPreviewVideo } from "./preview-video.js";
import { readMediaFiles } from "./read-media.js";
import { takeRenderSlot, waitingMessage } from "./render-slots.js";
import { checkSubtitleFiles, isSubtitlePath, readSubtitleFile } from "./subtitle-files.js";
import { pathsToRead, recordsFor } from "./referenced-files.js";
import { detectSilence } from "./silence.js";
import { detectBeats } from "./beats.js";
import { mediaUsedBy, readTimeline } from "./timeline.js";
import { LocalWorkspace, verifySources } from "./workspace.js";

/**
 * The embedded, offline backend: media stay where they are on disk, the host LLM edits with
 * structured ops (apply_edits), and ffmpeg renders the MP4 in one run.
 */

export interface LocalBackendOptions {
  /** A font for text overlays; by default one is located on the machine. */
  fontFile?: string;
  /** How long ffmpeg gets to stop on cancel before it is killed. */
  killGraceMs?: number;
  /** How the reader invokes each action (MCP tools, CLI commands), for messages that suggest one. */
  names?: SurfaceNames;
}

/** `changes`: the draft diff plus explanations (fitted durations, cut pauses); `timeline`: the one-line summary. */
export interface ApplyEditsResult extends CoreApplyEditsResult {
  /** One line per segment with its id, for the next ops. */
  outline: string[];
  draft: Draft;
}

export class LocalBackend implements Backend, EditorCapability {
  readonly name = "local" as const;
  /** The host edits with structured ops and looks at frames; there is no agent and no credits. */
  readonly editor: EditorCapability = this;
  readonly workspace: LocalWorkspace;
  private readonly names: SurfaceNames;
  private readonly running = new Set<AbortController>();
  /** Given to every ffmpeg run: VIDEO_MAKER_DEBUG shows its command line and how it ended. */
  private readonly traced: { trace?: Trace };

  constructor(
    private readonly config: Config,
    private readonly options: LocalBackendOptions = {},
  ) {
    this.names = options.names ?? UNNAMED;
    this.workspace = new LocalWorkspace(config.home, this.names);
    this.traced = config.debug ? { trace: stderrTrace() } : {};
  }

  /** Stops any ffmpeg still running for this backend. */
  async close(): Promise<void> {
    for (const controller of this.running) controller.abort();
    this.running.clear();
  }

  // --- media ---------------------------------------------------------------------------

  async upload(request: UploadRequest, context: OperationContext = {}): Promise<UploadResult> {
    const paths = request.paths ?? [];
    const urls = request.urls ?? [];
    if (paths.length === 0 && urls.length === 0) {
      throw new VideoMakerError("invalid_input", "Nothing to add: give at least one file path.");
    }
    const rejected: RejectedInput[] = urls.map((url) => ({
      input: url,
      reason: "Local mode works with files on this computer: download the file first and pass its path.",
    }));
    const session = await this.workspace.current();
    // Subtitle files are checked, not registered: add_subtitles reads them by path when it runs.
    const subtitles = await checkSubtitleFiles(paths.filter(isSubtitlePath));
    const { ready, rejected: refused } = await readMediaFiles(this.config, paths.filter((path) => !isSubtitlePath(path)), context);
    const records = ready.length > 0 ? await this.workspace.registerMedia(session.session_id, ready) : [];
    return { uploaded: [...records.map(uploadedOf), ...subtitles.uploaded], rejected: [...refused, ...subtitles.rejected, ...rejected] };
  }

  // --- editing -------------------------------------------------------------------------

  /** Validates and applies ops all or nothing; every problem is reported at once. */
  async applyEdits(ops: unknown[], context: OperationContext = {}): Promise<ApplyEditsResult> {
    const session = await this.workspace.current();
    // Files the ops name by path are read now and registered only with an accepted batch.
    const known = new Set((await this.workspace.readMedia(session.session_id)).map((m) => m.path));
    const named = await readMediaFiles(this.config, Array.isArray(ops) ? pathsToRead(ops, known) : [], context);
    // Remembered across attempts: finding pauses and beats is the slow part of an edit.
    const analyses = new Map<string, Promise<unknown>>();
    const analysed = <T>(key: unknown[], run: (signal: AbortSignal) => Promise<T>): Promise<T> => {
      const text = JSON.stringify(key);
      let found = analyses.get(text) as Promise<T> | undefined;
      if (!found) {
        found = this.track(context.signal, run);
        analyses.set(text, found);
      }
      return found;
    };
    const { ffmpegPath } = this.config;
    const helpers: OpHelpers = {
      detectSilence: (source, fromMs, toMs, options) =>
        analysed(["silence", source.id, source.path, fromMs, toMs, options], (signal) =>
          detectSilence(ffmpegPath, source, fromMs, toMs, { ...options, signal, ...this.traced })),
      detectBeats: (source, fromMs, toMs) =>
        analysed(["beats", source.id, source.path, fromMs, toMs], (signal) => detectBeats(ffmpegPath, source, fromMs, toMs, { signal, ...this.traced })),
      readTextFile: (path) => readSubtitleFile(path),
      unusableFiles: new Map(named.rejected.map((r) => [r.input, r.reason])),
      textFonts: (texts) => textFontsFor(texts, this.options.fontFile),
    };
    for (let attempt = 0; attempt < 3; attempt++) {
      const before = await this.workspace.readDraft(session.session_id);
      const registered = await this.workspace.readMedia(session.session_id);
      const added = recordsFor(named.ready, registered);
      const { draft, notes } = await applyOps(before, ops, [...registered, ...added], helpers);
      if (!(await this.workspace.replaceDraft(session.session_id, before, draft, added))) continue;
      const changes = [...diffDrafts(before, draft), ...notes];
      return {
        changes: changes.length > 0 ? changes : ["Nothing changed."],
        timeline: summarizeAsShown(draft),
        outline: outlineTimeline(readTimeline(draft)),
        draft,
      };
    }
    throw new VideoMakerError(
      "invalid_input",
      "The timeline kept changing while these edits were applied (another edit was running at the same time). Look at the timeline, then send the edits again.",
    );
  }

  // --- state -----------------------------------------------------------------------------

  async getState(_context: OperationContext = {}): Promise<StateResult> {
    const session = await this.workspace.current();
    const draft = await this.workspace.readDraft(session.session_id);
    const media = await this.workspace.readMedia(session.session_id);
    return {
      sessionId: session.session_id,
      timeline: summarizeAsShown(draft),
      tracks: tracksWithIds(draft),
      media: media.map(mediaInfoOf),
      draft,
    };
  }

  /** The registry with every fact, for callers that can show more than MediaInfo holds. */
  async listMedia(): Promise<MediaRecord[]> {
    const session = await this.workspace.current();
    return this.workspace.readMedia(session.session_id);
  }

  async newSession(language?: string, _context?: OperationContext): Promise<SessionInfo> {
    const record = await this.workspace.create(checkLanguage(language ?? "en"));
    await removeOtherPreviews(this.previewDir(), record.session_id);
    return { sessionId: record.session_id, created: true };
  }

  // --- preview & export ------------------------------------------------------------------

  async undo(_context: OperationContext = {}): Promise<UndoOutcome> {
    const session = await this.workspace.current();
    const result = await this.workspace.undo(session.session_id);
    const draft = result.undone ? result.draft : await this.workspace.readDraft(session.session_id);
    return { undone: result.undone, message: result.message, timeline: summarizeAsShown(draft) };
  }

  async previewFrame(atSeconds: number, context: PreviewOptions = {}): Promise<PreviewFrame> {
    const session = await this.workspace.current();
    const { draft, media } = await this.renderInputs(session.session_id);
    const features = await probeFfmpeg(this.config.ffmpegPath);
    const fonts = await this.fontsFor(draft);
    return this.track(context.signal, (signal) =>
      previewFrame({
        ffmpegPath: this.config.ffmpegPath, draft, media, atSeconds, features, ...fonts, signal, ...this.traced,
        ...(context.maxSide !== undefined ? { maxSide: context.maxSide } : {}),
      }),
    );
  }

  /** A file, a media item of the project (by name) or the timeline as a storyboard. */
  async inspect(target: InspectTarget, options: InspectOptions = {}): Promise<InspectReport> {
    const tools = { ffmpegPath: this.config.ffmpegPath, ffprobePath: this.config.ffprobePath, ...this.traced };
    if ("file" in target) return this.track(options.signal, (signal) => inspectFile(tools, target.file, { ...options, signal }));
    const session = await this.workspace.current();
    const media = await this.workspace.readMedia(session.session_id);
    if ("media" in target) {
      const found = findMedia(target.media, media);
      if (!found.ok) throw new VideoMakerError("invalid_input", `Nothing to look at: ${found.reason}.`);
      const report = await this.track(options.signal, (signal) => inspectFile(tools, found.media.path, { ...options, signal }));
      return { ...report, subject: found.media.name };
    }
    const timeline = readTimeline(await this.workspace.readDraft(session.session_id));
    if (timeline.video.length === 0) {
      throw new VideoMakerError("not_ready", `The timeline has no pictures yet: add clips or photos${via(this.names.apply)} first.`);
    }
    return this.track(options.signal, (signal) => storyboard({ ffmpegPath: this.config.ffmpegPath, timeline, media, ...this.traced }, { ...options, signal }));
  }

  async renderPreview(context: OperationContext = {}): Promise<PreviewVideo> {
    const session = await this.workspace.current();
    const { draft, media } = await this.renderInputs(session.session_id);
    const features = await probeFfmpeg(this.config.ffmpegPath);
    const fonts = await this.fontsFor(draft);
    const video = await this.track(context.signal, (signal) =>
      renderPreviewVideo({
        ffmpegPath: this.config.ffmpegPath, dir: this.previewDir(), sessionId: session.session_id, draft, media, features, ...fonts, signal, ...this.traced,
        onProgress: (fraction) => context.onProgress?.({ stage: "render", message: `preview ${Math.floor(fraction * 100)}%`, fraction }),
      }),
    );
    return { sessionId: session.session_id, ...video };
  }

  async previewFile(sessionId: string): Promise<string | undefined> {
    if (!/^[A-Za-z0-9_-]{1,100}$/.test(sessionId)) return undefined;
    const file = previewVideoPath(this.previewDir(), sessionId);
    return (await stat(file).catch(() => undefined))?.isFile() ? file : undefined;
  }

  private previewDir(): string {
    return join(this.config.home, "local", "previews");
  }

  async exportProject(request: ProjectExportRequest, _context: OperationContext = {}): Promise<ProjectExportResult> {
    const session = await this.workspace.current();
    const { draft, media } = await this.renderInputs(session.session_id);
    return exportProjectFile(request, draft, media);
  }

  async exportVideo(request: ExportRequest, context: ExportContext = {}): Promise<ExportResult> {
    const fileName = validateFileName(request.fileName ?? defaultExportName());
    const outputDir = await prepareOutputDir(request.outputDir);
    const session = await this.workspace.current();
    // Everything that can be wrong with the project is found before the job is checkpointed.
    await this.renderInputs(session.session_id);
    const checkpoint: ExportCheckpoint = {
      backend: "local",
      renderId: `local_${Date.now()}_${randomBytes(3).toString("hex")}`,
      sessionId: session.session_id,
      outputPath: join(outputDir, fileName),
      startedAt: new Date().toISOString(),
      loudness: request.loudness ?? this.config.loudness,
    };
    await context.onCheckpoint?.(checkpoint);
    return this.render(checkpoint, context);
  }

  /** A local render dies with its process, so resuming means rendering the session's draft again. */
  async resumeExport(checkpoint: ExportCheckpoint, context: ExportContext = {}): Promise<ExportResult> {
    await prepareOutputDir(dirname(checkpoint.outputPath));
    return this.render(checkpoint, context);
  }

  private async render(checkpoint: ExportCheckpoint, context: ExportContext): Promise<ExportResult> {
    // The timeline as it is when the export is asked for, even if it is edited while this one waits its turn.
    const { draft, media } = await this.renderInputs(checkpoint.sessionId);
    // Waiting for the turn is stopped by close() too, like a render.
    const slot = await this.track(context.signal, (signal) =>
      takeRenderSlot(this.config.home, {
        limit: this.config.renderSlots,
        signal,
        onWaiting: (place) => context.onProgress?.({ stage: "queued", message: waitingMessage(place) }),
      }),
    );
    try {
      // The files may have been moved or changed during the wait.
      await verifySources(media);
      return await renderExport({
        config: this.config, checkpoint, draft, media, context, fonts: await this.fontsFor(draft), traced: this.traced,
        ...(this.options.killGraceMs !== undefined ? { killGraceMs: this.options.killGraceMs } : {}),
        track: (work) => this.track(context.signal, work),
      });
    } finally {
      await slot.release();
    }
  }

  /** The draft and the media it uses, after checking it can be rendered and its files are unchanged. */
  private async renderInputs(sessionId: string): Promise<{ draft: Draft; media: MediaRecord[] }> {
    const draft = await this.workspace.readDraft(sessionId);
    if (!isDraftExportable(draft)) {
      throw new VideoMakerError(
        "not_ready",
        `The timeline is empty, so there is nothing to render yet. Add media${via(this.names.upload)}, then build the video${via(this.names.apply)}.`,
      );
    }
    const used = mediaUsedBy(readTimeline(draft));
    const media = (await this.workspace.readMedia(sessionId)).filter((m) => used.has(m.id));
    await verifySources(media);
    return { draft, media };
  }

  /** The fonts the text needs, with what each has; text on screen that no font has is refused when compiled. */
  private fontsFor(draft: Draft): ReturnType<typeof fontsForRender> {
    const timeline = readTimeline(draft);
    return fontsForRender([...timeline.titles, ...timeline.subtitles].map((t) => t.text), this.options.fontFile);
  }

  /** Runs ffmpeg work that `close()` can stop, following the caller's signal too. */
  private async track<T>(signal: AbortSignal | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const forward = (): void => controller.abort();
    if (signal?.aborted) controller.abort();
    signal?.addEventListener("abort", forward, { once: true });
    this.running.add(controller);
    try {
      return await work(controller.signal);
    } finally {
      this.running.delete(controller);
      signal?.removeEventListener("abort", forward);
    }
  }
}
