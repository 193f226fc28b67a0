/**
 * How long the sync engine waits before retrying. Exponential growth keeps a struggling server
 * from being hammered; full jitter spreads many stations that lost the network together, so they
 * do not all come back in the same second; the cap keeps a long outage from delaying the first
 * upload after it by more than a few minutes.
 */
export interface BackoffPolicy {
  /** The ceiling of the first retry's delay. */
  readonly baseMs: number;
  /** No delay is ever longer than this. */
  readonly capMs: number;
  /** No delay is shorter than this, so a random 0 never turns into a hot loop. */
  readonly minMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 120_000, minMs: 250 };

/**
 * The delay before retry number `attempt` (0 for the first retry): uniformly random between
 * `minMs` and `min(capMs, baseMs * 2^attempt)` ("full jitter"). `random` returns [0, 1).
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  // 2^attempt overflows to Infinity for huge attempts; Math.min takes care of it.
  const ceiling = Math.max(policy.minMs, Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt)));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(policy.minMs + r * (ceiling - policy.minMs));
}

/** Servers may ask for a longer pause than this, but a kiosk should not sit idle for an hour. */
const MAX_RETRY_AFTER_MS = 10 * 60_000;

/**
 * A `Retry-After` header in milliseconds (delay-seconds or an HTTP date), bounded to ten
 * minutes; `undefined` when absent or unreadable.
 */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  let ms: number;
  if (/^\d+$/.test(text)) ms = Number(text) * 1000;
  else {
    const date = Date.parse(text);
    if (Number.isNaN(date)) return undefined;
    ms = date - now;
  }
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}
