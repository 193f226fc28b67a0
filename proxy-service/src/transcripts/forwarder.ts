import { TranscriptBatchRequestSchema, type TranscriptEntry, parseContract, transcriptKeyString } from '@interview-station/contracts';
import type { Logger } from '../logger';
import type { ServiceMetrics } from '../metrics';

interface Pending {
  token: string;
  entries: TranscriptEntry[];
  timer: NodeJS.Timeout | null;
  attempt: number;
  inFlight: Promise<void> | null;
}

export interface ForwarderOptions {
  /** `<supabase>/functions/v1/interview-transcript`. */
  readonly url: string;
  readonly anonKey?: string;
  readonly timeoutMs: number;
  readonly log: Logger;
  readonly metrics: ServiceMetrics;
  /** Gathers entries that arrive together into one request. */
  readonly batchDelayMs?: number;
  readonly maxAttempts?: number;
}

const RETRY_BASE_MS = 250;
const RETRY_MAX_MS = 15_000;

/**
 * Sends final transcript entries captured on the sideband to `interview-transcript`, batched per
 * session, authenticated with that session's JWT. The function upserts on the deterministic key,
 * so a retry, or the station delivering the same utterance first, never makes a second row.
 * Transient failures are retried with jittered backoff; a 4xx other than 408/429 is dropped.
 */
export class TranscriptForwarder {
  private readonly pending = new Map<string, Pending>();
  private readonly sent = new Map<string, Set<string>>();
  private closed = false;

  constructor(private readonly options: ForwarderOptions) {}

  submit(sessionId: string, token: string, entry: TranscriptEntry): void {
    if (this.closed) return;
    const key = transcriptKeyString(entry);
    const sent = this.sent.get(sessionId) ?? new Set<string>();
    this.sent.set(sessionId, sent);
    if (sent.has(key)) return;
    sent.add(key);
    const pending = this.pending.get(sessionId) ?? { token, entries: [], timer: null, attempt: 0, inFlight: null };
    pending.token = token;
    pending.entries.push(entry);
    this.pending.set(sessionId, pending);
    this.schedule(sessionId, pending, this.options.batchDelayMs ?? 50);
  }

  /** Forget a session's de-duplication state (after it ended and its entries were flushed). */
  forget(sessionId: string): void {
    if (!this.pending.has(sessionId)) this.sent.delete(sessionId);
  }

  /** Sends what is queued now and waits for it (SIGTERM, session end), up to `timeoutMs`. */
  async flushAll(timeoutMs: number): Promise<void> {
    const work = [...this.pending.keys()].map((sessionId) => this.flush(sessionId));
    await Promise.race([Promise.allSettled(work), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
  }

  close(): void {
    this.closed = true;
    for (const pending of this.pending.values()) if (pending.timer) clearTimeout(pending.timer);
    this.pending.clear();
    this.sent.clear();
  }

  private schedule(sessionId: string, pending: Pending, delayMs: number): void {
    if (pending.timer || pending.inFlight) return;
    pending.timer = setTimeout(() => {
      pending.timer = null;
      void this.flush(sessionId);
    }, delayMs);
    pending.timer.unref();
  }

  private flush(sessionId: string): Promise<void> {
    const pending = this.pending.get(sessionId);
    if (!pending) return Promise.resolve();
    if (pending.inFlight) return pending.inFlight;
    if (pending.timer) clearTimeout(pending.timer);
    pending.timer = null;
    pending.inFlight = this.send(sessionId, pending).finally(() => {
      pending.inFlight = null;
      if (pending.entries.length === 0) this.pending.delete(sessionId);
      else if (!this.closed) this.schedule(sessionId, pending, this.backoff(pending.attempt));
    });
    return pending.inFlight;
  }

  private async send(sessionId: string, pending: Pending): Promise<void> {
    const entries = pending.entries.splice(0, 500);
    const batch = parseContract(TranscriptBatchRequestSchema, { sessionId, entries }, 'transcript batch');
    const log = this.options.log.child({ sessionId });
    if (!batch.ok) {
      log.warn({ code: batch.error.code, field: batch.error.field }, 'transcript batch dropped: it does not match the contract');
      this.options.metrics.transcriptsForwarded.inc({ outcome: 'invalid' }, entries.length);
      return;
    }
    const outcome = await this.post(pending.token, batch.value);
    if (outcome === 'ok') {
      pending.attempt = 0;
      this.options.metrics.transcriptsForwarded.inc({ outcome: 'stored' }, entries.length);
      return;
    }
    if (outcome === 'retry' && pending.attempt + 1 < (this.options.maxAttempts ?? 8) && !this.closed) {
      pending.attempt += 1;
      pending.entries.unshift(...entries);
      log.warn({ attempt: pending.attempt, count: entries.length }, 'transcript upload failed; will retry');
      return;
    }
    this.options.metrics.transcriptsForwarded.inc({ outcome: 'dropped' }, entries.length);
    this.options.metrics.upstreamErrors.inc({ operation: 'transcript', code: 'TRANSCRIPT_PROCESSING_FAILED' });
    log.error({ count: entries.length, outcome }, 'transcript entries not stored by the token service; the station journal still holds them');
  }

  private async post(token: string, body: unknown): Promise<'ok' | 'retry' | 'refused'> {
    try {
      const res = await fetch(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          ...(this.options.anonKey ? { apikey: this.options.anonKey } : {}),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      await res.body?.cancel().catch(() => undefined);
      if (res.ok) return 'ok';
      this.options.log.warn({ status: res.status }, 'interview-transcript refused a batch');
      return res.status >= 500 || res.status === 408 || res.status === 429 ? 'retry' : 'refused';
    } catch {
      return 'retry';
    }
  }

  private backoff(attempt: number): number {
    const ceiling = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** attempt);
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }
}
