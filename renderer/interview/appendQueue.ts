import { transcriptKeyString, type TranscriptEntryInput } from '@interview-station/contracts';
import type { AppendOutcome } from './ports';

/**
 * Final entries on their way to main's journal, sent in small batches (the hook drains it about
 * every 100 ms). An entry leaves the queue only when main says it is durable; a retryable failure
 * puts it back, a non-retryable one keeps it aside and visible: nothing is dropped silently.
 */

export const APPEND_INTERVAL_MS = 100;
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
