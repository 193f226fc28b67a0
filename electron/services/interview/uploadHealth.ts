import type { InterviewStateEvent, SyncStatus } from '@interview-station/contracts';

/** Uploads are getting through unless sync is offline or backing off after a failure. */
export function uploadsHealthy(status: SyncStatus): boolean {
  return status.state !== 'offline' && status.state !== 'backoff';
}

/**
 * Turns the sync engine's status into `transcript-upload` events for the interviews running now:
 * one when uploads start failing, one when they recover (not one per status change), and one for an
 * interview that goes live while they are failing.
 */
export class UploadHealthRelay {
  private healthy = true;

  constructor(
    private readonly activeSessions: () => readonly string[],
    private readonly emit: (event: InterviewStateEvent) => void,
  ) {}

  statusChanged(status: SyncStatus): void {
    const healthy = uploadsHealthy(status);
    if (healthy === this.healthy) return;
    this.healthy = healthy;
    for (const sessionId of this.activeSessions()) this.emit({ kind: 'transcript-upload', sessionId, healthy });
  }

  sessionLive(sessionId: string): void {
    if (!this.healthy) this.emit({ kind: 'transcript-upload', sessionId, healthy: false });
  }
}
