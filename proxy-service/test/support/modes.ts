import type { SessionSettings, SessionSettingsSource } from '../../src/sessionSettings';
import type { SessionJwtClaims } from '@interview-station/contracts';

/**
 * Settings as a session row would give them, with the architecture per session: `hybrid` unless
 * the test marked the session `direct` (as `interview-start` records it in the row).
 */
export class ModeBySession implements SessionSettingsSource {
  private readonly directSessions = new Set<string>();

  constructor(private readonly base: Omit<SessionSettings, 'architecture'> = { model: 'gpt-realtime', voice: 'marin', instructions: 'Interview politely.', maxDurationSeconds: 600 }) {}

  /** Marks a session direct; returns its id. */
  direct(sessionId: string): string {
    this.directSessions.add(sessionId);
    return sessionId;
  }

  async settingsFor(claims: SessionJwtClaims): Promise<SessionSettings> {
    return { ...this.base, architecture: this.directSessions.has(claims.session_id) ? 'direct' : 'hybrid' };
  }

  async close(): Promise<void> {}
}
