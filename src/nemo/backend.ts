import { join } from "node:path";
import type { Dispatcher } from "undici";
import { z } from "zod";
import type { Config } from "../config.js";
import type {
  AgentCapability,
  Backend,
  Credits,
  EditResult,
  ExportCheckpoint,
  ExportContext,
  ExportRequest,
  ExportResult,
  OperationContext,
  RejectedInput,
  SessionInfo,
  StateResult,
  UploadRequest,
  UploadResult,
  UploadedMedia,
} from "../core/backend.js";
import { stderrTrace } from "../core/debug.js";
import { type Draft, isDraftExportable, looseNumber } from "../core/draft.js";
import { VideoMakerError } from "../core/errors.js";
import type { GuiNames } from "../core/gui.js";
import type { SurfaceNames } from "../core/surface.js";
import type { InspectOptions, InspectReport, InspectTarget } from "../core/inspect.js";
import { checkInstruction } from "../core/instruction.js";
import { type LocalMediaFile, formatBytes, inspectLocalMedia } from "../core/media-files.js";
import { defaultExportName, prepareOutputDir, validateFileName } from "../core/output.js";
import { describeTracks, summarizeTimeline } from "../core/summary.js";
import { TokenManager } from "./auth.js";
import { type DropRecovery, afterEditNote, runEdit } from "./edit.js";
import type { StreamLimits } from "./edit-stream.js";
import { type HttpTimeouts, NemoHttp, type RetryPolicy } from "./http.js";
import { type RenderTiming, newRenderId, renderFailed, renderFailureReason, startRender } from "./render.js";
import { finishRender } from "./render-finish.js";
import { type SessionRecord, SessionStore } from "./session.js";
import { fetchDraft, fetchState, readDraft, readMediaList } from "./state.js";
import { UNCONFIRMED_REASON, type UploadOutcome, checkMediaUrl, uploadFiles, uploadUrls } from "./upload.js";

/**
 * The NemoVideo cloud agent behind the `Backend` interface: each action run against the
 * current session, with the account errors (a lost session, no credits) told as what to do.
 * An edit's course is in edit.ts, reading the session's state in state.ts.
 */

export interface NemoBackendOptions {
  retry?: Partial<RetryPolicy>;
  timeouts?: Partial<HttpTimeouts>;
  streamLimits?: Partial<StreamLimits>;
  /** How the state is watched after a lost edit stream (NemoVideo's ~30 s, then every ~60 s, 5 reads). */
  dropRecovery?: Partial<DropRecovery>;
  renderTiming?: Partial<RenderTiming>;
  dispatcher?: Dispatcher;
  language?: string;
  /** What the agent's GUI language is rewritten to point at (default: the MCP tools). */
  guiNames?: GuiNames;
  /** How actions are invoked on the surface reading the messages (default: none named). */
  names?: SurfaceNames;
}

// Numbers or numeric strings only: coercion would read `true` as 1 credit and `[]` as 0. The
// balance itself is required: an answer without it is unreadable, not "0 available".
const CreditsSchema = z.looseObject({
  available: looseNumber,
  frozen: looseNumber.nullish().transform((n) => n ?? 0),
  total: looseNumber.nullish(),
});

const ClaimSchema = z.looseObject({ claim_token: z.string().min(1) });

export { MAX_INSTRUCTION_CHARS } from "../core/instruction.js";

export class NemoBackend implements Backend, AgentCapability {
  readonly name = "nemo" as const;
  /** The cloud agent edits from words, holds the credits and can hand the project to an account. */
  readonly agent: AgentCapability = this;
  readonly http: NemoHttp;
  readonly tokens: TokenManager;
  readonly sessions: SessionStore;

  constructor(
    private readonly config: Config,
    private readonly options: NemoBackendOptions = {},
  ) {
    this.http = new NemoHttp({
      config,
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.timeouts ? { timeouts: options.timeouts } : {}),
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      ...(config.debug ? { trace: stderrTrace() } : {}),
    });
    this.tokens = new TokenManager(this.http, config.home, config.userToken);
    this.http.tokens = this.tokens;
    this.sessions = new SessionStore(this.http, config.home, options.language, options.names);
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  // --- upload ---------------------------------------------------------------

