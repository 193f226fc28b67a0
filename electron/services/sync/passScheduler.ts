import type { Timers } from '../network/timers';
import { backoffDelay, type BackoffPolicy } from './backoff';

/** Why a retry is waiting: a transient failure, or a token the server refused. */
export type RetryReason = 'backoff' | 'credentials';

export interface PassSchedulerOptions {
  readonly timers: Timers;
  readonly policy: BackoffPolicy;
  readonly random?: () => number;
  /** New work within this window shares one pass. */
  readonly coalesceMs: number;
  /** Called after every pass, whatever its outcome. */
  readonly afterPass: () => void;
}

/**
 * Decides when the sync engine's pass runs: never two at once; new work is coalesced over a short
 * window; once a retry is scheduled nothing but that retry (or an explicit `now`) starts a pass, so
 * a stream of new entries cannot defeat the backoff. `now` during a pass queues one more pass.
 */
export class PassScheduler {
  private attempt = 0;
  private kickTimer: unknown = null;
  private retryTimer: unknown = null;
  private reason: RetryReason | null = null;
  private running: Promise<void> | null = null;
  private rerun = false;
  private disposed = false;

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly options: PassSchedulerOptions,
  ) {}

  /** What a scheduled retry waits for, or null when none is scheduled. */
  get retryReason(): RetryReason | null {
    return this.reason;
  }

  /** New work: a pass within the coalescing window (unless a retry is already due to pick it up). */
  soon(): void {
    if (this.disposed || this.kickTimer !== null || this.reason !== null) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.kickTimer = this.options.timers.setTimeout(() => {
      this.kickTimer = null;
      void this.now();
    }, this.options.coalesceMs);
  }

  /** A pass at once (or right after the one under way); resolves when the pass it joined ends. */
  now(): Promise<void> {
    this.clearKick();
    if (this.disposed) return Promise.resolve();
    if (this.running) {
      this.rerun = true;
      return this.running;
    }
    this.running = this.pass().finally(() => {
      this.running = null;
      this.options.afterPass();
      if (this.rerun) {
        this.rerun = false;
        // Not after a failure: the scheduled retry decides when to try again.
        if (this.reason === null) void this.now();
      }
    });
    return this.running;
  }

  /** A transient failure: retry after the next backoff delay, or later if the server asked. */
  failed(retryAfterMs = 0): void {
    const delay = Math.max(backoffDelay(this.attempt, this.options.policy, this.options.random), retryAfterMs);
    this.attempt += 1;
    this.retryIn(delay, 'backoff');
  }

  /** A request got through: the next failure starts from the shortest delay again. */
  succeeded(): void {
    this.attempt = 0;
  }

  retryIn(delayMs: number, reason: RetryReason): void {
    if (this.disposed) return;
    this.cancelRetry();
    this.reason = reason;
    this.retryTimer = this.options.timers.setTimeout(() => {
      this.retryTimer = null;
      this.reason = null;
      void this.now();
    }, delayMs);
  }

  /** Drops a scheduled retry and the backoff earned so far (a new network, a new sign-in). */
  reset(): void {
    this.cancelRetry();
    this.attempt = 0;
  }

  cancelRetry(): void {
    if (this.retryTimer !== null) this.options.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.reason = null;
  }

  /** Stops every timer and waits for a pass under way to end. */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.clearKick();
    this.cancelRetry();
    await this.running;
  }

  private clearKick(): void {
    if (this.kickTimer !== null) this.options.timers.clearTimeout(this.kickTimer);
    this.kickTimer = null;
  }
}
