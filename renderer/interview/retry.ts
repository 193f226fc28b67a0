import { StationFailure, stationError, type StationError } from '@interview-station/contracts';

/**
 * One retry policy for the renderer's connection attempts: 3 attempts, exponential backoff with
 * jitter. Sleep, randomness and cancellation are injected so the policy is tested without timers.
 */
export interface RetryPolicy {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const CONNECT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 500, maxDelayMs: 8_000 };

/**
 * Delay before attempt `attempt + 1` (attempt counts from 1): base·2^(attempt−1), capped, then
 * "equal jitter" (half fixed, half random) so stations that dropped together do not retry in
 * lockstep, yet never retry immediately.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export interface RetryDeps {
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  /** Stop retrying (the person pressed End, the component unmounted). */
  readonly cancelled: () => boolean;
  /** Told before each attempt, e.g. to show "Reconnecting (attempt 2 of 3)". */
  readonly onAttempt?: (attempt: number) => void;
  /**
   * Asked after a failed attempt that would be retried: true gives up at once (e.g. the network is
   * known to be gone, so the remaining attempts could only fail and use up the session's allowance).
   */
  readonly giveUp?: (error: StationError) => Promise<boolean>;
}

/** The typed error a thrown value stands for; anything untyped is a connection failure. */
export function toStationError(error: unknown): StationError {
  if (error instanceof StationFailure) return error.error;
  return stationError('WEBRTC_CONNECTION_FAILED', error instanceof Error ? error.message : String(error));
}

/**
 * The recovery map (the reference design's): what a failed connection attempt calls for.
 * - `retry-with-backoff`: the SDP exchange or a service on the way failed (5xx, 429, offline): the
 *   same kind of attempt again after exponential backoff with jitter;
 * - `new-session`: the WebRTC connection itself failed or dropped: a new realtime session (a new
 *   offer, a new call; the room gives it the transcript so far), after backoff;
 * - `refresh-and-retry`: authentication failed (an ephemeral key expired before it started the
 *   call): the next attempt gets fresh credentials (each attempt mints its own key) at once;
 * - `stop`: retrying cannot help (the session ended, the input was refused).
 */
export type Recovery = 'retry-with-backoff' | 'new-session' | 'refresh-and-retry' | 'stop';

export function recoveryFor(error: StationError): Recovery {
  switch (error.code) {
    case 'WEBRTC_CONNECTION_FAILED':
      return 'new-session';
    case 'AUTHENTICATION_FAILED':
      return 'refresh-and-retry';
    case 'SDP_EXCHANGE_FAILED':
      return 'retry-with-backoff';
    default:
      return error.retryable ? 'retry-with-backoff' : 'stop';
  }
}

/**
 * Whether a connection failure can be the network being gone (a service unreachable, a call that
 * dropped or could not be made): the interview pauses and waits for the network instead of failing.
 * Refused credentials and sessions that ended stay failures: waiting cannot fix them.
 */
export function isOutage(error: StationError): boolean {
  const recovery = recoveryFor(error);
  return recovery === 'retry-with-backoff' || recovery === 'new-session';
}

/**
 * Runs `operation` until it succeeds, a non-retryable error occurs, the attempts run out or the
 * caller cancels. Throws the last error as a StationFailure.
 */
export async function withRetry<T>(operation: (attempt: number) => Promise<T>, policy: RetryPolicy, deps: RetryDeps): Promise<T> {
  // Cancelled before any attempt: the interview is over, not the connection broken.
  let last: StationError = stationError('SESSION_ENDED', 'The connection attempt was cancelled.');
  for (let attempt = 1; attempt <= policy.attempts; attempt += 1) {
    if (deps.cancelled()) break;
    deps.onAttempt?.(attempt);
    try {
      return await operation(attempt);
    } catch (error) {
      last = toStationError(error);
      const recovery = recoveryFor(last);
      if (recovery === 'stop' || attempt === policy.attempts || deps.cancelled()) break;
      if (deps.giveUp && (await deps.giveUp(last))) break;
      // Fresh credentials need no wait (the next attempt mints them); everything else backs off.
      if (recovery !== 'refresh-and-retry') await deps.sleep(backoffDelay(attempt, policy, deps.random));
    }
  }
  throw new StationFailure(last);
}
