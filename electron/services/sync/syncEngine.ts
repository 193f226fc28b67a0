import {
  LIMITS,
  stationError,
  type StationError,
  type SyncStatus,
  type TranscriptEntry,
  type Unsubscribe,
} from '@interview-station/contracts';
import type { Logger } from '../../log';
import type { JournalStore } from '../journal/journalStore';
import { isReachable, type NetworkSignal } from '../network/networkMonitor';
import { realTimers, type Timers } from '../network/timers';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
import { PassScheduler } from './passScheduler';
import { STRIKES_TO_SET_ASIDE, SyncBacklog, type Batch } from './syncBacklog';
import { uploadBatch, type UploadOutcome } from './transcriptUploader';

/** Server-answered failures in a row after which a pass stops (the server looks down for everyone). */
const MAX_CONSECUTIVE_FAILURES = 3;

interface ServerFailure {
  readonly batch: Batch;
  readonly outcome: Extract<UploadOutcome, { kind: 'retry' }>;
}

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

/**
 * Uploads durable journal entries to `interview-transcript` and marks them synced only once the
 * server has answered that it holds them. The server's upsert on the deterministic key makes every
 * retry harmless, so anything uncertain (a lost answer, a timeout) is simply sent again.
 *
 * One pass at a time walks every session with unsynced entries in batches. No answer at all stops
 * the pass and backs off (exponential, full jitter, capped); a batch the server answered but did
 * not store waits for the next pass while the pass goes on with the others (see SyncBacklog), so
 * one session never holds up another; a refused token waits for a new sign-in; refusals that a
 * retry cannot fix set the session or the entry aside (still in the journal, still counted as
 * pending, reported in the status) and the pass moves on. While the network monitor says Supabase is unreachable nothing is
 * sent; when it comes back a pass starts at once.
 */
export class SyncEngine {
  private readonly backlog: SyncBacklog;
  private readonly scheduler: PassScheduler;
  private readonly capMs: number;
  private readonly now: () => Date;
  private readonly abort = new AbortController();
  private readonly unsubscribe: Unsubscribe;
  private batchSize: number;
  private uploading = false;
  /** Bumped by `credentialsChanged`, so a pass that got a 401 meanwhile retries instead of waiting. */
  private credentialsEpoch = 0;
  private lastSuccessAt: string | null = null;
  private lastError: StationError | null = null;
  private disposed = false;
  private lastEmitted = '';
  private publishQueued = false;

  constructor(private readonly deps: SyncEngineDeps) {
    const policy = { ...DEFAULT_BACKOFF, ...deps.backoff };
    this.capMs = policy.capMs;
    this.backlog = new SyncBacklog(deps.journals);
    this.scheduler = new PassScheduler(() => this.guardedPass(), {
      timers: deps.timers ?? realTimers,
      policy,
      random: deps.random,
      coalesceMs: deps.coalesceMs ?? 250,
      afterPass: () => this.publish(),
    });
    this.now = deps.now ?? (() => new Date());
    this.batchSize = Math.min(Math.max(1, deps.batchSize ?? LIMITS.transcriptBatch), LIMITS.transcriptBatch);
    this.unsubscribe = deps.network?.subscribe(() => this.networkChanged()) ?? (() => undefined);
  }

  /** Picks up what earlier runs left unsynced (a crash, a quit while offline) and starts a pass. */
  async start(): Promise<void> {
    try {
      const sessions = await this.backlog.load();
      this.deps.log.info('sync starting', { sessions, pending: this.backlog.pending() });
    } catch (error) {
      // An unreadable journal must not stop new entries from syncing; it stays on disk for support.
      this.deps.log.error('sync could not read the journals at start-up', { error });
      this.lastError = stationError('TRANSCRIPT_PROCESSING_FAILED', 'some saved transcripts could not be read for syncing');
    }
    this.publish();
    void this.scheduler.now();
  }

  /** TranscriptService's `onDurable` hook: a new entry is in the journal. Bursts share one request. */
  entryDurable(entry: TranscriptEntry): void {
    this.backlog.add(entry).then(
      () => {
        this.publishSoon();
        this.scheduler.soon();
      },
      (error: unknown) => this.deps.log.error('sync could not open a journal', { sessionId: entry.sessionId, error }),
    );
  }

  /**
   * A different user signed in or the token was renewed: what was refused for credentials (401,
   * 403, 404 for another tenant) is tried again now.
   */
  credentialsChanged(): void {
    this.credentialsEpoch += 1;
    this.backlog.forgetCredentialRefusals();
    this.scheduler.reset();
    void this.scheduler.now();
  }

