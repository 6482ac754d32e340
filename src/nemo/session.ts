import { checkLanguage } from "../core/names.js";
import { join } from "node:path";
import { z } from "zod";
import { optionalId } from "./schemas.js";
import { VideoMakerError } from "../core/errors.js";
import { type SurfaceNames, UNNAMED, via } from "../core/surface.js";
import { keepDamagedCopy, readJsonState, withFileLock, writeJsonFileAtomic } from "../core/store.js";
import type { NemoHttp } from "./http.js";

/**
 * The current NemoVideo project (session), persisted so separate CLI runs and a
 * restarted MCP server keep editing the same timeline.
 */

export const SessionRecordSchema = z.object({
  session_id: z.string().min(1),
  task_id: z.string().optional(),
  user_id: z.string().optional(),
  language: z.string().default("en"),
  created_at: z.string(),
});
export type SessionRecord = z.infer<typeof SessionRecordSchema>;

const CreateSessionSchema = z.looseObject({
  session_id: z.union([z.string(), z.number()]).transform(String),
  task_id: optionalId,
  user_id: optionalId,
});

/** The person's language from the environment (LANG=zh_CN.UTF-8 → "zh"), else English. */
export function defaultLanguage(env: NodeJS.ProcessEnv = process.env): string {
  const raw = env.LC_ALL || env.LC_MESSAGES || env.LANG || "";
  const match = /^([a-z]{2,3})(?:[_-]|$|\.)/i.exec(raw);
  const code = match?.[1]?.toLowerCase();
  return code && code !== "c" && code !== "posix" ? code : "en";
}

export class SessionStore {
  private readonly file: string;
  private cached: SessionRecord | undefined;
  /** One lookup at a time in this process: concurrent calls share it instead of queueing on the file lock. */
  private lookup: Promise<SessionRecord> | undefined;

  constructor(
    private readonly http: NemoHttp,
    home: string,
    private readonly language: string = defaultLanguage(),
    private readonly names: SurfaceNames = UNNAMED,
  ) {
    this.file = join(home, "sessions", "nemo.json");
  }

  /** The current session, creating one the first time. */
  async current(signal?: AbortSignal): Promise<SessionRecord> {
    // Read every time: the CLI and a running MCP server share the project, and either may start a new one.
    const stored = await this.read();
    if (stored) return (this.cached = stored);
    if (!this.lookup) {
      // Shared, so no one caller's cancel may fail the others: it runs without their signals.
      this.lookup = this.createFirst();
      void this.lookup.finally(() => (this.lookup = undefined)).catch(() => {});
    }
    return this.lookup;
  }

  /** The first session, made once even when several processes (or calls) ask at the same time. */
  private async createFirst(): Promise<SessionRecord> {
    return withFileLock(this.file, async () => {
      const again = await this.read();
      if (again) return (this.cached = again);
      return this.createLocked(this.language);
    });
  }

  /** Reads the persisted session without creating one. */
  async peek(): Promise<SessionRecord | undefined> {
    return (await this.read()) ?? this.cached;
  }

  /**
   * The stored pointer, or nothing when there is none yet. A file that is there but cannot be
   * read is kept and reported: starting a new session over it would hide the person's project.
   */
  private async read(): Promise<SessionRecord | undefined> {
    const state = await readJsonState(this.file, SessionRecordSchema);
    if (state.status === "ok") return state.value;
    if (state.status === "absent") return undefined;
    const keptAs = await keepDamagedCopy(this.file, state.bytes);
    const named = /"session_id"\s*:\s*"([^"\\]{1,200})"/.exec(state.bytes.toString("utf8"))?.[1];
    const project = named
      ? `It named the NemoVideo project ${named}, which stays on NemoVideo.`
      : "The project it pointed to stays on NemoVideo.";
    throw new VideoMakerError(
      "state_damaged",
      `The pointer to the current NemoVideo project (sessions/nemo.json) cannot be read: ${state.reason}. ` +
        `The file is ${this.file}; a copy was kept as ${keptAs}. ${project} ` +
        `To go on, start a new project${via(this.names.newSession)}.`,
    );
  }

  /** Starts a new project; the old session is left as it is on the service. */
  async create(language: string = this.language, signal?: AbortSignal): Promise<SessionRecord> {
    checkLanguage(language);
    return withFileLock(this.file, async () => {
      // Asked for on purpose, so it may replace a damaged pointer; its bytes are kept first.
      const old = await readJsonState(this.file, SessionRecordSchema);
      if (old.status === "damaged") await keepDamagedCopy(this.file, old.bytes);
      return this.createLocked(language, signal);
    });
  }

  /** Replaces a session the service no longer knows, unless another process already did. */
  async replaceLost(lostSessionId: string, signal?: AbortSignal): Promise<SessionRecord> {
    this.cached = undefined;
    return withFileLock(this.file, async () => {
      const stored = await this.read();
      if (stored && stored.session_id !== lostSessionId) return (this.cached = stored);
      return this.createLocked(stored?.language ?? this.language, signal);
    });
  }

  private async createLocked(language: string, signal?: AbortSignal): Promise<SessionRecord> {
    const data = await this.http.json({
      method: "POST",
      path: "/api/tasks/me/with-session/nemo_agent",
      json: { task_name: "project", language },
      ...(signal ? { signal } : {}),
    });
    const parsed = CreateSessionSchema.safeParse(data);
    if (!parsed.success) {
      throw new VideoMakerError("bad_response", "NemoVideo's answer to creating a session had no session id.");
    }
    const record: SessionRecord = {
      session_id: parsed.data.session_id,
      ...(parsed.data.task_id ? { task_id: parsed.data.task_id } : {}),
      ...(parsed.data.user_id ? { user_id: parsed.data.user_id } : {}),
      language,
      created_at: new Date().toISOString(),
    };
    await writeJsonFileAtomic(this.file, record);
    this.cached = record;
    return record;
  }
}
