import { transcriptKeyString, type TranscriptEntryInput } from '@interview-station/contracts';
import type { AppendOutcome } from './ports';

/**
 * Final entries on their way to main's journal, sent in small batches, one batch in flight at a
 * time (AppendSender sends as soon as nothing is in flight). An entry leaves the queue only when
 * main says it is durable; a retryable failure puts it back, a non-retryable one keeps it aside
 * and visible: nothing is dropped silently.
 */

/** After a failed batch, how long the sender waits before sending again (no tight retry loop). */
export const APPEND_RETRY_MS = 100;
export const MAX_BATCH = 50;

export interface AppendCounts {
  /** Durable in the journal on this machine. */
  readonly stored: number;
  /** Waiting or in flight. */
  readonly pending: number;
  /** Refused for good; kept in memory and shown (with the reason). */
  readonly failed: number;
  readonly lastError: string | null;
}

export class AppendQueue {
  private queue: TranscriptEntryInput[] = [];
  private inFlight: TranscriptEntryInput[] | null = null;
  private readonly stored = new Set<string>();
  private readonly refused: TranscriptEntryInput[] = [];
  private lastError: string | null = null;

  add(entries: readonly TranscriptEntryInput[]): void {
    this.queue.push(...entries);
  }

  /** The next batch to send, or null while one is in flight or nothing waits. */
  nextBatch(max = MAX_BATCH): TranscriptEntryInput[] | null {
    if (this.inFlight || this.queue.length === 0) return null;
    this.inFlight = this.queue.splice(0, max);
    return this.inFlight;
  }

  /** Main's answer for the batch in flight. */
  settle(outcome: AppendOutcome): void {
    const batch = this.inFlight ?? [];
    this.inFlight = null;
    const failures = new Map(outcome.failed.map((f) => [f.key, f]));
    const stored = new Set(outcome.stored);
    const retry: TranscriptEntryInput[] = [];
    for (const entry of batch) {
      const key = transcriptKeyString(entry);
      const failure = failures.get(key);
      if (stored.has(key)) this.stored.add(key);
      else if (failure && !failure.retryable) this.refused.push(entry);
      else retry.push(entry);
      if (failure) this.lastError = failure.message;
    }
    // Retried entries go first so the journal still receives them roughly in order.
    this.queue = [...retry, ...this.queue];
  }

  /** The port itself threw or the bridge dropped: the whole batch is retried. */
  settleAllFailed(message: string): void {
    this.queue = [...(this.inFlight ?? []), ...this.queue];
    this.inFlight = null;
    this.lastError = message;
  }

  counts(): AppendCounts {
    return { stored: this.stored.size, pending: this.queue.length + (this.inFlight?.length ?? 0), failed: this.refused.length, lastError: this.lastError };
  }

  isIdle(): boolean {
    return this.queue.length === 0 && this.inFlight === null;
  }
}

export type SendBatch = (batch: readonly TranscriptEntryInput[]) => Promise<AppendOutcome>;

/** The timer the sender waits on before a retry (injected so tests control it). */
export interface RetryTimer {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimer: RetryTimer = { set: (callback, ms) => setTimeout(callback, ms), clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>) };

/**
 * Sends a queue's entries to main as soon as nothing is in flight: an entry added while idle goes
 * at once; entries added while a batch is in flight are coalesced and go together as soon as main
 * answers (the journal's group commit does the same with fsyncs). After a failure it waits
 * APPEND_RETRY_MS before sending again, so a failing journal is not hammered.
 */
export class AppendSender {
  private retryHandle: unknown = null;
  private waiters: (() => void)[] = [];
  private stopped = false;

  constructor(
    private readonly queue: AppendQueue,
    private readonly send: SendBatch,
    /** Told after every answer (or failure), e.g. to re-render the counts. */
    private readonly onSettled: () => void = () => undefined,
    private readonly timer: RetryTimer = realTimer,
  ) {}

  /** Adds entries and sends them at once if nothing is in flight. */
  push(entries: readonly TranscriptEntryInput[]): void {
    if (entries.length > 0) this.queue.add(entries);
    this.kick();
  }

  /** Sends the next batch, unless one is in flight, a retry is waiting, or nothing waits. */
  private kick(): void {
    if (this.stopped || this.retryHandle !== null) return;
    const batch = this.queue.nextBatch();
    if (batch) void this.deliver(batch);
  }

  /** Resolves at the next answer from main (or failure), or when stopped. */
  settled(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** No more sending (the room unmounted); what is in flight still settles. */
  stop(): void {
    this.stopped = true;
    if (this.retryHandle !== null) this.timer.clear(this.retryHandle);
    this.retryHandle = null;
    this.wake();
  }

  private async deliver(batch: readonly TranscriptEntryInput[]): Promise<void> {
    let failed: boolean;
    try {
      const outcome = await this.send(batch);
      this.queue.settle(outcome);
      failed = outcome.failed.some((failure) => failure.retryable);
    } catch (error) {
      this.queue.settleAllFailed(error instanceof Error ? error.message : String(error));
      failed = true;
    }
    this.onSettled();
    this.wake();
    if (failed && !this.stopped) {
      this.retryHandle = this.timer.set(() => {
        this.retryHandle = null;
        this.kick();
      }, APPEND_RETRY_MS);
    } else {
      this.kick();
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