  async upload(request: UploadRequest, context: OperationContext = {}): Promise<UploadResult> {
    const paths = request.paths ?? [];
    const urls = request.urls ?? [];
    if (paths.length === 0 && urls.length === 0) {
      throw new VideoMakerError("invalid_input", "Nothing to upload: give at least one file path or link.");
    }
    const rejected: RejectedInput[] = [];
    const accepted: LocalMediaFile[] = [];
    const seen = new Set<string>();
    /** Each accepted file's path as the person gave it, for the rejected list. */
    const givenAs = new Map<string, string>();
    for (const path of paths) {
      const check = await inspectLocalMedia(path);
      if (!check.ok) rejected.push({ input: path, reason: check.reason });
      else if (seen.has(check.file.path)) rejected.push({ input: path, reason: "The same file is listed twice." });
      else {
        seen.add(check.file.path);
        givenAs.set(check.file.path, path);
        accepted.push(check.file);
      }
    }
    const goodUrls: string[] = [];
    for (const url of urls) {
      const check = checkMediaUrl(url);
      if (check.ok) goodUrls.push(check.url);
      else rejected.push({ input: url, reason: check.reason });
    }
    if (accepted.length === 0 && goodUrls.length === 0) return { uploaded: [], rejected };

    const uploaded: UploadedMedia[] = [];
    // Every input ends in exactly one list: what the answer did not list was not confirmed.
    const take = (outcome: UploadOutcome) => {
      uploaded.push(...outcome.uploaded);
      for (const input of outcome.unconfirmed) rejected.push({ input: givenAs.get(input) ?? input, reason: UNCONFIRMED_REASON });
    };
    await this.withSession(context, async (session) => {
      if (accepted.length > 0) {
        const total = formatBytes(accepted.reduce((sum, file) => sum + file.size, 0));
        take(
          await uploadFiles(this.http, session.session_id, accepted, {
            ...signalOf(context),
            onProgress: (progress) =>
              context.onProgress?.({
                stage: "upload",
                message: `uploading ${progress.fileIndex + 1}/${progress.fileCount} — ${Math.floor((progress.sentBytes / progress.totalBytes) * 100)}% of ${total}`,
                fraction: progress.sentBytes / progress.totalBytes,
              }),
          }),
        );
      }
      if (goodUrls.length > 0) {
        context.onProgress?.({ stage: "upload", message: `sending ${goodUrls.length} link(s) to NemoVideo` });
        take(await uploadUrls(this.http, session.session_id, goodUrls, context.signal));
      }
    });
    return { uploaded, rejected };
  }

  // --- edit -----------------------------------------------------------------

  async edit(instruction: string, context: OperationContext = {}): Promise<EditResult> {
    const text = checkInstruction(instruction);
    const options = {
      ...(this.options.streamLimits ? { streamLimits: this.options.streamLimits } : {}),
      ...(this.options.dropRecovery ? { dropRecovery: this.options.dropRecovery } : {}),
      ...(this.options.guiNames ? { guiNames: this.options.guiNames } : {}),
    };
    return this.withSession(context, (session) => runEdit(this.http, session.session_id, text, options, context));
  }

  // --- state & credits ------------------------------------------------------

  async getState(context: OperationContext = {}): Promise<StateResult> {
    return this.withSession(context, async (session) => {
      const answer = await fetchState(this.http, session.session_id, context.signal);
      const draft = readDraft(answer.state?.draft);
      return {
        sessionId: answer.session_id ?? session.session_id,
        timeline: summarizeTimeline(draft),
        tracks: describeTracks(draft),
        media: readMediaList(answer.state?.video_infos),
        draft,
      };
    });
  }

  async getCredits(context: OperationContext = {}): Promise<Credits> {
    const data = await this.http.json({
      method: "GET",
      path: "/api/credits/balance/simple",
      idempotent: true,
      ...signalOf(context),
    });
    const parsed = CreditsSchema.safeParse(data);
    if (!parsed.success) {
      throw new VideoMakerError(
        "bad_response",
        "NemoVideo's credit balance could not be read: its answer did not say how many credits are available. Try again in a moment.",
      );
    }
    const { available, frozen } = parsed.data;
    return { available, frozen, total: parsed.data.total ?? available + frozen };
  }

