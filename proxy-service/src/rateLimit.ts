import { StationFailure } from '@interview-station/contracts';

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/**
 * Token buckets keyed by tenant or session: `perMinute` tokens refill evenly, the bucket holds at
 * most `perMinute` (the burst). Buckets left full are forgotten so memory follows active keys.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly ratePerMs: number;

  private readonly capacity: number;

  constructor(
    perMinute: number,
    private readonly now: () => number = Date.now,
    /** The burst; `perMinute` by default. */
    capacity?: number,
  ) {
    this.ratePerMs = perMinute / 60_000;
    this.capacity = capacity ?? perMinute;
  }

  /** Takes one token; returns the seconds to wait when the bucket is empty, else 0. */
  take(key: string): number {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.capacity, updatedMs: now };
    bucket.tokens = Math.min(this.capacity, bucket.tokens + (now - bucket.updatedMs) * this.ratePerMs);
    bucket.updatedMs = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.sweep(now);
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.ratePerMs / 1000));
  }

  private sweep(now: number): void {
    if (this.buckets.size < 10_000) return;
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.updatedMs) * this.ratePerMs >= this.capacity) this.buckets.delete(key);
    }
  }
}

/** A RATE_LIMITED failure that carries its Retry-After. */
export class RateLimitedFailure extends StationFailure {
  constructor(
    readonly retryAfterSeconds: number,
    message = `too many requests; retry in ${retryAfterSeconds} s`,
  ) {
    super(StationFailure.of('RATE_LIMITED', message).error);
  }
}

export interface RateLimitSettings {
  readonly tenantPerMinute: number;
  readonly sessionPerMinute: number;
  /** Ephemeral keys per session: a small burst, then a slow refill (MINT_DEFAULT when unset; the service's config sets both). */
  readonly mintBurst?: number;
  readonly mintPerMinute?: number;
}

/** Ephemeral keys per session, burst and per minute, where the settings name none. */
const MINT_DEFAULT = 3;

/** The limits every entry point checks: in this process's memory, or shared by the fleet. */
export interface Limiter {
  /** An ephemeral key: the session's tight mint bucket, then the tenant's. */
  checkMint(tenantId: string, sessionId: string): void | Promise<void>;
  /** An upgrade or an offer: the session's bucket, then the tenant's. */
  check(tenantId: string, sessionId: string): void | Promise<void>;
}

/** Takes one token from a shared bucket: 0 when granted, else the seconds to wait. */
export type SharedTake = (key: string, perMinute: number, burst: number) => Promise<number>;

/**
 * The same buckets as {@link RateLimits}, kept in the fleet's store (Postgres) so every machine
 * draws from one bucket per tenant and per session: with N machines a tenant still gets its limit
 * (the buckets are exact; nothing is cached per machine).
 */
export class FleetRateLimits implements Limiter {
  constructor(
    private readonly limits: RateLimitSettings,
    private readonly take: SharedTake,
  ) {}

  async checkMint(tenantId: string, sessionId: string): Promise<void> {
    await this.pair(['mint', sessionId, this.limits.mintPerMinute ?? MINT_DEFAULT, this.limits.mintBurst ?? MINT_DEFAULT], tenantId);
  }

  async check(tenantId: string, sessionId: string): Promise<void> {
    await this.pair(['session', sessionId, this.limits.sessionPerMinute, this.limits.sessionPerMinute], tenantId);
  }

  /** The session's bucket first: a session over its own limit spends none of its tenant's tokens. */
  private async pair([kind, sessionId, perMinute, burst]: [string, string, number, number], tenantId: string): Promise<void> {
    const wait = await this.take(`${kind}:${sessionId}`, perMinute, burst);
    if (wait > 0) throw new RateLimitedFailure(wait);
    const tenantWait = await this.take(`tenant:${tenantId}`, this.limits.tenantPerMinute, this.limits.tenantPerMinute);
    if (tenantWait > 0) throw new RateLimitedFailure(tenantWait);
  }
}

/** Per-tenant and per-session limits, checked together (both must have a token). */
export class RateLimits implements Limiter {
  private readonly tenants: TokenBuckets;
  private readonly sessions: TokenBuckets;
  private readonly mints: TokenBuckets;

  constructor(limits: RateLimitSettings, now: () => number = Date.now) {
    this.tenants = new TokenBuckets(limits.tenantPerMinute, now);
    this.sessions = new TokenBuckets(limits.sessionPerMinute, now);
    this.mints = new TokenBuckets(limits.mintPerMinute ?? MINT_DEFAULT, now, limits.mintBurst ?? MINT_DEFAULT);
  }

  /** An ephemeral key: the session's tight mint bucket, then the tenant's. */
  checkMint(tenantId: string, sessionId: string): void {
    const wait = this.mints.take(sessionId);
    if (wait > 0) throw new RateLimitedFailure(wait);
    const tenantWait = this.tenants.take(tenantId);
    if (tenantWait > 0) throw new RateLimitedFailure(tenantWait);
  }

  /** Throws RateLimitedFailure when either bucket is empty. */
  check(tenantId: string, sessionId: string): void {
    // A session over its own limit must not spend its tenant's tokens (it would starve the others).
    const sessionWait = this.sessions.take(sessionId);
    if (sessionWait > 0) throw new RateLimitedFailure(sessionWait);
    const tenantWait = this.tenants.take(tenantId);
    if (tenantWait > 0) throw new RateLimitedFailure(tenantWait);
  }
}
