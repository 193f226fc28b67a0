import { LIMITS, transcriptKeyString, type StationError, type TranscriptEntry } from '@interview-station/contracts';
import type { JournalStore } from '../journal/journalStore';
import type { TranscriptJournal } from '../journal/transcriptJournal';

/** Up to one request's worth of one session's unsynced entries, in speech order. */
export interface Batch {
  readonly sessionId: string;
  readonly entries: readonly TranscriptEntry[];
}

interface Tracked {
  readonly journal: TranscriptJournal;
  /** Keys of the unsynced entries: a mirror of the journal so counting costs nothing per entry. */
  pending: Set<string>;
  /** Entries per request for this session: halved when its batch fails, doubled when one goes up. */
  batchSize: number;
}

/** How an entry has fared alone, to tell an entry the server can never take from a server that is down. */
interface Suspect {
  /** Batches stored (any session) when the entry first failed. */
  readonly storedBefore: number;
  /** Times it failed as a batch of its own. */
  strikes: number;
}

/** Failures alone, with the server storing other batches since, after which an entry is set aside. */
export const STRIKES_TO_SET_ASIDE = 3;

/**
 * What the sync engine still has to upload: the journals of sessions with unsynced entries, and
 * what it has set aside because the server refused it for good. Set-aside entries stay in the
 * journal and in `pending` (they are not on the server); they are just not sent again this run.
 *
 * A batch the server fails to store (a 5xx) is deferred for the rest of the pass, its session goes
 * to the back of the queue and sends smaller batches, so one session's failing batch never holds up
 * the others; an entry that keeps failing on its own while the server stores everything else is
 * set aside like a refusal.
 */
export class SyncBacklog {
  private readonly sessions = new Map<string, Tracked>();
  private readonly parkedSessions = new Map<string, StationError>();
  private readonly parkedEntries = new Set<string>();
  private readonly deferred = new Set<string>();
  private readonly suspects = new Map<string, Suspect>();
  private storedBatches = 0;
  private parkError: StationError | null = null;

  constructor(private readonly journals: Pick<JournalStore, 'session' | 'unsyncedBySession'>) {}

  /** Tracks every session the journals hold unsynced entries for (start-up after a crash or quit). */
  async load(): Promise<number> {
    const found = await this.journals.unsyncedBySession();
    for (const sessionId of found.keys()) await this.track(sessionId);
    return found.size;
  }

  /** A new durable entry. */
  async add(entry: TranscriptEntry): Promise<void> {
    (await this.track(entry.sessionId)).pending.add(transcriptKeyString(entry));
  }

  pending(): number {
    let count = 0;
    for (const { pending } of this.sessions.values()) count += pending.size;
    return count;
  }

  /** Entries set aside (unsynced, not sent again this run): whole sessions' and single ones. */
  setAside(): number {
    let count = 0;
    for (const [sessionId, { pending }] of this.sessions) {
      if (this.parkedSessions.has(sessionId)) count += pending.size;
      else for (const key of pending) if (this.parkedEntries.has(key)) count += 1;
    }
    return count;
  }

  /** A new pass: what was deferred in the last one is tried again. */
  beginPass(): void {
    this.deferred.clear();
  }

  /**
   * The next entries to send: the first session not set aside with entries neither set aside nor
   * deferred in this pass, at most `size` (or the session's own smaller size).
   */
  nextBatch(size: number): Batch | null {
    for (const [sessionId, { journal, batchSize }] of this.sessions) {
      if (this.parkedSessions.has(sessionId)) continue;
      const entries = journal.unsyncedFirst(Math.min(size, batchSize), (key) => this.parkedEntries.has(key) || this.deferred.has(key));
      if (entries.length > 0) return { sessionId, entries };
    }
    return null;
  }

  /** The server holds these entries: recorded durably in the journal. */
  async markSynced(batch: Batch): Promise<void> {
    this.storedBatches += 1;
    const tracked = this.sessions.get(batch.sessionId);
    if (!tracked) return;
    const keys = batch.entries.map(transcriptKeyString);
    await tracked.journal.markSynced(keys);
    for (const key of keys) {
      tracked.pending.delete(key);
      this.suspects.delete(key);
    }
    tracked.batchSize = Math.min(LIMITS.transcriptBatch, tracked.batchSize * 2);
  }

  /**
   * The server failed to store the batch (and may again): it waits for the next pass, its session
   * goes to the back of the queue with half the batch size. Returns the entry to set aside when a
   * batch of one keeps failing while the server stores other batches, else null.
   */
  defer(batch: Batch): TranscriptEntry | null {
    const tracked = this.sessions.get(batch.sessionId);
    for (const entry of batch.entries) this.deferred.add(transcriptKeyString(entry));
    if (tracked) {
      tracked.batchSize = Math.max(1, Math.floor(batch.entries.length / 2));
      this.sessions.delete(batch.sessionId);
      this.sessions.set(batch.sessionId, tracked);
    }
    for (const entry of batch.entries) {
      const key = transcriptKeyString(entry);
      if (!this.suspects.has(key)) this.suspects.set(key, { storedBefore: this.storedBatches, strikes: 0 });
    }
    const [only] = batch.entries;
    if (batch.entries.length !== 1 || !only) return null;
    const suspect = this.suspects.get(transcriptKeyString(only))!;
    suspect.strikes += 1;
    return suspect.strikes >= STRIKES_TO_SET_ASIDE && this.storedBatches > suspect.storedBefore ? only : null;
  }

  parkSession(sessionId: string, error: StationError): void {
    this.parkedSessions.set(sessionId, error);
    this.parkError = error;
  }

  parkEntries(entries: readonly TranscriptEntry[], error: StationError): void {
    for (const entry of entries) this.parkedEntries.add(transcriptKeyString(entry));
    this.parkError = error;
  }

  /** The refusal to report while anything is set aside, else null. */
  standingError(): StationError | null {
    return this.setAside() > 0 ? this.parkError : null;
  }

  /**
   * Another user signed in: sessions refused as unknown (another tenant) may now be accepted. A
   * session that ended long ago stays set aside; retrying it cannot succeed.
   */
  forgetCredentialRefusals(): void {
    for (const [sessionId, error] of this.parkedSessions) {
      if (error.code !== 'SESSION_ENDED') this.parkedSessions.delete(sessionId);
    }
  }

  /** Re-reads the journals; fully synced sessions are dropped (retention may then close them). */
  recount(): void {
    for (const [sessionId, tracked] of this.sessions) {
      tracked.pending = new Set(tracked.journal.unsynced().map(transcriptKeyString));
      if (tracked.pending.size === 0) this.sessions.delete(sessionId);
    }
  }

  private async track(sessionId: string): Promise<Tracked> {
    const journal = await this.journals.session(sessionId);
    let tracked = this.sessions.get(journal.sessionId);
    if (!tracked) {
      tracked = { journal, pending: new Set(journal.unsynced().map(transcriptKeyString)), batchSize: LIMITS.transcriptBatch };
      this.sessions.set(journal.sessionId, tracked);
    }
    return tracked;
  }
}
