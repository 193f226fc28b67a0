import { useEffect, useState } from 'react';
import type { SyncStatus } from '@interview-station/contracts';
import { station } from './station';

function describe(status: SyncStatus): string {
  if (status.pending === 0) return 'All transcripts are synced.';
  const waiting = `${status.pending} transcript ${status.pending === 1 ? 'entry is' : 'entries are'} kept on this computer`;
  if (status.state === 'offline') return `${waiting} and will sync when the network returns.`;
  if (status.state === 'syncing') return `${waiting}; syncing now.`;
  return `${waiting}; ${status.lastError ? status.lastError.message : 'syncing shortly.'}`;
}

/** How many transcript entries are waiting to reach the server, kept current by `sync.onStatusChanged`. */
export function SyncIndicator() {
  const [status, setStatus] = useState<SyncStatus | null>(null);
  useEffect(() => {
    const unsubscribe = station().sync.onStatusChanged(setStatus);
    void station()
      .sync.status()
      .then((result) => result.ok && setStatus(result.value));
    return unsubscribe;
  }, []);
  if (!status) return null;
  return (
    <p role="status" data-testid="sync-status">
      {describe(status)}
    </p>
  );
}
