import { join } from "node:path";
import { z } from "zod";
import { optionalId } from "./schemas.js";
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
  MediaInfo,
  OperationContext,
  RejectedInput,
  SessionInfo,
  StateResult,
  UploadRequest,
  UploadResult,
  UploadedMedia,
} from "../core/backend.js";
import { stderrTrace } from "../core/debug.js";
import { diffDrafts } from "../core/diff.js";
import { type Draft, DraftSchema, emptyDraft, isDraftExportable, looseNumber, parseDraft } from "../core/draft.js";
import { VideoMakerError } from "../core/errors.js";
import { checkInstruction } from "../core/instruction.js";
import { type LocalMediaFile, formatBytes, inspectLocalMedia } from "../core/media-files.js";
import { defaultExportName, prepareOutputDir, validateFileName } from "../core/output.js";
import { describeTracks, summarizeTimeline } from "../core/summary.js";
import { type GuiNames, translateGui } from "../core/gui.js";
import { TokenManager } from "./auth.js";
import { type StreamLimits, runAgentStream } from "./edit-stream.js";
import { NemoHttp, type HttpTimeouts, type RetryPolicy } from "./http.js";
import { downloadRender } from "./download.js";
import { type RenderTiming, newRenderId, pollRender, startRender } from "./render.js";
import { SessionStore, type SessionRecord } from "./session.js";
import { checkMediaUrl, mediaType, uploadFiles, uploadUrls } from "./upload.js";
import type { Dispatcher } from "undici";

/** The NemoVideo cloud agent behind the `Backend` interface. */

export interface NemoBackendOptions {
  retry?: Partial<RetryPolicy>;
  timeouts?: Partial<HttpTimeouts>;
  streamLimits?: Partial<StreamLimits>;
  renderTiming?: Partial<RenderTiming>;
  dispatcher?: Dispatcher;
  language?: string;
  /** What the agent's GUI language is rewritten to point at (default: the MCP tools). */
  guiNames?: GuiNames;
}

const StateAnswerSchema = z.looseObject({
  session_id: optionalId,
  task_id: optionalId,
  state: z
    .looseObject({
      draft: z.unknown().optional(),
      video_infos: z.array(z.unknown()).nullish(),
      generated_media: z.array(z.unknown()).nullish(),
    })
    .nullish(),
});

