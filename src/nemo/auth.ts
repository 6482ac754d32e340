import { join } from "node:path";
import { z } from "zod";
import { optionalId } from "./schemas.js";
import { VideoMakerError, registerSecret } from "../core/errors.js";
import { readJsonFile, withFileLock, writeJsonFileAtomic } from "../core/store.js";
import type { NemoHttp, TokenSource } from "./http.js";

/** A v4 UUID for the client id, as the service expects; uuid is loaded only when one is needed. */
async function newClientId(): Promise<string> {
  const { v4 } = await import("uuid");
  return v4();
}

/**
 * Tokens: the person's NEMO_TOKEN when set (never renewed behind their back), else a
 * free anonymous token tied to a persisted client id, kept until it expires and renewed
 * when the service rejects it. A file lock stops two processes (CLI + MCP server) from
 * asking for a token at once, which the one-token-per-client rule would punish.
 */

export const AuthFileSchema = z.object({
  client_id: z.string().min(1),
  token: z.string().min(1).optional(),
  user_id: z.string().optional(),
  expires_at: z.number().optional(),
  obtained_at: z.number().optional(),
});
type AuthFile = z.infer<typeof AuthFileSchema>;

const AnonymousTokenSchema = z.looseObject({
  token: z.string().min(1),
  user_id: optionalId,
  credits: z.unknown().optional(),
  expires_at: z.unknown().optional(),
  expires_in: z.unknown().optional(),
});

const SEVEN_DAYS_MS = 7 * 24 * 3600 * 1000;

/** The longest token kept: real ones are well under 1 KB; one near a server's 8–16 KB header limit answers 431. */
export const MAX_TOKEN_CHARS = 4096;

/**
 * A token that can go in `Authorization: Bearer …`: printable ASCII without spaces (RFC 6750's
 * b64token and then some), of a sane length. CR LF, control characters or 2 MB would make every
 * later request fail (undici refuses the header, or the server answers 431).
 */
export function isUsableToken(token: string): boolean {
  return token.length > 0 && token.length <= MAX_TOKEN_CHARS && /^[\x21-\x7e]+$/.test(token);
}
/** Renew a little before the expiry so a long edit does not start on a dying token. */
const EXPIRY_MARGIN_MS = 10 * 60 * 1000;

export interface TokenInfo {
  token: string;
  anonymous: boolean;
  userId?: string;
  expiresAt?: number;
}

export class TokenManager implements TokenSource {
  private readonly file: string;
  private cached: TokenInfo | undefined;
  /** One lookup at a time in this process: concurrent calls share it instead of queueing on the file lock. */
  private lookup: Promise<TokenInfo> | undefined;

  constructor(
    private readonly http: NemoHttp,
    home: string,
    private readonly userToken?: string,
    private readonly now: () => number = Date.now,
  ) {
    this.file = join(home, "nemo", "auth.json");
    registerSecret(userToken);
  }

  get isAnonymous(): boolean {
    return !this.userToken;
  }

  async current(signal?: AbortSignal): Promise<{ token: string; anonymous: boolean }> {
    const info = await this.info(signal);
    return { token: info.token, anonymous: info.anonymous };
  }

  async info(signal?: AbortSignal): Promise<TokenInfo> {
    if (this.userToken) return { token: this.userToken, anonymous: false };
    if (this.cached && this.isFresh(this.cached.expiresAt)) return this.cached;
    if (!this.lookup) {
      // Shared, so no one caller's cancel may fail the others: it runs without their signals.
      this.lookup = this.lookUp();
      void this.lookup.finally(() => (this.lookup = undefined)).catch(() => {});
    }
    return this.lookup;
  }

  private async lookUp(signal?: AbortSignal): Promise<TokenInfo> {
    const stored = await this.read();
    if (stored?.token && this.isFresh(stored.expires_at)) return this.remember(stored);
    return withFileLock(this.file, async () => {
      // Another process may have fetched one while we waited for the lock.
      const again = await this.read();
      if (again?.token && this.isFresh(again.expires_at)) return this.remember(again);
      return this.acquire(again?.client_id ?? (await newClientId()), signal);
    });
  }

  async renew(rejected: string, signal?: AbortSignal): Promise<void> {
    if (this.userToken) {
      throw new VideoMakerError(
        "token_rejected",
        "NemoVideo rejected the token in NEMO_TOKEN (it is invalid or has expired). Get a new token from your NemoVideo account and set NEMO_TOKEN again, or unset NEMO_TOKEN to use a free anonymous token.",
      );
    }
    this.cached = undefined;
    await withFileLock(this.file, async () => {
      const stored = await this.read();
      if (stored?.token && stored.token !== rejected && this.isFresh(stored.expires_at)) {
        this.remember(stored);
        return;
      }
      // The old client id already has its token for this week; a new id gets a new token.
      await this.acquire(await newClientId(), signal);
    });
  }

