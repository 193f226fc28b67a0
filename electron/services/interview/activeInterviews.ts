import { z } from 'zod';
import { ConsentRecordSchema, InterviewStartResponseSchema, ShortTextSchema, UuidSchema } from '@interview-station/contracts';
import type { Logger } from '../../log';
import type { SecretStore } from '../secrets/secretStore';

/**
 * What main needs to take an interview up again after a crash or restart: `interview-start`'s
 * answer (with the session JWT), when it started here, and what the proctor entered at check-in.
 */
export const ActiveInterviewRecordSchema = z
  .object({
    start: InterviewStartResponseSchema,
    /** Local clock at start (epoch ms): the interview may not outlast its maximum from here. */
    startedAtMs: z.number().int().min(0),
    /** When it first went live (epoch ms), or null. */
    liveSinceMs: z.number().int().min(0).nullable(),
    candidateRef: ShortTextSchema,
    templateId: UuidSchema,
    consent: ConsentRecordSchema,
  })
  .strict();
export type ActiveInterviewRecord = z.infer<typeof ActiveInterviewRecordSchema>;

const StoredSchema = z.object({ version: z.literal(1), interviews: z.array(ActiveInterviewRecordSchema).max(100) }).strict();

/** The secret's name: the records hold session JWTs, so they live only where secrets do. */
const SECRET = 'active-interviews';

/**
 * The interviews in progress on this station, kept in the secret store (OS vault, safeStorage
 * files, or memory: never plain text on disk) from `interview:start` until the interview ends.
 * Writes are serialised; every write stores the whole set, so a crash leaves the last complete one.
 */
export class ActiveInterviews {
  private records = new Map<string, ActiveInterviewRecord>();
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly secrets: SecretStore,
    private readonly log: Logger,
  ) {}

  /** Reads what the last run left. An unreadable or malformed value is dropped (and said so), never half-used. */
  async load(): Promise<ActiveInterviewRecord[]> {
    let raw: string | null = null;
    try {
      raw = await this.secrets.get(SECRET);
    } catch (error) {
      this.log.warn('could not read the interviews in progress from the secret store', { error });
      return [];
    }
    if (raw === null) return [];
    let parsed: ReturnType<typeof StoredSchema.safeParse>;
    try {
      parsed = StoredSchema.safeParse(JSON.parse(raw));
    } catch {
      parsed = StoredSchema.safeParse(undefined);
    }
    if (!parsed.success) {
      this.log.warn('the stored interviews in progress are not readable; dropping them');
      await this.secrets.delete(SECRET).catch(() => undefined);
      return [];
    }
    this.records = new Map(parsed.data.interviews.map((record) => [record.start.sessionId.toLowerCase(), record]));
    return [...this.records.values()];
  }

  get(sessionId: string): ActiveInterviewRecord | undefined {
    return this.records.get(sessionId.toLowerCase());
  }

  all(): ActiveInterviewRecord[] {
    return [...this.records.values()];
  }

  async put(record: ActiveInterviewRecord): Promise<void> {
    this.records.set(record.start.sessionId.toLowerCase(), record);
    await this.persist();
  }

  /** Records the first time the interview went live (kept from then on). */
  async markLive(sessionId: string, atMs: number): Promise<void> {
    const record = this.get(sessionId);
    if (!record || record.liveSinceMs !== null) return;
    await this.put({ ...record, liveSinceMs: atMs });
  }

  async remove(sessionId: string): Promise<void> {
    if (!this.records.delete(sessionId.toLowerCase())) return;
    await this.persist();
  }

  private persist(): Promise<void> {
    const snapshot = [...this.records.values()];
    const write = async () => {
      if (snapshot.length === 0) await this.secrets.delete(SECRET);
      else await this.secrets.set(SECRET, JSON.stringify({ version: 1, interviews: snapshot }));
    };
    this.writing = this.writing.then(write, write);
    return this.writing;
  }
}
