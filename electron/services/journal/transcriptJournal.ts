import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import {
  compareBySpeechStart,
  StationFailure,
  TranscriptEntrySchema,
  transcriptKeyString,
  type TranscriptEntry,
} from '@interview-station/contracts';
import { checkTextRecord, decodeFrames, encodeTextFrames } from './recordCodec';

const JournalRecordSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('entry'), entry: TranscriptEntrySchema }).strict(),
  z.object({ t: z.literal('synced'), keys: z.array(z.string().max(300)).min(1) }).strict(),
]);
type JournalRecord = z.infer<typeof JournalRecordSchema>;

/**
 * The records waiting for the next write + fsync. They share one promise (group commit: they are
 * durable together), so an append costs no promise or callback of its own for the disk.
 */
interface PendingBatch {
  readonly texts: string[];
  /** The entries among the records, added to the journal's view once the batch is durable. */
  readonly entries: (readonly [string, TranscriptEntry])[];
  readonly done: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

function pendingBatch(): PendingBatch {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { texts: [], entries: [], done, resolve, reject };
}

export interface AppendResult {
  readonly key: string;
  /** The entry was already in the journal (a replay); nothing new was written. */
  readonly duplicate: boolean;
}

/**
 * One interview session's append-only journal. Appends resolve only once their bytes are fsynced;
 * appends that arrive while a sync is under way share the next one (group commit). Opening drops a
 * torn tail left by a crash and keeps every intact record.
 */
export class TranscriptJournal {
  private readonly entries = new Map<string, TranscriptEntry>();
  private readonly synced = new Set<string>();
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Durable entries with their keys in speech order; rebuilt after an entry is added. */
  private ordered: (readonly [string, TranscriptEntry])[] | null = null;
  private next: PendingBatch | null = null;
  private flushing: Promise<void> | null = null;
  private failure: unknown = null;

  private constructor(
    readonly sessionId: string,
    private readonly file: FileHandle,
  ) {}