  /** Forget the anonymous token (e.g. to start over); the next call fetches a new one. */
  async forget(): Promise<void> {
    this.cached = undefined;
    await withFileLock(this.file, async () => {
      const stored = await this.read();
      if (stored) await writeJsonFileAtomic(this.file, { client_id: await newClientId() } satisfies AuthFile);
    });
  }

  private async acquire(clientId: string, signal?: AbortSignal): Promise<TokenInfo> {
    // Persist the client id first: it identifies this install even if the call fails.
    await writeJsonFileAtomic(this.file, { client_id: clientId } satisfies AuthFile);
    let data: unknown;
    try {
      data = await this.requestToken(clientId, signal);
    } catch (error) {
      if (!(error instanceof VideoMakerError) || error.code !== "rate_limited") throw error;
      // One token per client id per week: a fresh id may still get one.
      clientId = await newClientId();
      await writeJsonFileAtomic(this.file, { client_id: clientId } satisfies AuthFile);
      try {
        data = await this.requestToken(clientId, signal);
      } catch (again) {
        if (again instanceof VideoMakerError && again.code === "rate_limited") {
          throw new VideoMakerError(
            "rate_limited",
            "NemoVideo is not handing out more free tokens from this network right now (it allows a few per week). Wait a while, or create a free NemoVideo account and set NEMO_TOKEN.",
            { httpStatus: 429 },
          );
        }
        throw again;
      }
    }
    const parsed = AnonymousTokenSchema.safeParse(data);
    if (!parsed.success) {
      throw new VideoMakerError("bad_response", "NemoVideo's token answer did not contain a token.");
    }
    registerSecret(parsed.data.token);
    if (!isUsableToken(parsed.data.token)) {
      // Not saved: a stored bad token would fail every call until it expired (a week).
      const what = parsed.data.token.length > MAX_TOKEN_CHARS ? `${parsed.data.token.length} characters long` : "made of characters a token cannot have";
      throw new VideoMakerError(
        "bad_response",
        `NemoVideo handed out a token that cannot be used (it is ${what}); it was not saved. Try again in a moment; if it keeps happening, set NEMO_TOKEN to a token from your NemoVideo account.`,
      );
    }
    const now = this.now();
    const record: AuthFile = {
      client_id: clientId,
      token: parsed.data.token,
      ...(parsed.data.user_id ? { user_id: parsed.data.user_id } : {}),
      expires_at: parseExpiry(parsed.data.expires_at, parsed.data.expires_in, now),
      obtained_at: now,
    };
    await writeJsonFileAtomic(this.file, record, { holdsSecret: true });
    return this.remember(record);
  }

  private requestToken(clientId: string, signal?: AbortSignal): Promise<unknown> {
    return this.http.json({
      method: "POST",
      path: "/api/auth/anonymous-token",
      auth: false,
      headers: { "x-client-id": clientId },
      json: {},
      retryRateLimit: false,
      ...(signal ? { signal } : {}),
    });
  }

  private async read(): Promise<AuthFile | undefined> {
    const stored = await readJsonFile(this.file, AuthFileSchema);
    if (stored?.token) registerSecret(stored.token);
    // A token no request could carry (saved by an older version) is as good as none: a new one is fetched.
    if (stored?.token && !isUsableToken(stored.token)) {
      const { token: _unusable, ...rest } = stored;
      return rest;
    }
    return stored;
  }

  private remember(record: AuthFile): TokenInfo {
    const info: TokenInfo = {
      token: record.token!,
      anonymous: true,
      ...(record.user_id ? { userId: record.user_id } : {}),
      ...(record.expires_at ? { expiresAt: record.expires_at } : {}),
    };
    this.cached = info;
    return info;
  }

  private isFresh(expiresAt: number | undefined): boolean {
    return expiresAt === undefined || expiresAt - EXPIRY_MARGIN_MS > this.now();
  }
}

/** `expires_at` arrives as an ISO date, epoch seconds or epoch ms; `expires_in` as seconds. */
export function parseExpiry(expiresAt: unknown, expiresIn: unknown, now: number): number {
  if (typeof expiresAt === "number" && Number.isFinite(expiresAt)) {
    return expiresAt < 1e12 ? expiresAt * 1000 : expiresAt;
  }
  if (typeof expiresAt === "string" && expiresAt.trim()) {
    if (/^\d+$/.test(expiresAt.trim())) return parseExpiry(Number(expiresAt), undefined, now);
    const at = Date.parse(expiresAt);
    if (!Number.isNaN(at)) return at;
  }
  const seconds = typeof expiresIn === "number" ? expiresIn : Number(expiresIn);
  if (Number.isFinite(seconds) && seconds > 0) return now + seconds * 1000;
  return now + SEVEN_DAYS_MS;
}
