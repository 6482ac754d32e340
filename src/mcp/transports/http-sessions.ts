import type { ServerResponse } from "node:http";
import type { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";

/**
 * The Streamable HTTP sessions, bounded: each holds a whole MCP server (~0.13 MB), and a host
 * that opens one per connection and never says goodbye used to grow the process without end
 * (800 initialize requests → 800 sessions, RSS 68 → 176 MB). A session with no request open for
 * `idleMs` is closed; at `max` sessions the least recently used one with no request open makes
 * room (its client gets 404 and initializes again, as the protocol says); when every session has
 * a request open, a new one is refused with 503.
 */

export const DEFAULT_MAX_SESSIONS = 100;
export const DEFAULT_IDLE_MS = 30 * 60_000;

export interface SessionLimits {
  maxSessions?: number;
  idleMs?: number;
}

interface Session {
  transport: StreamableHTTPServerTransport;
  cleanup: () => Promise<void>;
  /** Requests of this session still open (a GET stream stays open while its client listens). */
  open: number;
  lastActive: number;
}

export class HttpSessions {
  readonly max: number;
  readonly idleMs: number;
  private readonly sessions = new Map<string, Session>();
  /** Initialize requests admitted whose session is not registered yet. */
  private starting = 0;
  private readonly sweeper: NodeJS.Timeout;

  constructor(limits: SessionLimits = {}) {
    this.max = limits.maxSessions ?? DEFAULT_MAX_SESSIONS;
    this.idleMs = limits.idleMs ?? DEFAULT_IDLE_MS;
    this.sweeper = setInterval(() => void this.expireIdle(), Math.max(10, Math.min(this.idleMs / 4, 60_000)));
    this.sweeper.unref();
  }

  get size(): number {
    return this.sessions.size;
  }

  get(id: string): StreamableHTTPServerTransport | undefined {
    return this.sessions.get(id)?.transport;
  }

  /** Counts a request as open until its response closes; the session is active meanwhile. */
  track(id: string, res: ServerResponse): void {
    const session = this.sessions.get(id);
    if (!session) return;
    session.open++;
    session.lastActive = Date.now();
    res.once("close", () => {
      session.open--;
      session.lastActive = Date.now();
    });
  }

  /**
   * Makes room for one more session: true when there is (evicting the least recently used idle
   * session if needed), false when every session has a request open. Pair with `started()`.
   */
  async admit(): Promise<boolean> {
    if (this.sessions.size + this.starting >= this.max) {
      const idle = [...this.sessions.entries()].filter(([, s]) => s.open === 0).sort(([, a], [, b]) => a.lastActive - b.lastActive)[0];
      if (!idle) return false;
      await this.close(idle[0]);
    }
    this.starting++;
    return true;
  }

  /** An admitted initialize request made a session. */
  register(id: string, transport: StreamableHTTPServerTransport, cleanup: () => Promise<void>): void {
    this.sessions.set(id, { transport, cleanup, open: 0, lastActive: Date.now() });
  }

  /** The admitted initialize request is over (with or without a session). */
  started(): void {
    this.starting--;
  }

  forget(id: string): void {
    this.sessions.delete(id);
  }

  async close(id: string): Promise<void> {
    const session = this.sessions.get(id);
    if (!session) return;
    this.sessions.delete(id);
    await session.cleanup().catch(() => {});
  }

  async expireIdle(now = Date.now()): Promise<void> {
    const expired = [...this.sessions.entries()].filter(([, s]) => s.open === 0 && now - s.lastActive >= this.idleMs);
    await Promise.all(expired.map(([id]) => this.close(id)));
  }

  async closeAll(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.sessions.keys()].map((id) => this.close(id)));
  }
}
