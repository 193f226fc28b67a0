import { mkdir, readdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { StationFailure, UuidSchema, type TranscriptEntry } from '@interview-station/contracts';
import { TranscriptJournal } from './transcriptJournal';

const JOURNAL_SUFFIX = '.journal';
const JOURNAL_FILE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.journal$/;

/**
 * The journals of every interview session, one file each in `dir`. A file name is derived only
 * from a validated session UUID, so no input ever becomes a path unchecked.
 */
export class JournalStore {
  private readonly open = new Map<string, Promise<TranscriptJournal>>();

  constructor(private readonly dir: string) {}

  /**
   * The session's journal, opened once and shared. One whose write failed (a full disk, say) is
   * closed and opened again, which drops any torn record, so later appends can succeed.
   */
  async session(sessionId: string): Promise<TranscriptJournal> {
    const id = UuidSchema.safeParse(sessionId);
    if (!id.success) throw StationFailure.of('VALIDATION_FAILED', 'sessionId must be a UUID', 'sessionId');
    const key = id.data.toLowerCase();
    const existing = this.open.get(key);
    if (existing) {
      const current = await existing.catch(() => undefined);
      if (!current?.failed) return existing;
      if (this.open.get(key) === existing) {
        this.open.delete(key);
        await current.close().catch(() => undefined);
      }
    }
    // Created and registered without an await in between, so concurrent callers share one handle.
    let journal = this.open.get(key);
    if (!journal) {
      journal = mkdir(this.dir, { recursive: true, mode: 0o700 }).then(() => TranscriptJournal.open(this.fileOf(key), key));
      journal.catch(() => this.open.delete(key));
      this.open.set(key, journal);
    }
    return journal;
  }

  /**
   * Whether the session has a journal on this machine, without creating one (unlike `session`).
   * A session this station started always has one: `interview:start` creates it.
   */
  async has(sessionId: string): Promise<boolean> {
    const id = UuidSchema.safeParse(sessionId);
    if (!id.success) return false;
    const key = id.data.toLowerCase();
    if (this.open.has(key)) return true;
    return stat(this.fileOf(key)).then(
      (info) => info.isFile(),
      () => false,
    );
  }

  /** Session ids with a journal on disk. */
  async sessionIds(): Promise<string[]> {
    const names = await readdir(this.dir).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? [] : Promise.reject(error)));
    return names.flatMap((name) => JOURNAL_FILE.exec(name)?.[1] ?? []);
  }

  /** Every session's entries not yet confirmed by the server (found at start-up after a crash). */
  async unsyncedBySession(): Promise<Map<string, TranscriptEntry[]>> {
    const result = new Map<string, TranscriptEntry[]>();
    for (const id of await this.sessionIds()) {
      const unsynced = (await this.session(id)).unsynced();
      if (unsynced.length > 0) result.set(id, unsynced);
    }
    return result;
  }

  /**
   * Retention: removes journals whose entries have all synced and that were last written more
   * than `days` ago. Journals with anything unsynced are always kept.
   */
  async removeSyncedOlderThan(days: number, now = Date.now()): Promise<string[]> {
    const removed: string[] = [];
    for (const id of await this.sessionIds()) {
      const file = this.fileOf(id);
      const { mtimeMs } = await stat(file);
      if (now - mtimeMs < days * 86_400_000) continue;
      const journal = await this.session(id);
      if (journal.unsynced().length > 0) continue;
      this.open.delete(id);
      await journal.close();
      await unlink(file);
      removed.push(id);
    }
    return removed;
  }

  async close(): Promise<void> {
    const journals = await Promise.allSettled(this.open.values());
    this.open.clear();
    await Promise.all(journals.map((j) => (j.status === 'fulfilled' ? j.value.close() : undefined)));
  }

  private fileOf(sessionId: string): string {
    return path.join(this.dir, `${sessionId}${JOURNAL_SUFFIX}`);
  }
}
