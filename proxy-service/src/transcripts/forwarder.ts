import {
  type ResponseClass,
  TranscriptBatchRequestSchema,
  type TranscriptEntry,
  classifyResponse,
  parseContract,
  transcriptKeyString,
} from '@interview-station/contracts';
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
  /**
   * The project's anon key: a project JWT, so the gateway's `verify_jwt` lets the request through
   * (the session JWT is signed with another secret and would be refused there).
   */
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
 * session: `Authorization: Bearer <anon key>` and `apikey` for the gateway, the session's JWT in
 * `x-session-token` for the function. The function upserts on the deterministic key, so a retry,
 * or the station delivering the same utterance first, never makes a second row. Answers are
 * classified by the contracts' `classifyResponse`: `retry` is retried with jittered backoff;
 * `signIn` and `setAside` are not (the station's journal still holds the entries).
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
    if (outcome.kind === 'ok') {
      pending.attempt = 0;
      this.options.metrics.transcriptsForwarded.inc({ outcome: 'stored' }, entries.length);
      return;
    }
    if (outcome.kind === 'retry' && pending.attempt + 1 < (this.options.maxAttempts ?? 8) && !this.closed) {
      pending.attempt += 1;
      pending.entries.unshift(...entries);
      log.warn({ attempt: pending.attempt, count: entries.length, code: outcome.error.code }, 'transcript upload failed; will retry');
      return;
    }
    this.options.metrics.transcriptsForwarded.inc({ outcome: 'dropped' }, entries.length);
    this.options.metrics.upstreamErrors.inc({ operation: 'transcript', code: outcome.error.code });
    log.error({ count: entries.length, outcome: outcome.kind, code: outcome.error.code }, 'transcript entries not stored by the token service; the station journal still holds them');
  }

  private async post(token: string, body: unknown): Promise<ResponseClass> {
    let res: Response;
    try {
      res = await fetch(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.options.anonKey ? { authorization: `Bearer ${this.options.anonKey}`, apikey: this.options.anonKey } : {}),
          'x-session-token': token,
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch {
      return classifyResponse(null);
    }
    const answer = await res.json().catch(() => undefined);
    const outcome = classifyResponse(res.status, answer);
    if (outcome.kind !== 'ok') this.options.log.warn({ status: res.status, code: outcome.error.code }, 'interview-transcript refused a batch');
    return outcome;
  }

  private backoff(attempt: number): number {
    const ceiling = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** attempt);
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }
}
