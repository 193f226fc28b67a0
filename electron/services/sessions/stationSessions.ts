import { StationFailure, UuidSchema } from '@interview-station/contracts';
import type { JournalStore } from '../journal/journalStore';

/**
 * How far back a channel recognizes a session:
 * - `run`: started (or recovered) by this station in this run; main holds its session JWT.
 * - `station`: also any session whose journal is on this machine, i.e. started here before a
 *   restart (`interview:start` creates the journal), so its transcript survives a crash.
 */
export type SessionScope = 'run' | 'station';

/**
 * The interview sessions this station may act on. The renderer names sessions by id; main acts only
 * on ids it started itself, never on an id it is merely told (another proctor's interview in the
 * same tenant is not this station's to write into or to end).
 */
export class StationSessions {
  private readonly thisRun = new Set<string>();

  constructor(private readonly journals: Pick<JournalStore, 'has' | 'session'>) {}

  /**
   * `interview:start` succeeded (or a session was recovered): this run's from now on, and this
   * station's after a restart through the journal created here and now.
   */
  async started(sessionId: string): Promise<void> {
    this.thisRun.add(normalize(sessionId));
    await this.journals.session(sessionId);
  }

  startedThisRun(sessionId: string): boolean {
    return this.thisRun.has(normalize(sessionId));
  }

  async isOurs(sessionId: string, scope: SessionScope): Promise<boolean> {
    if (this.startedThisRun(sessionId)) return true;
    return scope === 'station' && (await this.journals.has(sessionId));
  }

  /** Throws NOT_AUTHORIZED (naming `sessionId`) unless the session is this station's in `scope`. */
  async require(sessionId: string, scope: SessionScope): Promise<void> {
    if (await this.isOurs(sessionId, scope)) return;
    const which = scope === 'run' ? 'in this run' : 'on this computer';
    throw StationFailure.of('NOT_AUTHORIZED', `This station did not start interview ${sessionId} ${which}; it acts only on its own interviews.`, 'sessionId');
  }
}

function normalize(sessionId: string): string {
  return UuidSchema.safeParse(sessionId).success ? sessionId.toLowerCase() : sessionId;
}
