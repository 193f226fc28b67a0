import { stationError, StationFailure, transcriptKeyString, type IpcOutput, type IpcParsedInput, type TranscriptEntry } from '@interview-station/contracts';
import { transcriptAsJson, transcriptAsText } from './journal/exportTranscript';
import type { JournalStore } from './journal/journalStore';

/**
 * Entries one session's journal takes from the renderer: a two-hour interview has a few thousand
 * utterances; a renderer sending far more would only fill the disk.
 */
export const MAX_ENTRIES_PER_SESSION = 20_000;

/**
 * The renderer's transcript entries: stamped as client-delivered, made durable in the session's
 * journal before `transcript:append` answers, and listed back to restore the view after a crash.
 */
export class TranscriptService {
  constructor(
    private readonly journals: JournalStore,
    private readonly now: () => Date = () => new Date(),
    /** Told about each newly durable entry (the sync engine listens here). */
    private readonly onDurable: (entry: TranscriptEntry) => void = () => undefined,
    private readonly maxEntries = MAX_ENTRIES_PER_SESSION,
  ) {}

  /** From the renderer: the station's own data channel delivered it. */
  async append(input: IpcParsedInput<'transcript:append'>): Promise<IpcOutput<'transcript:append'>> {
    const journal = await this.journals.session(input.sessionId);
    if (journal.size >= this.maxEntries && !journal.has(transcriptKeyString(input))) {
      throw StationFailure.of('PAYLOAD_TOO_LARGE', `An interview's transcript holds at most ${this.maxEntries} entries.`, 'sessionId');
    }
    return this.record({ ...input, source: 'client', receivedAt: this.now().toISOString() });
  }

  /**
   * A batch of one session's entries: appended together (one group commit makes them durable),
   * each answered on its own, so a refused entry is named and the others are still kept.
   */
  async appendBatch(input: IpcParsedInput<'transcript:append-batch'>): Promise<IpcOutput<'transcript:append-batch'>> {
    const journal = await this.journals.session(input.sessionId);
    // The session's bound is decided for the whole batch before any append: its entries are
    // appended together, so a per-entry check would see the journal's size before any of them.
    let room = this.maxEntries - journal.size;
    const admitted = new Set<string>();
    const results = await Promise.all(
      input.entries.map((entry) => {
        const key = transcriptKeyString(entry);
        if (!journal.has(key) && !admitted.has(key)) {
          if (room <= 0) {
            return { key, error: stationError('PAYLOAD_TOO_LARGE', `An interview's transcript holds at most ${this.maxEntries} entries.`, 'sessionId') };
          }
          room -= 1;
          admitted.add(key);
        }
        return this.record({ ...entry, source: 'client', receivedAt: this.now().toISOString() }).catch((error: unknown) => ({
          key,
          error: error instanceof StationFailure ? error.error : stationError('INTERNAL', 'The entry could not be kept on this computer.'),
        }));
      }),
    );
    return { results };
  }

  /**
   * Journals an entry as delivered (e.g. by the token service's sideband). The deterministic key
   * makes a second delivery of the same utterance a no-op.
   */
  async record(entry: TranscriptEntry): Promise<IpcOutput<'transcript:append'>> {
    const journal = await this.journals.session(entry.sessionId);
    const result = await journal.append(entry);
    if (!result.duplicate) this.onDurable(entry);
    return result;
  }

  async export(input: IpcParsedInput<'transcript:export'>): Promise<IpcOutput<'transcript:export'>> {
    const entries = (await this.journals.session(input.sessionId)).list();
    return input.format === 'json'
      ? { filename: `interview-${input.sessionId}.json`, mimeType: 'application/json', content: transcriptAsJson(input.sessionId, entries) }
      : { filename: `interview-${input.sessionId}.txt`, mimeType: 'text/plain', content: transcriptAsText(entries) };
  }

  async list(input: IpcParsedInput<'transcript:list'>): Promise<IpcOutput<'transcript:list'>> {
    const journal = await this.journals.session(input.sessionId);
    return { entries: journal.list(), unsynced: journal.unsynced().length };
  }
}
