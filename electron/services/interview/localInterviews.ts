import { mkdir, open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { EndReasonSchema, IsoDateTimeSchema, ShortTextSchema, UuidSchema, type EndReason } from '@interview-station/contracts';
import type { Logger } from '../../log';

const LocalRecordSchema = z
  .object({
    sessionId: UuidSchema,
    candidateRef: ShortTextSchema,
    startedAt: IsoDateTimeSchema,
    endedAt: IsoDateTimeSchema.nullable(),
    /** Ended on this station, `interview-end` not yet delivered: the durable end queue. */
    pendingEnd: z.object({ reason: EndReasonSchema, endedAt: IsoDateTimeSchema }).strict().nullable(),
  })
  .strict();
export type LocalInterviewRecord = z.infer<typeof LocalRecordSchema>;

const FileSchema = z.object({ version: z.literal(1), interviews: z.array(LocalRecordSchema).max(100_000) }).strict();

/**
 * This station's register of the interviews it started (`<data>/interviews.json`): who (the
 * candidate reference, never a name), when, whether it ended, and the queue of ends Supabase has
 * not been told of yet. No credentials: the session JWTs live in the secret store (ActiveInterviews).
 *
 * Every change is written to a temporary file, fsynced, renamed over the old one and the folder
 * fsynced before the call resolves, so an end queued here survives a crash or power cut.
 */
export class LocalInterviews {
  private records = new Map<string, LocalInterviewRecord>();
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: string,
    private readonly log: Logger,
  ) {}

  static async open(file: string, log: Logger): Promise<LocalInterviews> {
    const register = new LocalInterviews(file, log);
    await register.load();
    return register;
  }

  all(): LocalInterviewRecord[] {
    return [...this.records.values()];
  }

  get(sessionId: string): LocalInterviewRecord | undefined {
    return this.records.get(sessionId.toLowerCase());
  }

  /** The queued ends, oldest first. */
  pendingEnds(): { sessionId: string; reason: EndReason }[] {
    return this.all()
      .filter((record) => record.pendingEnd !== null)
      .sort((a, b) => Date.parse(a.pendingEnd!.endedAt) - Date.parse(b.pendingEnd!.endedAt))
      .map((record) => ({ sessionId: record.sessionId, reason: record.pendingEnd!.reason }));
  }

  async started(sessionId: string, candidateRef: string, startedAt: string): Promise<void> {
    const key = sessionId.toLowerCase();
    this.records.set(key, { sessionId: key, candidateRef, startedAt, endedAt: null, pendingEnd: null });
    await this.persist();
  }

  /**
   * The interview ended here: queued for `interview-end` until `delivered`. A session this register
   * did not know (started before it existed) is queued too, with what is known.
   */
  async endQueued(sessionId: string, reason: EndReason, at: Date = new Date()): Promise<void> {
    const key = sessionId.toLowerCase();
    const endedAt = at.toISOString();
    const record = this.records.get(key) ?? { sessionId: key, candidateRef: 'unknown', startedAt: endedAt, endedAt: null, pendingEnd: null };
    this.records.set(key, { ...record, endedAt: record.endedAt ?? endedAt, pendingEnd: record.pendingEnd ?? { reason, endedAt } });
    await this.persist();
  }

  /** Supabase recorded the end (or refused it for good): off the queue. */
  async delivered(sessionId: string): Promise<void> {
    const record = this.records.get(sessionId.toLowerCase());
    if (!record || record.pendingEnd === null) return;
    this.records.set(record.sessionId, { ...record, pendingEnd: null, endedAt: record.endedAt ?? new Date().toISOString() });
    await this.persist();
  }

  private async load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    try {
      const parsed = FileSchema.parse(JSON.parse(text));
      this.records = new Map(parsed.interviews.map((record) => [record.sessionId.toLowerCase(), record]));
    } catch (error) {
      // Never silently forget queued ends: keep the bad file aside for a person to look at.
      const aside = `${this.file}.unreadable-${Date.now()}`;
      await rename(this.file, aside).catch(() => undefined);
      this.log.error('the register of interviews on this station is unreadable; set aside', { file: aside, error });
    }
  }

  private persist(): Promise<void> {
    const text = `${JSON.stringify({ version: 1, interviews: this.all() })}\n`;
    const write = () => writeDurably(this.file, text);
    this.writing = this.writing.then(write, write);
    return this.writing;
  }
}

/** Temp file, fsync, rename, fsync of the folder: after it resolves the new contents survive a power cut. */
async function writeDurably(file: string, text: string): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = `${file}.tmp`;
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
  const folder = await open(dir, 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}