// Numbers or numeric strings only: coercion would read `true` as 1 credit and `[]` as 0.
const CreditsSchema = z.looseObject({
  available: looseNumber.nullish().transform((n) => n ?? 0),
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
    this.sessions = new SessionStore(this.http, config.home, options.language);
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
    for (const path of paths) {
      const check = await inspectLocalMedia(path);
      if (!check.ok) rejected.push({ input: path, reason: check.reason });
      else if (seen.has(check.file.path)) rejected.push({ input: path, reason: "The same file is listed twice." });
      else {
        seen.add(check.file.path);
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
    await this.withSession(context, async (session) => {
      if (accepted.length > 0) {
        const total = formatBytes(accepted.reduce((sum, file) => sum + file.size, 0));
        uploaded.push(
          ...(await uploadFiles(this.http, session.session_id, accepted, {
            ...signalOf(context),
            onProgress: (progress) =>
              context.onProgress?.({
                stage: "upload",
                message: `uploading ${progress.fileIndex + 1}/${progress.fileCount} — ${Math.floor((progress.sentBytes / progress.totalBytes) * 100)}% of ${total}`,
                fraction: progress.sentBytes / progress.totalBytes,
              }),
          })),
        );
      }
      if (goodUrls.length > 0) {
        context.onProgress?.({ stage: "upload", message: `sending ${goodUrls.length} link(s) to NemoVideo` });
        uploaded.push(...(await uploadUrls(this.http, session.session_id, goodUrls, context.signal)));
      }
    });
    return { uploaded, rejected };
  }

  // --- edit -----------------------------------------------------------------

  async edit(instruction: string, context: OperationContext = {}): Promise<EditResult> {
    const text = checkInstruction(instruction);
    return this.withSession(context, async (session) => {
      const before = await this.fetchDraft(session.session_id, context.signal);
      context.onProgress?.({ stage: "agent", message: "agent: reading the request" });
      let lastHeartbeatNote = 0;
      const stream = await runAgentStream(this.http, session.session_id, text, {
        ...(this.options.streamLimits ? { limits: this.options.streamLimits } : {}),
        ...signalOf(context),
        onActivity: (activity) => {
          if (activity.kind === "tool_call") context.onProgress?.({ stage: "agent", message: `agent: ${activity.label}` });
          else if (activity.kind === "thought") context.onProgress?.({ stage: "agent", message: "agent: thinking" });
          else if (activity.kind === "heartbeat" && Date.now() - lastHeartbeatNote > 10_000) {
            lastHeartbeatNote = Date.now();
            context.onProgress?.({ stage: "agent", message: "agent: still working" });
          }
        },
      });
      if (stream.summary.errorMessage) {
        throw new VideoMakerError(
          "upstream",
          `The NemoVideo agent stopped with an error: ${stream.summary.errorMessage}. The edit was not resent; check the timeline before trying again.`,
        );
      }
      let after: Draft;
      try {
        after = await this.fetchDraft(session.session_id, context.signal);
      } catch (error) {
        throw afterEditFailure(error, stream.reply, this.options.guiNames);
      }
      const changes = diffDrafts(before, after);
      const timeline = summarizeTimeline(after);

      if (stream.ending !== "closed") {
        const why =
          stream.ending === "dropped"
            ? "The connection to the agent dropped before it finished"
            : stream.ending === "idle"
              ? "The agent went silent for too long"
              : "The edit ran past the 15-minute limit";
        if (changes.length === 0 && !stream.reply) {
          throw new VideoMakerError(
            stream.ending === "dropped" ? "stream_dropped" : "timeout",
            `${why} and the timeline did not change. The edit was not resent automatically (that could charge twice); send it again if you want it.`,
          );
        }
        const partial = stream.reply ? ` The agent had said: "${translateGui(stream.reply, this.options.guiNames).text}"` : "";
        return {
          reply: `${why}, but the timeline changed: ${changes.join("; ") || "see the timeline"}.${partial}`,
          replied: false,
          changes,
          timeline,
          suggestsExport: false,
        };
      }

      if (stream.reply) {
        const translated = translateGui(stream.reply, this.options.guiNames);
        return { reply: translated.text, replied: true, changes, timeline, suggestsExport: translated.suggestsExport };
      }
      // About 30% of edits end without text: describe what the state says changed.
      const reply =
        changes.length > 0
          ? `Done. ${changes.join("; ")}.`
          : "The agent finished without a reply and the timeline did not change. Try a more specific instruction.";
      return { reply, replied: false, changes, timeline, suggestsExport: false };
    });
  }

  // --- state & credits ------------------------------------------------------

  async getState(context: OperationContext = {}): Promise<StateResult> {
    return this.withSession(context, async (session) => {
      const answer = await this.fetchState(session.session_id, context.signal);
      const draft = readDraft(answer.state?.draft);
      return {
        sessionId: answer.session_id ?? session.session_id,
        timeline: summarizeTimeline(draft),
        tracks: describeTracks(draft),
        media: (answer.state?.video_infos ?? []).map(readMediaInfo).filter((m): m is MediaInfo => m !== undefined),
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
    if (!parsed.success) throw new VideoMakerError("bad_response", "NemoVideo's credit balance could not be read.");
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

  // --- export ---------------------------------------------------------------

  async exportVideo(request: ExportRequest, context: ExportContext = {}): Promise<ExportResult> {
    const fileName = validateFileName(request.fileName ?? defaultExportName());
    const outputDir = await prepareOutputDir(request.outputDir);
    return this.withSession(context, async (session) => {
      const draft = await this.fetchDraft(session.session_id, context.signal);
      if (!isDraftExportable(draft)) {
        throw new VideoMakerError(
          "not_ready",
          "The timeline is empty, so there is nothing to export yet. Upload media and describe the video first.",
        );
      }
      const renderId = newRenderId();
      context.onProgress?.({ stage: "render", message: "render: starting", fraction: 0 });
      // The id is ours, so the checkpoint is written before the render starts: a server killed
      // right after starting it still leaves a render a restarted one can find and download.
      const checkpoint: ExportCheckpoint = {
        backend: "nemo",
        renderId,
        sessionId: session.session_id,
        outputPath: join(outputDir, fileName),
        startedAt: new Date().toISOString(),
      };
      await context.onCheckpoint?.(checkpoint);
      await startRender(this.http, renderId, session.session_id, draft, context.signal);
      return this.finishRender(checkpoint, context);
    });
  }

  async resumeExport(checkpoint: ExportCheckpoint, context: ExportContext = {}): Promise<ExportResult> {
    await prepareOutputDir(join(checkpoint.outputPath, ".."));
    try {
      return await this.finishRender(checkpoint, context);
    } catch (error) {
      // The checkpoint is written just before the render starts, so the service may never have heard of it.
      if (error instanceof VideoMakerError && error.httpStatus === 404 && !checkpoint.downloadUrl) {
        throw new VideoMakerError(
          "render_failed",
          "NemoVideo has no record of this render: the server stopped before the render started (or the service has since dropped it). Nothing was rendered; export again.",
          { httpStatus: 404, cause: error },
        );
      }
      throw error;
    }
  }

  private async finishRender(checkpoint: ExportCheckpoint, context: ExportContext): Promise<ExportResult> {
    let url = checkpoint.downloadUrl;
    if (!url) {
      const done = await pollRender(this.http, checkpoint.renderId, {
        ...(this.options.renderTiming ? { timing: this.options.renderTiming } : {}),
        ...signalOf(context),
        onStatus: (status) =>
          context.onProgress?.({ stage: "render", message: `render ${status.progress}%`, fraction: status.progress / 100 }),
      });
      url = done.url;
      if (url) await context.onCheckpoint?.({ ...checkpoint, downloadUrl: url });
    }
    context.onProgress?.({ stage: "download", message: "downloading", fraction: 0 });
    const saved = await downloadRender(this.http, checkpoint.renderId, url, checkpoint.outputPath, {
      ...signalOf(context),
      onBytes: (received, total) =>
        context.onProgress?.({
          stage: "download",
          message: total ? `downloading ${Math.floor((received / total) * 100)}%` : `downloading ${formatBytes(received)}`,
          ...(total ? { fraction: received / total } : {}),
        }),
    });
    return { renderId: checkpoint.renderId, file: saved.path, bytes: saved.bytes };
  }

  // --- helpers --------------------------------------------------------------

  private async fetchState(sessionId: string, signal?: AbortSignal): Promise<z.infer<typeof StateAnswerSchema>> {
    const data = await this.http.json({
      method: "GET",
      path: `/api/state/nemo_agent/me/${encodeURIComponent(sessionId)}/latest`,
      idempotent: true,
      ...(signal ? { signal } : {}),
    });
    const parsed = StateAnswerSchema.safeParse(data);
    if (!parsed.success) throw new VideoMakerError("bad_response", "NemoVideo's session state could not be read.");
    return parsed.data;
  }

  private async fetchDraft(sessionId: string, signal?: AbortSignal): Promise<Draft> {
    return readDraft((await this.fetchState(sessionId, signal)).state?.draft);
  }

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
          `The NemoVideo editing session had expired${fresh ? ", so a new one was started" : ""}. Files uploaded before are gone with it: upload them again, then repeat the request.${afterEditNotes.get(error) ?? ""}`,
          { ...(error.upstreamCode !== undefined ? { upstreamCode: error.upstreamCode } : {}), ...(error.httpStatus !== undefined ? { httpStatus: error.httpStatus } : {}) },
        );
      }
      if (error.code === "out_of_credits") throw await this.outOfCredits(session, error);
      throw error;
    }
  }

  private async outOfCredits(session: SessionRecord, error: VideoMakerError): Promise<VideoMakerError> {
    const details = { upstreamCode: error.upstreamCode ?? 2001 };
    if (!this.tokens.isAnonymous) {
      const link = new URL("/", this.config.webBase).toString();
      return new VideoMakerError(
        "out_of_credits",
        `You are out of NemoVideo credits. Top up credits in your NemoVideo account: ${link}`,
        { ...details, link },
      );
    }
    let link: string;
    try {
      link = await this.claimLink();
    } catch {
      const register = new URL("/", this.config.webBase);
      register.searchParams.set("bind", session.task_id ?? session.session_id);
      link = register.toString();
    }
    return new VideoMakerError(
      "out_of_credits",
      `The free credits are used up. Register a free NemoVideo account to get more credits and keep this project: ${link}`,
      { ...details, link },
    );
  }
}

/** What the agent did before the state read failed, kept for the message that replaces a lost session's. */
const afterEditNotes = new WeakMap<VideoMakerError, string>();

/** The edit went through (and was charged) but the state read after it failed: keep what the agent said. */
function afterEditFailure(error: unknown, reply: string, guiNames?: GuiNames): unknown {
  if (!(error instanceof VideoMakerError) || error.code === "cancelled") return error;
  const said = reply ? ` and said: "${translateGui(reply, guiNames).text}"` : "";
  const note = ` (The agent had already finished this edit${said}; it was not resent.)`;
  const wrapped = new VideoMakerError(error.code, `${error.message}${note}`, {
    ...(error.upstreamCode !== undefined ? { upstreamCode: error.upstreamCode } : {}),
    ...(error.httpStatus !== undefined ? { httpStatus: error.httpStatus } : {}),
    ...(error.link !== undefined ? { link: error.link } : {}),
    cause: error,
  });
  afterEditNotes.set(wrapped, note);
  return wrapped;
}

/** The draft as the service keeps it; a draft of the wrong shape is a broken answer, not an empty timeline. */
function readDraft(value: unknown): Draft {
  if (value === undefined || value === null || value === "") return emptyDraft();
  const draft = parseDraft(value);
  if (draft.t.length === 0 && !DraftSchema.safeParse(typeof value === "string" ? safeJson(value) : value).success) {
    throw new VideoMakerError("bad_response", "NemoVideo's timeline could not be read (it came in an unexpected shape).");
  }
  return draft;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function signalOf(context: OperationContext): { signal?: AbortSignal } {
  return context.signal ? { signal: context.signal } : {};
}

function readMediaInfo(value: unknown): MediaInfo | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const bag = value as Record<string, unknown>;
  const name = [bag["filename"], bag["file_name"], bag["name"], bag["title"]].find(
    (v): v is string => typeof v === "string" && v.trim() !== "",
  );
  const url = [bag["cdn_url"], bag["url"]].find((v): v is string => typeof v === "string" && v !== "");
  const label = name ?? (url ? decodeURIComponent(url.split("/").pop() ?? "media") : "media");
  const info: MediaInfo = {
    name: label,
    type: mediaType(typeof bag["file_type"] === "string" ? bag["file_type"] : (bag["type"] as string | undefined), label),
  };
  const duration = Number(bag["duration"]);
  const width = Number(bag["width"]);
  const height = Number(bag["height"]);
  if (Number.isFinite(duration) && duration > 0) info.durationSeconds = duration;
  if (Number.isFinite(width) && width > 0) info.width = width;
  if (Number.isFinite(height) && height > 0) info.height = height;
  if (url) info.url = url;
  return info;
}
