import { useEffect, useState } from 'react';
import type { EndReason, StationError } from '@interview-station/contracts';
import type { InterviewPorts, TranscriptCounts } from './interview/ports';

const REASON: Record<EndReason, string> = {
  completed: 'The interview is complete.',
  candidate_left: 'The interview was ended early.',
  proctor_ended: 'The interview was ended by the proctor.',
  max_duration: 'The interview reached its time limit.',
  connection_lost: 'The connection was lost.',
  error: 'The interview stopped because of an error.',
};

/** Counts for one session, refreshed whenever the sync status changes. */
function useSessionCounts(ports: InterviewPorts, sessionId: string | null): TranscriptCounts | null {
  const [counts, setCounts] = useState<TranscriptCounts | null>(null);
  useEffect(() => {
    if (!sessionId) return;
    let live = true;
    const refresh = () => void ports.transcriptCounts(sessionId).then((result) => live && result.ok && setCounts(result.value));
    const unsubscribe = ports.onSyncStatusChanged(refresh);
    refresh();
    return () => {
      live = false;
      unsubscribe();
    };
  }, [ports, sessionId]);
  return counts;
}

export interface EndScreenProps {
  readonly ports: InterviewPorts;
  readonly sessionId: string | null;
  readonly reason: EndReason | null;
  readonly endError: StationError | null;
  /** Set when the interview failed instead of ending. */
  readonly failure: StationError | null;
  onDone(): void;
}

/** "Interview ended": why, and how many entries are saved on this machine and synced. */
export function EndScreen({ ports, sessionId, reason, endError, failure, onDone }: EndScreenProps) {
  const counts = useSessionCounts(ports, sessionId);
  return (
    <section className="screen end" aria-labelledby="end-title">
      <h2 id="end-title">{failure ? 'The interview could not continue' : 'Interview ended'}</h2>
      {failure ? <p role="alert">{failure.message}</p> : reason && <p>{REASON[reason]}</p>}
      {endError && <p role="alert">The server has not confirmed the end yet ({endError.message}); the transcript is safe on this machine.</p>}
      {counts ? (
        <dl className="facts" aria-label="Transcript entries">
          <dt>Saved on this machine</dt>
          <dd data-testid="entries-saved">{counts.saved}</dd>
          <dt>Synced</dt>
          <dd data-testid="entries-synced">{counts.saved - counts.unsynced}</dd>
        </dl>
      ) : (
        sessionId && <p role="status">Counting the transcript entries…</p>
      )}
      {counts && counts.unsynced > 0 && <p>{counts.unsynced} entries will sync as soon as the network allows; nothing more needs doing.</p>}
      <button type="button" onClick={onDone} autoFocus>
        Back to station home
      </button>
    </section>
  );
}
