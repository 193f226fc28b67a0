import {
  LIMITS,
  stationError,
  transcriptKeyString,
  type StationError,
  type SyncStatus,
  type TranscriptEntry,
  type Unsubscribe,
} from '@interview-station/contracts';
import type { Logger } from '../../log';
import type { JournalStore } from '../journal/journalStore';
import type { TranscriptJournal } from '../journal/transcriptJournal';
import { isReachable, type NetworkSignal } from '../network/networkMonitor';
import { realTimers, type Timers } from '../network/timers';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
import { uploadBatch, type UploadOutcome } from './transcriptUploader';

/** What the sync engine is given by the host wiring. */
export interface SyncEngineDeps {
  readonly journals: Pick<JournalStore, 'session' | 'unsyncedBySession'>;
  /** The Supabase project URL; batches go to `<url>/functions/v1/interview-transcript`. */
  readonly supabaseUrl: string;
  readonly anonKey: string;
  /** The signed-in user's current access token (refreshed by the auth service), or null when signed out. */
  readonly getAccessToken: () => Promise<string | null>;
  readonly log: Logger;
  /** Told about every status change (the host forwards it as `sync:status-changed`). */
  readonly emit?: (status: SyncStatus) => void;
  /** Without one the network is assumed reachable and failures alone drive backoff. */
  readonly network?: NetworkSignal;
  readonly fetch?: typeof fetch;
  readonly backoff?: Partial<BackoffPolicy>;
  /** [0, 1), for the jitter. */
  readonly random?: () => number;
  readonly timers?: Timers;
  readonly now?: () => Date;
  /** New entries within this window go up in one request (default 250 ms). */
  readonly coalesceMs?: number;
  /** Entries per request, at most the contract's 500. */
  readonly batchSize?: number;
  readonly requestTimeoutMs?: number;
}

interface Batch {
  readonly sessionId: string;
  readonly journal: TranscriptJournal;
  readonly entries: TranscriptEntry[];
}

type PassEnd = 'done' | 'waiting';

/**
 * Uploads durable journal entries to `interview-transcript` and marks them synced only once the
 * server has answered that it holds them. The server's upsert on the deterministic key makes every
 * retry harmless, so anything uncertain (a lost answer, a timeout) is simply sent again.
 *
 * One pass at a time walks every session with unsynced entries in batches. Transient failures back
 * off (exponential, full jitter, capped); a refused token waits for a new sign-in; refusals that a
 * retry cannot fix set the session or the entry aside (still in the journal, still counted as
 * pending) and the pass moves on. While the network monitor says Supabase is unreachable nothing is
 * sent; when it comes back a pass starts at once.
 */
export class SyncEngine {
  private readonly journals = new Map<string, TranscriptJournal>();
  private readonly parkedSessions = new Map<string, StationError>();
  private readonly parkedEntries = new Set<string>();
  private parkError: StationError | null = null;
  private readonly policy: BackoffPolicy;
  private readonly timers: Timers;
  private readonly now: () => Date;
  private readonly abort = new AbortController();
  private readonly unsubscribe: Unsubscribe;
  private batchSize: number;
  private attempt = 0;
  private phase: 'idle' | 'syncing' | 'backoff' = 'idle';
  private waitingForCredentials = false;
  private lastSuccessAt: string | null = null;
  private lastError: StationError | null = null;
  private kickTimer: unknown = null;
  private retryTimer: unknown = null;
  private running: Promise<void> | null = null;
  private rerun = false;
  private disposed = false;
  private lastEmitted = '';

  constructor(private readonly deps: SyncEngineDeps) {
    this.policy = { ...DEFAULT_BACKOFF, ...deps.backoff };
    this.timers = deps.timers ?? realTimers;
    this.now = deps.now ?? (() => new Date());
    this.batchSize = Math.min(Math.max(1, deps.batchSize ?? LIMITS.transcriptBatch), LIMITS.transcriptBatch);
    this.unsubscribe = deps.network?.subscribe(() => this.networkChanged()) ?? (() => undefined);
  }

  /** Picks up what earlier runs left unsynced (a crash, a quit while offline) and starts a pass. */
  async start(): Promise<void> {
    const found = await this.deps.journals.unsyncedBySession();
    for (const sessionId of found.keys()) await this.track(sessionId);
    this.deps.log.info('sync starting', { sessions: found.size, pending: this.pending() });
    this.publish();
    this.kickNow();
  }

  /** TranscriptService's `onDurable` hook: a new entry is in the journal. Bursts share one request. */
  entryDurable(entry: TranscriptEntry): void {
    this.track(entry.sessionId).then(
      () => {
        this.publish();
        this.scheduleKick();
      },
      (error: unknown) => this.deps.log.error('sync could not open a journal', { sessionId: entry.sessionId, error }),
    );
  }

