import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from './openaiErrors';
import type { RealtimeSession } from './session';

/** An ephemeral client secret: it can start calls until `expiresAtMs`; calls outlive it. */
interface EphemeralKey {
  readonly session: RealtimeSession;
  expiresAtMs: number;
}

/** A short, one-way reference for logs: lets a person correlate lines without ever seeing a key. */
export function keyRef(key: string): string {
  return `key#${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
}

export function bearerOf(headers: IncomingHttpHeaders): string | null {
  const header = headers.authorization;
  const match = typeof header === 'string' ? /^Bearer ([\x21-\x7e]{1,512})$/.exec(header) : null;
  return match?.[1] ?? null;
}

/** Holds the standard key and every minted `ek_` key (in memory: the simulator is per process). */
export class KeyStore {
  private readonly ephemeral = new Map<string, EphemeralKey>();

  constructor(
    readonly apiKey: string,
    private readonly now: () => number = Date.now,
  ) {}

  isStandardKey(candidate: string | null): boolean {
    if (candidate === null) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(this.apiKey);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** Throws the 401 OpenAI answers unless the request carries the standard key. */
  requireStandardKey(headers: IncomingHttpHeaders): void {
    const bearer = bearerOf(headers);
    if (bearer === null) throw ApiError.invalidKey("You didn't provide an API key. Use 'Authorization: Bearer <key>'.");
    if (!this.isStandardKey(bearer)) throw ApiError.invalidKey();
  }

  mint(session: RealtimeSession, lifetimeMs: number): { value: string; expiresAtMs: number } {
    const value = `ek_${randomBytes(24).toString('hex')}`;
    const expiresAtMs = this.now() + lifetimeMs;
    this.ephemeral.set(value, { session, expiresAtMs });
    this.sweep();
    return { value, expiresAtMs };
  }

  /** The session a valid, unexpired `ek_` key was minted with; a 401 otherwise. */
  sessionFor(key: string | null): RealtimeSession {
    if (key === null) throw ApiError.invalidKey("You didn't provide an API key. Use 'Authorization: Bearer ek_...'.");
    const entry = this.ephemeral.get(key);
    if (!entry) throw ApiError.invalidKey();
    if (entry.expiresAtMs <= this.now()) throw ApiError.invalidKey('The ephemeral key has expired.');
    return entry.session;
  }

  /** Fault injection: every key minted so far stops working now. */
  expireAll(): number {
    const now = this.now();
    for (const entry of this.ephemeral.values()) entry.expiresAtMs = Math.min(entry.expiresAtMs, now);
    return this.ephemeral.size;
  }

  private sweep(): void {
    // Expired keys are kept a minute so a late call gets "expired" rather than "incorrect".
    const cutoff = this.now() - 60_000;
    for (const [key, entry] of this.ephemeral) if (entry.expiresAtMs < cutoff) this.ephemeral.delete(key);
  }
}

/** A sliding one-minute window per credential: the simulator's 429. */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly perMinute: number | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  check(credential: string): void {
    if (this.perMinute === undefined) return;
    const id = createHash('sha256').update(credential).digest('hex');
    const since = this.now() - 60_000;
    const recent = (this.hits.get(id) ?? []).filter((t) => t > since);
    if (recent.length >= this.perMinute) {
      this.hits.set(id, recent);
      throw ApiError.rateLimited(Math.max(1, Math.ceil(((recent[0] ?? since) - since) / 1000)));
    }
    recent.push(this.now());
    this.hits.set(id, recent);
  }
}
