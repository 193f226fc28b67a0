import type { Timers } from '../network/timers';
import { realTimers } from '../network/timers';

/** How long before the limit the interview is warned (issue 10: "a warning two minutes before"). */
export const WARNING_BEFORE_END_SECONDS = 120;

export interface InterviewTimeLimitsDeps {
  /** The interview has `remainingSeconds` left (sent once, two minutes before the limit). */
  readonly warn: (sessionId: string, remainingSeconds: number) => void;
  /** The limit is reached: the interview must end now. */
  readonly expire: (sessionId: string) => void;
  readonly timers?: Timers;
}

/**
 * Main's own clock on each live interview: whatever the renderer does, a warning two minutes before
 * the limit and then the end. Armed once per session (a reconnect does not restart the clock).
 */
export class InterviewTimeLimits {
  private readonly armed = new Map<string, unknown[]>();
  private readonly timers: Timers;

  constructor(private readonly deps: InterviewTimeLimitsDeps) {
    this.timers = deps.timers ?? realTimers;
  }

  /** Starts the session's clock at `limitSeconds`; a session already armed keeps its clock. */
  arm(sessionId: string, limitSeconds: number): void {
    if (this.armed.has(sessionId)) return;
    const handles: unknown[] = [];
    if (limitSeconds > WARNING_BEFORE_END_SECONDS) {
      handles.push(this.timers.setTimeout(() => this.deps.warn(sessionId, WARNING_BEFORE_END_SECONDS), (limitSeconds - WARNING_BEFORE_END_SECONDS) * 1000));
    }
    handles.push(
      this.timers.setTimeout(() => {
        this.armed.delete(sessionId);
        this.deps.expire(sessionId);
      }, limitSeconds * 1000),
    );
    this.armed.set(sessionId, handles);
  }

  isArmed(sessionId: string): boolean {
    return this.armed.has(sessionId);
  }

  disarm(sessionId: string): void {
    for (const handle of this.armed.get(sessionId) ?? []) this.timers.clearTimeout(handle);
    this.armed.delete(sessionId);
  }

  dispose(): void {
    for (const sessionId of [...this.armed.keys()]) this.disarm(sessionId);
  }
}
