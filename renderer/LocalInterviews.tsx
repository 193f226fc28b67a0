import { useCallback, useEffect, useState } from 'react';
import type { StationError } from '@interview-station/contracts';
import type { InterviewPorts, LocalInterview } from './interview/ports';

function when(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : '—';
}

/** Saves an export as a file the browser (or Electron) downloads. */
function download(filename: string, mimeType: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function state(interview: LocalInterview): string {
  if (interview.active) return 'In progress (can be restored)';
  if (interview.endPending) return 'Ended here; the server will be told when it is reachable';
  return interview.endedAt ? 'Ended' : 'Not recorded as ended here';
}

/**
 * "Interviews on this station", for the proctor or recruiter: every interview held on this machine,
 * how many entries are saved here and how many have synced, and export (JSON, text).
 */
export function LocalInterviews({ ports, onBack }: { ports: InterviewPorts; onBack(): void }) {
  const [interviews, setInterviews] = useState<readonly LocalInterview[] | null>(null);
  const [error, setError] = useState<StationError | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const refresh = () =>
      void ports.listLocalInterviews().then((result) => {
        if (!live) return;
        if (result.ok) setInterviews(result.value);
        else setError(result.error);
      });
    const unsubscribe = ports.onSyncStatusChanged(refresh);
    refresh();
    return () => {
      live = false;
      unsubscribe();
    };
  }, [ports]);

  const exportAs = useCallback(
    (sessionId: string, format: 'json' | 'text') =>
      void ports.exportTranscript(sessionId, format).then((result) => {
        if (!result.ok) return setExportError(result.error.message);
        setExportError(null);
        download(result.value.filename, result.value.mimeType, result.value.content);
      }),
    [ports],
  );

  return (
    <section className="screen local-interviews" aria-labelledby="local-title">
      <h2 id="local-title">Interviews on this station</h2>
      {error && <p role="alert">The list could not be read: {error.message}</p>}
      {exportError && <p role="alert">The export failed: {exportError}</p>}
      {interviews === null && !error && <p role="status">Reading the interviews kept on this machine…</p>}
      {interviews?.length === 0 && <p>No interview has been held on this station yet.</p>}
      {interviews && interviews.length > 0 && (
        <table aria-label="Interviews on this station">
          <thead>
            <tr>
              <th scope="col">Candidate</th>
              <th scope="col">Started</th>
              <th scope="col">State</th>
              <th scope="col">Saved here</th>
              <th scope="col">Synced</th>
              <th scope="col">Export</th>
            </tr>
          </thead>
          <tbody>
            {interviews.map((interview) => (
              <tr key={interview.sessionId} data-session-id={interview.sessionId}>
                <td>{interview.candidateRef ?? <span title={interview.sessionId}>Unknown ({interview.sessionId.slice(0, 8)})</span>}</td>
                <td>{when(interview.startedAt)}</td>
                <td>{state(interview)}</td>
                <td data-testid="local-saved">{interview.saved}</td>
                <td data-testid="local-synced">{interview.saved - interview.unsynced}</td>
                <td>
                  <button type="button" className="secondary" onClick={() => exportAs(interview.sessionId, 'json')}>
                    JSON
                  </button>{' '}
                  <button type="button" className="secondary" onClick={() => exportAs(interview.sessionId, 'text')}>
                    Text
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <button type="button" onClick={onBack}>
        Back to station home
      </button>
    </section>
  );
}
