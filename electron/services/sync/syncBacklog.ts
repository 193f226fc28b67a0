import { transcriptKeyString, type StationError, type TranscriptEntry } from '@interview-station/contracts';
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
}

/**
 * What the sync engine still has to upload: the journals of sessions with unsynced entries, and
 * what it has set aside because the server refused it for good. Set-aside entries stay in the
 * journal and in `pending` (they are not on the server); they are just not sent again this run.
 */
export class SyncBacklog {
  private readonly sessions = new Map<string, Tracked>();
  private readonly parkedSessions = new Map<string, StationError>();
  private readonly parkedEntries = new Set<string>();
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

  /** The next entries to send: the first session not set aside with entries not set aside. */
  nextBatch(size: number): Batch | null {
    for (const [sessionId, { journal }] of this.sessions) {
      if (this.parkedSessions.has(sessionId)) continue;
      const entries = journal.unsynced().filter((entry) => !this.parkedEntries.has(transcriptKeyString(entry)));
      if (entries.length > 0) return { sessionId, entries: entries.slice(0, size) };
    }
    return null;
  }

  /** The server holds these entries: recorded durably in the journal. */
  async markSynced(batch: Batch): Promise<void> {
    const tracked = this.sessions.get(batch.sessionId);
    if (!tracked) return;
    const keys = batch.entries.map(transcriptKeyString);
    await tracked.journal.markSynced(keys);
    for (const key of keys) tracked.pending.delete(key);
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
    return this.parkedSessions.size > 0 || this.parkedEntries.size > 0 ? this.parkError : null;
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
      tracked = { journal, pending: new Set(journal.unsynced().map(transcriptKeyString)) };
      this.sessions.set(journal.sessionId, tracked);
    }
    return tracked;
  }
}