  /** A browser link that lets the person keep this anonymous project in a NemoVideo account. */
  async claimLink(context: OperationContext = {}): Promise<string> {
    const session = await this.sessions.current(context.signal);
    const data = await this.http.json({
      method: "POST",
      path: "/api/auth/claim-token",
      json: { task_id: session.task_id ?? "", session_id: session.session_id },
      ...signalOf(context),
    });
    const parsed = ClaimSchema.safeParse(data);
    if (!parsed.success) throw new VideoMakerError("bad_response", "NemoVideo's claim answer had no claim token.");
    const link = new URL("/workspace/claim", this.config.webBase);
    link.searchParams.set("ct", parsed.data.claim_token);
    return link.toString();
  }

  async newSession(language?: string, context: OperationContext = {}): Promise<SessionInfo> {
    const record = await this.sessions.create(language, context.signal);
    return { sessionId: record.session_id, created: true };
  }

  /** Files on this computer only: uploaded media live on NemoVideo (the tool offers no other target here). */
  async inspect(target: InspectTarget, options: InspectOptions = {}): Promise<InspectReport> {
    if (!("file" in target)) {
      throw new VideoMakerError("invalid_input", "In cloud mode, inspect looks at files on this computer: give the file's path.");
    }
    const { inspectFile } = await import("../inspect/inspect-file.js");
    return inspectFile({ ffmpegPath: this.config.ffmpegPath, ffprobePath: this.config.ffprobePath, ...(this.config.debug ? { trace: stderrTrace() } : {}) }, target.file, options);
  }

  // --- export ---------------------------------------------------------------

  async exportVideo(request: ExportRequest, context: ExportContext = {}): Promise<ExportResult> {
    const fileName = validateFileName(request.fileName ?? defaultExportName());
    const outputDir = await prepareOutputDir(request.outputDir);
    return this.withSession(context, async (session) => {
      const draft = await fetchDraft(this.http, session.session_id, context.signal);
      if (!isDraftExportable(draft)) {
        throw new VideoMakerError(
          "not_ready",
          "The timeline is empty, so there is nothing to export yet. Upload media and describe the video first.",
        );
      }
      const outputPath = join(outputDir, fileName);
      try {
        return await this.renderOnce(session.session_id, draft, outputPath, context);
      } catch (error) {
        if (!isFailedRender(error) || context.signal?.aborted) throw error;
        return this.retryRender(session.session_id, draft, outputPath, context);
      }
    });
  }

  /** NemoVideo's own rule: a failed render is tried once more, with a fresh id, before failing. */
  private async retryRender(sessionId: string, draft: Draft, outputPath: string, context: ExportContext): Promise<ExportResult> {
    context.onProgress?.({ stage: "render", message: "render failed on NemoVideo; trying once more", fraction: 0 });
    try {
      return await this.renderOnce(sessionId, draft, outputPath, context, true);
    } catch (second) {
      throw isFailedRender(second) ? renderFailed(renderFailureReason(second), true) : second;
    }
  }

  /** One render under a fresh id, then its download. */
  private async renderOnce(sessionId: string, draft: Draft, outputPath: string, context: ExportContext, retried = false): Promise<ExportResult> {
    const renderId = newRenderId();
    context.onProgress?.({ stage: "render", message: "render: starting", fraction: 0 });
    // The id is ours, so the checkpoint is written before the render starts: a server killed
    // right after starting it still leaves a render a restarted one can find and download.
    const checkpoint: ExportCheckpoint = {
      backend: "nemo",
      renderId,
      sessionId,
      outputPath,
      startedAt: new Date().toISOString(),
      ...(retried ? { retried } : {}),
    };
    await context.onCheckpoint?.(checkpoint);
    await startRender(this.http, renderId, sessionId, draft, context.signal);
    return finishRender(this.http, checkpoint, context, this.options.renderTiming);
  }