  /**
   * A different user signed in or the token was renewed: what was refused for credentials (401,
   * 403, 404 for another tenant) is tried again now.
   */
  credentialsChanged(): void {
    this.waitingForCredentials = false;
    this.parkedSessions.forEach((error, sessionId) => {
      if (error.code !== 'SESSION_ENDED') this.parkedSessions.delete(sessionId);
    });
    this.attempt = 0;
    this.clearRetry();
    this.kickNow();
  }

  /** Syncs now, ignoring any backoff in progress, and resolves when the pass is over. */
  syncNow(): Promise<void> {
    this.clearRetry();
    this.waitingForCredentials = false;
    return this.kickNow();
  }

  status(): SyncStatus {
    return {
      state: this.online() ? this.phase : 'offline',
      pending: this.pending(),
      lastSuccessAt: this.lastSuccessAt,
      lastError: this.lastError,
    };
  }

  /** Stops timers, abandons an in-flight request and waits for the pass to end (before journals close). */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.unsubscribe();
    this.abort.abort();
    if (this.kickTimer !== null) this.timers.clearTimeout(this.kickTimer);
    this.kickTimer = null;
    this.clearRetry();
    await this.running;
  }

  private async track(sessionId: string): Promise<void> {
    const journal = await this.deps.journals.session(sessionId);
    this.journals.set(journal.sessionId, journal);
  }

  private online(): boolean {
    return this.deps.network ? isReachable(this.deps.network.state()) : true;
  }

  private pending(): number {
    let count = 0;
    for (const journal of this.journals.values()) count += journal.unsynced().length;
    return count;
  }

  private scheduleKick(): void {
    // A scheduled retry picks new entries up too; kicking early would defeat the backoff.
    if (this.disposed || this.kickTimer !== null || this.retryTimer !== null || this.waitingForCredentials) return;
    this.kickTimer = this.timers.setTimeout(() => {
      this.kickTimer = null;
      void this.kickNow();
    }, this.deps.coalesceMs ?? 250);
  }

  private kickNow(): Promise<void> {
    if (this.kickTimer !== null) this.timers.clearTimeout(this.kickTimer);
    this.kickTimer = null;
    if (this.disposed) return Promise.resolve();
    if (this.running) {
      this.rerun = true;
      return this.running;
    }
    this.running = this.pass()
      .then(
        (end) => {
          if (end === 'done') this.dropSynced();
        },
        (error: unknown) => {
          // A bug, not a network problem: report it and retry later rather than stop syncing.
          this.deps.log.error('sync pass failed', { error });
          this.lastError = stationError('TRANSCRIPT_PROCESSING_FAILED', 'transcript sync failed unexpectedly; it will retry');
          this.scheduleRetry();
        },
      )
      .finally(() => {
        this.running = null;
        this.publish();
        if (this.rerun) {
          this.rerun = false;
          this.scheduleKick();
        }
      });
    return this.running;
  }

  private async pass(): Promise<PassEnd> {
    if (!this.online()) return 'waiting';
    if (this.nextBatch() === null) {
      this.phase = 'idle';
      return 'done';
    }
    let token = await this.accessToken();
    let renewed = false;
    for (let batch = this.nextBatch(); batch !== null; batch = this.nextBatch()) {
      if (this.disposed || !this.online()) {
        this.phase = 'idle';
        return 'waiting';
      }
      if (token === null) return this.waitForCredentials(stationError('AUTHENTICATION_FAILED', 'sign in to sync transcripts'));
      this.phase = 'syncing';
      this.publish();
      const outcome = await uploadBatch(
        {
          supabaseUrl: this.deps.supabaseUrl,
          anonKey: this.deps.anonKey,
          fetch: this.deps.fetch ?? fetch,
          timeoutMs: this.deps.requestTimeoutMs ?? 30_000,
          signal: this.abort.signal,
        },
        batch.sessionId,
        batch.entries,
        token,
      );
      if (this.disposed) return 'waiting';
      if (outcome.kind === 'credentials') {
        // supabase-js may have refreshed the token meanwhile: one more try with a different token,
        // then wait for a sign-in rather than loop on a refused one.
        const fresh = renewed ? null : await this.accessToken();
        if (fresh !== null && fresh !== token) {
          token = fresh;
          renewed = true;
          continue;
        }
        return this.waitForCredentials(outcome.error);
      }
      if (!(await this.settle(batch, outcome))) return 'waiting';
    }
    this.phase = 'idle';
    this.attempt = 0;
    this.lastError = this.parkError;
    return 'done';
  }

  /** Applies one outcome; false when the pass must stop (a retry is scheduled). */
  private async settle(batch: Batch, outcome: Exclude<UploadOutcome, { kind: 'credentials' }>): Promise<boolean> {
    const { sessionId, entries } = batch;
    switch (outcome.kind) {
      case 'stored':
        try {
          await batch.journal.markSynced(entries.map(transcriptKeyString));
        } catch (error) {
          // The server has them; a later pass re-sends them and gets duplicates, which is harmless.
          this.deps.log.error('sync could not record synced entries', { sessionId, error });
          this.lastError = stationError('TRANSCRIPT_PROCESSING_FAILED', 'synced transcripts could not be recorded on disk');
          this.scheduleRetry();
          return false;
        }
        this.deps.log.info('transcripts synced', { sessionId, entries: entries.length, accepted: outcome.accepted, duplicates: outcome.duplicates });
        this.lastSuccessAt = this.now().toISOString();
        this.attempt = 0;
        this.publish();
        return true;
      case 'retry':
        this.deps.log.warn('transcript upload failed; will retry', { sessionId, status: outcome.status, code: outcome.error.code });
        this.lastError = outcome.error;
        // No answer at all: ask the monitor to look now, so the status says offline promptly.
        if (outcome.status === null) void this.deps.network?.checkNow();
        this.scheduleRetry(outcome.retryAfterMs);
        return false;
      case 'reject-session':
        this.park(outcome, { sessionId });
        this.parkedSessions.set(sessionId, outcome.error);
        return true;
      case 'too-large':
        if (entries.length > 1) {
          this.batchSize = Math.max(1, Math.floor(entries.length / 2));
          this.deps.log.warn('transcript batch too large; splitting', { sessionId, batchSize: this.batchSize });
          return true;
        }
        this.park(outcome, { sessionId });
        this.parkedEntries.add(transcriptKeyString(entries[0]!));
        return true;
      case 'reject-entry': {
        const entry = entries[outcome.index];
        this.park(outcome, { sessionId, index: outcome.index, field: outcome.error.field });
        for (const e of entry ? [entry] : entries) this.parkedEntries.add(transcriptKeyString(e));
        return true;
      }
      case 'reject-batch':
        this.park(outcome, { sessionId, entries: entries.length });
        for (const e of entries) this.parkedEntries.add(transcriptKeyString(e));
        return true;
    }
  }

  /** Sets something aside: it stays in the journal (and in `pending`), and is not sent again this run. */
  private park(outcome: { error: StationError; status: number }, fields: Record<string, unknown>): void {
    this.deps.log.warn('transcripts set aside', { ...fields, status: outcome.status, code: outcome.error.code });
    this.parkError = outcome.error;
    this.lastError = outcome.error;
  }

  private waitForCredentials(error: StationError): PassEnd {
    this.deps.log.warn('transcript sync waits for a sign-in', { code: error.code });
    this.lastError = error;
    this.waitingForCredentials = true;
    // Also retry slowly on our own, in case a renewed token arrives without anyone telling us.
    this.armRetry(this.policy.capMs);
    return 'waiting';
  }

  private scheduleRetry(retryAfterMs = 0): void {
    if (this.disposed) return;
    // Offline: the monitor's return to reachable starts the next pass; no timer needed.
    if (!this.online()) {
      this.phase = 'idle';
      return;
    }
    const delay = Math.max(backoffDelay(this.attempt, this.policy, this.deps.random), retryAfterMs);
    this.attempt += 1;
    this.armRetry(delay);
  }

  private armRetry(delay: number): void {
    this.clearRetry();
    this.phase = 'backoff';
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = null;
      this.waitingForCredentials = false;
      void this.kickNow();
    }, delay);
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) this.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.phase === 'backoff') this.phase = 'idle';
  }

  private networkChanged(): void {
    if (this.disposed) return;
    if (this.online()) {
      // A fresh network: start over rather than sit out a delay earned by the old one.
      this.attempt = 0;
      if (!this.waitingForCredentials) {
        this.clearRetry();
        void this.kickNow();
      }
    } else if (!this.waitingForCredentials) {
      this.clearRetry();
    }
    this.publish();
  }

  private nextBatch(): Batch | null {
    for (const [sessionId, journal] of this.journals) {
      if (this.parkedSessions.has(sessionId)) continue;
      const entries = journal.unsynced().filter((entry) => !this.parkedEntries.has(transcriptKeyString(entry)));
      if (entries.length > 0) return { sessionId, journal, entries: entries.slice(0, this.batchSize) };
    }
    return null;
  }

  /** Fully synced sessions need no watching (and retention may then close their journals). */
  private dropSynced(): void {
    for (const [sessionId, journal] of this.journals) {
      if (journal.unsynced().length === 0) this.journals.delete(sessionId);
    }
  }

  private async accessToken(): Promise<string | null> {
    try {
      return await this.deps.getAccessToken();
    } catch (error) {
      this.deps.log.warn('access token unavailable', { error });
      return null;
    }
  }

  private publish(): void {
    const status = this.status();
    const serialized = JSON.stringify(status);
    if (serialized === this.lastEmitted) return;
    this.lastEmitted = serialized;
    try {
      this.deps.emit?.(status);
    } catch (error) {
      this.deps.log.error('sync status could not be published', { error });
    }
  }
}