  /** Syncs now, ignoring any backoff in progress, and resolves when the pass is over. */
  syncNow(): Promise<void> {
    this.scheduler.cancelRetry();
    return this.scheduler.now();
  }

  /** `backoff` also covers waiting for a sign-in; `lastError` (AUTHENTICATION_FAILED) tells which. */
  status(): SyncStatus {
    const state = !this.online() ? 'offline' : this.uploading ? 'syncing' : this.scheduler.retryReason ? 'backoff' : 'idle';
    const setAside = this.backlog.setAside();
    return {
      state,
      pending: this.backlog.pending(),
      lastSuccessAt: this.lastSuccessAt,
      lastError: this.lastError,
      setAside,
      setAsideReason: setAside > 0 ? this.backlog.standingError() : null,
    };
  }

  /** Stops timers, abandons an in-flight request and waits for the pass to end (before journals close). */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.unsubscribe();
    this.abort.abort();
    await this.scheduler.dispose();
  }

  private online(): boolean {
    return this.deps.network ? isReachable(this.deps.network.state()) : true;
  }

  private async guardedPass(): Promise<void> {
    try {
      await this.pass();
      this.backlog.recount();
    } catch (error) {
      // A bug, not a network problem: report it and retry later rather than stop syncing.
      this.deps.log.error('sync pass failed', { error });
      this.lastError = stationError('TRANSCRIPT_PROCESSING_FAILED', 'transcript sync failed unexpectedly; it will retry');
      this.retryLater();
    } finally {
      this.uploading = false;
    }
  }

  private async pass(): Promise<void> {
    this.backlog.beginPass();
    if (!this.online()) return;
    if (this.backlog.nextBatch(this.batchSize) === null) {
      // Nothing left to send: what is set aside (if anything) is the standing news.
      this.lastError = this.backlog.standingError() ?? this.lastError;
      return;
    }
    let epoch = this.credentialsEpoch;
    let token = await this.accessToken();
    let renewed = false;
    const failures: ServerFailure[] = [];
    let consecutiveFailures = 0;
    for (let batch = this.backlog.nextBatch(this.batchSize); batch !== null; batch = this.backlog.nextBatch(this.batchSize)) {
      if (this.disposed || !this.online()) return;
      if (token === null) return this.waitForCredentials(stationError('AUTHENTICATION_FAILED', 'sign in to sync transcripts'));
      this.uploading = true;
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
      this.uploading = false;
      if (this.disposed) return;
      if (outcome.kind === 'credentials') {
        // Someone signed in meanwhile: use their token. Otherwise supabase-js may have refreshed
        // the token: one more try with a different one, then wait rather than loop on a refusal.
        const signedInMeanwhile = epoch !== this.credentialsEpoch;
        epoch = this.credentialsEpoch;
        const fresh = renewed && !signedInMeanwhile ? null : await this.accessToken();
        if (fresh !== null && (fresh !== token || signedInMeanwhile)) {
          token = fresh;
          renewed = !signedInMeanwhile;
          continue;
        }
        return this.waitForCredentials(outcome.error);
      }
      if (outcome.kind === 'retry' && outcome.status !== null) {
        // The server answered but did not store this batch. It waits for the next pass and the
        // pass goes on with the other sessions' entries, unless the server looks down for everyone
        // or asked the station to slow down.
        failures.push({ batch, outcome });
        this.deferFailed(batch, outcome);
        consecutiveFailures += 1;
        if (consecutiveFailures >= MAX_CONSECUTIVE_FAILURES || outcome.retryAfterMs !== undefined) break;
        continue;
      }
      consecutiveFailures = 0;
      if (!(await this.settle(batch, outcome))) return;
    }
    if (failures.length > 0) {
      this.lastError = failures.at(-1)!.outcome.error;
      this.retryLater(Math.max(0, ...failures.map((f) => f.outcome.retryAfterMs ?? 0)));
      return;
    }
    this.scheduler.succeeded();
    this.lastError = this.backlog.standingError();
  }

  /** A server-answered failure: the batch is deferred; an entry that keeps failing alone is set aside. */
  private deferFailed(batch: Batch, outcome: Extract<UploadOutcome, { kind: 'retry' }>): void {
    this.deps.log.warn('transcript upload failed; deferred', { sessionId: batch.sessionId, entries: batch.entries.length, status: outcome.status, code: outcome.error.code });
    const hopeless = this.backlog.defer(batch);
    if (!hopeless) return;
    const error = stationError(
      'TRANSCRIPT_PROCESSING_FAILED',
      `the transcript service failed ${STRIKES_TO_SET_ASIDE} times to store one entry while storing others (${outcome.error.code}); it is kept on this computer`,
    );
    this.setAside({ error, status: outcome.status ?? 0 }, { sessionId: batch.sessionId, entries: 1 }, () => this.backlog.parkEntries([hopeless], error));
  }

  /** Applies one outcome; false when the pass must stop (a retry is scheduled). */
  private async settle(batch: Batch, outcome: Exclude<UploadOutcome, { kind: 'credentials' }>): Promise<boolean> {
    const { sessionId, entries } = batch;
    switch (outcome.kind) {
      case 'stored': {
        try {
          await this.backlog.markSynced(batch);
        } catch (error) {
          // The server has them; a later pass re-sends them and gets duplicates, which is harmless.
          this.deps.log.error('sync could not record synced entries', { sessionId, error });
          this.lastError = stationError('TRANSCRIPT_PROCESSING_FAILED', 'synced transcripts could not be recorded on disk');
          this.retryLater();
          return false;
        }
        this.deps.log.info('transcripts synced', { sessionId, entries: entries.length, accepted: outcome.accepted, duplicates: outcome.duplicates });
        this.lastSuccessAt = this.now().toISOString();
        this.scheduler.succeeded();
        this.publish();
        return true;
      }
      case 'retry':
        // No answer at all (a server answer is deferred in the pass): the network is the problem.
        this.deps.log.warn('transcript upload failed; will retry', { sessionId, status: outcome.status, code: outcome.error.code });
        this.lastError = outcome.error;
        // No answer at all: ask the monitor to look now, so the status says offline promptly.
        if (outcome.status === null) void this.deps.network?.checkNow();
        this.retryLater(outcome.retryAfterMs);
        return false;
      case 'too-large':
        if (entries.length > 1) {
          this.batchSize = Math.max(1, Math.floor(entries.length / 2));
          this.deps.log.warn('transcript batch too large; splitting', { sessionId, batchSize: this.batchSize });
          return true;
        }
        this.setAside(outcome, { sessionId }, () => this.backlog.parkEntries(entries, outcome.error));
        return true;
      case 'reject-session':
        this.setAside(outcome, { sessionId }, () => this.backlog.parkSession(sessionId, outcome.error));
        return true;
      case 'reject-entry': {
        // The server named the bad entry; the others in the batch go up without it.
        const named = entries[outcome.index];
        this.setAside(outcome, { sessionId, index: outcome.index }, () => this.backlog.parkEntries(named ? [named] : entries, outcome.error));
        return true;
      }
      case 'reject-batch':
        this.setAside(outcome, { sessionId, entries: entries.length }, () => this.backlog.parkEntries(entries, outcome.error));
        return true;
    }
  }

  /** Logs a refusal a retry cannot fix and sets its entries aside (kept in the journal, still pending). */
  private setAside(outcome: { error: StationError; status: number }, fields: Record<string, unknown>, park: () => void): void {
    this.deps.log.warn('transcripts set aside', { ...fields, status: outcome.status, code: outcome.error.code, field: outcome.error.field });
    park();
    this.lastError = outcome.error;
  }

  private waitForCredentials(error: StationError): void {
    this.deps.log.warn('transcript sync waits for a sign-in', { code: error.code });
    this.lastError = error;
    // Also retry slowly on our own, in case a renewed token arrives without anyone telling us.
    this.scheduler.retryIn(this.capMs, 'credentials');
  }

  private retryLater(retryAfterMs?: number): void {
    // Offline: the monitor's return to reachable starts the next pass; no timer needed.
    if (this.disposed || !this.online()) return;
    this.scheduler.failed(retryAfterMs);
  }

  private networkChanged(): void {
    if (this.disposed) return;
    // A wait for a sign-in is not about the network; any other retry is moot either way: while
    // offline nothing is sent, and a fresh network should not sit out a delay earned by the old one.
    if (this.scheduler.retryReason !== 'credentials') {
      this.scheduler.reset();
      if (this.online()) void this.scheduler.now();
    }
    this.publish();
  }

  private async accessToken(): Promise<string | null> {
    try {
      return await this.deps.getAccessToken();
    } catch (error) {
      this.deps.log.warn('access token unavailable', { error });
      return null;
    }
  }

  /**
   * Publishes on the next turn of the event loop (once for a burst of new entries): the append
   * that made an entry durable answers the renderer first, so the renderer does not handle a
   * status event (a re-render) before it learns that its entry is durable (bench/: durable in
   * the journal).
   */
  private publishSoon(): void {
    if (this.publishQueued) return;
    this.publishQueued = true;
    setImmediate(() => {
      this.publishQueued = false;
      if (!this.disposed) this.publish();
    });
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