  async resumeExport(checkpoint: ExportCheckpoint, context: ExportContext = {}): Promise<ExportResult> {
    await prepareOutputDir(join(checkpoint.outputPath, ".."));
    try {
      return await finishRender(this.http, checkpoint, context, this.options.renderTiming);
    } catch (error) {
      // The checkpoint is written just before the render starts, so the service may never have heard of it.
      if (error instanceof VideoMakerError && error.httpStatus === 404 && !checkpoint.downloadUrl) {
        throw new VideoMakerError(
          "render_failed",
          "NemoVideo has no record of this render: the server stopped before the render started (or the service has since dropped it). Nothing was rendered; export again.",
          { httpStatus: 404, cause: error },
        );
      }
      if (!isFailedRender(error) || context.signal?.aborted) throw error;
      // A render a restarted process finds failed gets the same one retry as any other, of the session's timeline now.
      if (checkpoint.retried) throw renderFailed(renderFailureReason(error), true);
      const draft = await fetchDraft(this.http, checkpoint.sessionId, context.signal);
      if (!isDraftExportable(draft)) throw error;
      return this.retryRender(checkpoint.sessionId, draft, checkpoint.outputPath, context);
    }
  }

  // --- helpers --------------------------------------------------------------

  /**
   * Runs work against the current session and turns account errors into what the person
   * should do: a lost session is replaced (its media are gone), out-of-credits carries
   * the link to register or top up.
   */
  private async withSession<T>(context: OperationContext, work: (session: SessionRecord) => Promise<T>): Promise<T> {
    const session = await this.sessions.current(context.signal);
    try {
      return await work(session);
    } catch (error) {
      if (!(error instanceof VideoMakerError)) throw error;
      if (error.code === "session_lost") {
        const fresh = await this.sessions.replaceLost(session.session_id, context.signal).catch(() => undefined);
        throw new VideoMakerError(
          "session_lost",
          `The NemoVideo editing session had expired${fresh ? ", so a new one was started" : ""}. Files uploaded before are gone with it: upload them again, then repeat the request.${afterEditNote(error)}`,
          { ...(error.upstreamCode !== undefined ? { upstreamCode: error.upstreamCode } : {}), ...(error.httpStatus !== undefined ? { httpStatus: error.httpStatus } : {}) },
        );
      }
      if (error.code === "out_of_credits") throw await this.outOfCredits(session, error);
      if (error.code === "plan_blocked") throw await this.planBlocked(session, error);
      throw error;
    }
  }

  // The link travels beside the message, not in it: a host that can open links itself
  // (URL elicitation) shows it to the person without passing it through the model.
  private async outOfCredits(session: SessionRecord, error: VideoMakerError): Promise<VideoMakerError> {
    const details = { upstreamCode: error.upstreamCode ?? 2001 };
    if (!this.tokens.isAnonymous) {
      return new VideoMakerError("out_of_credits", "You are out of NemoVideo credits. Top up credits in your NemoVideo account.", {
        ...details,
        link: new URL("/", this.config.webBase).toString(),
      });
    }
    return new VideoMakerError(
      "out_of_credits",
      "The free credits are used up. Register a free NemoVideo account to get more credits and keep this project.",
      { ...details, link: await this.registrationLink(session) },
    );
  }

  /** 402: the plan, not credits; an anonymous person registers (keeping the project), an account upgrades. */
  private async planBlocked(session: SessionRecord, error: VideoMakerError): Promise<VideoMakerError> {
    const link = this.tokens.isAnonymous ? await this.registrationLink(session) : new URL("/", this.config.webBase).toString();
    return new VideoMakerError("plan_blocked", error.message, {
      ...(error.httpStatus !== undefined ? { httpStatus: error.httpStatus } : {}),
      ...(error.upstreamCode !== undefined ? { upstreamCode: error.upstreamCode } : {}),
      link,
    });
  }

  /** The claim link (register and keep this project), or the plain registration page when it cannot be had. */
  private async registrationLink(session: SessionRecord): Promise<string> {
    try {
      return await this.claimLink();
    } catch {
      const register = new URL("/", this.config.webBase);
      register.searchParams.set("bind", session.task_id ?? session.session_id);
      return register.toString();
    }
  }
}

/**
 * A render that the service ran and reported `failed`, or whose start it answered with a server
 * error (HTTP 5xx): worth one more try under a new id. Not a refusal (plan, credits, a lost
 * session), a download problem or a timeout (that render may still finish).
 */
function isFailedRender(error: unknown): error is VideoMakerError {
  if (!(error instanceof VideoMakerError)) return false;
  return error.code === "render_failed" || (error.code === "upstream" && (error.httpStatus ?? 0) >= 500);
}

function signalOf(context: OperationContext): { signal?: AbortSignal } {
  return context.signal ? { signal: context.signal } : {};
}