  /** Opens (or creates) the journal at `filePath`, truncating any torn tail. */
  static async open(filePath: string, sessionId: string): Promise<TranscriptJournal> {
    // Transcripts are personal data: readable by this user only.
    const file = await open(filePath, 'a+', 0o600);
    try {
      const data = await file.readFile();
      // A new (empty) file's name is not durable until its directory is fsynced: without this, a
      // power cut could take the whole file, and every entry acknowledged in it, away.
      if (data.length === 0) await syncDirectory(path.dirname(filePath));
      const { payloads, validBytes } = decodeFrames(data);
      if (validBytes < data.length) {
        await file.truncate(validBytes);
        await file.datasync();
      }
      const journal = new TranscriptJournal(sessionId, file);
      for (const payload of payloads) journal.apply(JournalRecordSchema.parse(JSON.parse(payload.toString('utf8'))));
      return journal;
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  /** Appends an entry and resolves once it is durable. A replayed key is not written twice. */
  async append(entry: TranscriptEntry): Promise<AppendResult> {
    const key = transcriptKeyString(entry);
    if (entry.sessionId !== this.sessionId) throw StationFailure.of('VALIDATION_FAILED', 'entry belongs to another session', 'sessionId');
    const pending = this.inFlight.get(key);
    if (pending) {
      await pending;
      return { key, duplicate: true };
    }
    if (this.entries.has(key)) return { key, duplicate: true };
    const batch = this.enqueue({ t: 'entry', entry });
    // The batch adds it to `entries` (and drops it from `inFlight`) once durable: see commit().
    batch.entries.push([key, entry]);
    this.inFlight.set(key, batch.done);
    await batch.done;
    return { key, duplicate: false };
  }

  /** Records that these entries reached the server; durable before it resolves. */
  async markSynced(keys: readonly string[]): Promise<void> {
    const fresh = keys.filter((key) => this.entries.has(key) && !this.synced.has(key));
    if (fresh.length === 0) return;
    await this.enqueue({ t: 'synced', keys: fresh }).done;
    for (const key of fresh) this.synced.add(key);
  }

  /** A write failed: nothing more may be appended to this handle (the store reopens it). */
  get failed(): boolean {
    return this.failure !== null;
  }

  /** How many entries the journal holds (durable or being written). */
  get size(): number {
    return this.entries.size + this.inFlight.size;
  }

  /** Whether an entry with this key is in the journal (or being written to it). */
  has(key: string): boolean {
    return this.entries.has(key) || this.inFlight.has(key);
  }

  /** Every durable entry, ordered by when the speech started. */
  list(): TranscriptEntry[] {
    return this.inOrder().map(([, entry]) => entry);
  }

  /** Durable entries not yet confirmed by the server, in speech order. */
  unsynced(): TranscriptEntry[] {
    return this.unsyncedFirst(Infinity);
  }

  /**
   * The first `limit` durable entries not yet confirmed by the server, in speech order, leaving
   * out those whose key `skip` names. Stops once it has `limit` (the sync engine asks for one batch
   * at a time of a backlog that may hold thousands).
   */
  unsyncedFirst(limit: number, skip?: (key: string) => boolean): TranscriptEntry[] {
    const found: TranscriptEntry[] = [];
    if (limit <= 0) return found;
    for (const [key, entry] of this.inOrder()) {
      if (this.synced.has(key) || skip?.(key)) continue;
      found.push(entry);
      if (found.length >= limit) break;
    }
    return found;
  }

  /** Sorted once per change, not on every call (a batch of the sync engine used to sort it all). */
  private inOrder(): readonly (readonly [string, TranscriptEntry])[] {
    this.ordered ??= [...this.entries].sort(([, a], [, b]) => compareBySpeechStart(a, b));
    return this.ordered;
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.file.close();
  }

  private apply(record: JournalRecord): void {
    if (record.t === 'entry') {
      const key = transcriptKeyString(record.entry);
      if (!this.entries.has(key)) {
        this.entries.set(key, record.entry);
        this.ordered = null;
      }
    } else {
      for (const key of record.keys) this.synced.add(key);
    }
  }

  /** Queues a record for the next write + fsync (starting one if none is under way); its batch. */
  private enqueue(record: JournalRecord): PendingBatch {
    if (this.failure !== null) {
      throw StationFailure.of('TRANSCRIPT_PROCESSING_FAILED', 'the transcript journal failed to write; try again');
    }
    const text = JSON.stringify(record);
    // Checked here, so a record too large fails alone, not the batch it would have joined.
    checkTextRecord(text);
    const batch = (this.next ??= pendingBatch());
    batch.texts.push(text);
    // Started a microtask later, so that records queued together (a transcript:append-batch's
    // entries, appended one after another) share one write + fsync; otherwise the first went to
    // disk alone and the others waited a whole fsync behind it.
    this.flushing ??= Promise.resolve().then(() => this.flush());
    return batch;
  }

  /** Writes everything queued in one go, fsyncs once, then acknowledges the whole batch. */
  private async flush(): Promise<void> {
    while (this.next !== null) {
      const batch = this.next;
      this.next = null;
      try {
        await writeAll(this.file, encodeTextFrames(batch.texts));
        await this.file.datasync();
        this.commit(batch);
        batch.resolve();
        // After a batch of several, let the callers just acknowledged append their next entries
        // (they do so a few promise hops later) before looking at the queue again: otherwise the
        // first of them starts a batch of one alone and the rest wait a whole fsync behind it
        // (bench/: journal burst). One entry at a time (an interview) goes straight on.
        if (batch.texts.length > 1) await new Promise<void>((resolve) => setImmediate(resolve));
      } catch (error) {
        // A failed write may leave a torn record; nothing may be appended after it until reopened.
        this.failure = error;
        for (const failed of this.next === null ? [batch] : [batch, this.next]) {
          for (const [key] of failed.entries) this.inFlight.delete(key);
          failed.reject(error);
        }
        this.next = null;
      }
    }
    this.flushing = null;
  }

  /** The batch is durable: its entries join the journal's view. */
  private commit(batch: PendingBatch): void {
    for (const [key, entry] of batch.entries) {
      this.entries.set(key, entry);
      this.inFlight.delete(key);
    }
    if (batch.entries.length > 0) this.ordered = null;
  }
}

/** Writes all of `data` at the end of the file (a short write is continued, not lost). */
async function writeAll(file: FileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await file.write(data, offset, data.length - offset);
    offset += bytesWritten;
  }
}

/** Makes a directory's entries (a file just created in it) durable. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
