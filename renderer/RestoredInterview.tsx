import { useCallback, useEffect, useState } from 'react';
import type { InterviewEndResponse, StationError } from '@interview-station/contracts';
import { EndScreen } from './EndScreen';
import type { InterviewPorts, RestorableInterview, SavedEntry } from './interview/ports';
import type { TranscriptLine } from './interview/transcriptManager';
import { GAP_TEXT } from './interview/transcriptText';
import { TranscriptLog } from './TranscriptLog';

/** The journal's entries as transcript lines (the restored view and the new call's context). */
export function linesFromJournal(entries: readonly SavedEntry[]): TranscriptLine[] {
  return entries.map((entry) => ({
    key: entry.key,
    speaker: entry.speaker,
    text: entry.text,
    status: entry.text === GAP_TEXT ? 'gap' : 'final',
    startedAt: Date.parse(entry.speechStartedAt),
  }));
}

/**
 * Asks main, whenever the station is at home, whether an interview it started was interrupted (a
 * crash, a restart, a reload) and can be taken up again.
 */
export function useRestorableInterview(ports: InterviewPorts, atHome: boolean): { restorable: RestorableInterview | null; dismiss(): void } {
  const [restorable, setRestorable] = useState<RestorableInterview | null>(null);
  useEffect(() => {
    if (!atHome) return;
    let live = true;
    void ports.activeInterview().then((result) => live && setRestorable(result.ok ? result.value : null));
    return () => {
      live = false;
    };
  }, [ports, atHome]);
  return { restorable, dismiss: useCallback(() => setRestorable(null), []) };
}

type Ending = { readonly status: 'no' } | { readonly status: 'confirm' } | { readonly status: 'ending' } | { readonly status: 'ended'; readonly result: InterviewEndResponse | null; readonly error: StationError | null };

/**
 * An interrupted interview, restored from this machine's copy: everything said so far (from the
 * journal), and the choice to continue it (a new realtime session given the transcript as context)
 * or to end it.
 */
export function RestoredInterview(props: {
  ports: InterviewPorts;
  interview: RestorableInterview;
  onContinue(history: readonly TranscriptLine[]): void;
  onDone(): void;
}) {
  const { ports, interview, onContinue, onDone } = props;
  const sessionId = interview.session.sessionId;
  const [lines, setLines] = useState<TranscriptLine[] | null>(null);
  const [loadError, setLoadError] = useState<StationError | null>(null);
  const [ending, setEnding] = useState<Ending>({ status: 'no' });

  useEffect(() => {
    let live = true;
    void ports.savedTranscript(sessionId).then((result) => {
      if (!live) return;
      if (result.ok) setLines(linesFromJournal(result.value));
      else setLoadError(result.error);
    });
    return () => {
      live = false;
    };
  }, [ports, sessionId]);

  const end = useCallback(() => {
    setEnding({ status: 'ending' });
    void ports.endInterview(sessionId, 'proctor_ended').then((result) =>
      setEnding({ status: 'ended', result: result.ok ? result.value : null, error: result.ok ? null : result.error }),
    );
  }, [ports, sessionId]);

  if (ending.status === 'ended') {
    return <EndScreen ports={ports} sessionId={sessionId} reason="proctor_ended" endError={ending.error} failure={null} onDone={onDone} />;
  }
  return (
    <section className="screen restored" aria-labelledby="restored-title">
      <h2 id="restored-title">Interview restored</h2>
      <p role="status" data-testid="restored-notice">
        {interview.restoredFrom === 'restart' ? 'The station restarted during this interview. ' : 'This page was reloaded during this interview. '}
        It has been restored from this machine&apos;s copy: everything said so far is below.
      </p>
      <dl className="facts" aria-label="Restored interview">
        <dt>Candidate</dt>
        <dd data-testid="restored-candidate">{interview.candidateRef}</dd>
        <dt>Saved on this machine</dt>
        <dd data-testid="restored-count">{lines?.length ?? '…'}</dd>
      </dl>
      {loadError && <p role="alert">The saved transcript could not be read: {loadError.message}</p>}
      {lines && <TranscriptLog lines={lines} />}
      {ending.status === 'confirm' ? (
        <div className="actions">
          <p>End this interview now? What was said so far stays saved and syncs.</p>
          <button type="button" className="primary" onClick={end}>
            End now
          </button>
          <button type="button" className="secondary" onClick={() => setEnding({ status: 'no' })}>
            Back
          </button>
        </div>
      ) : (
        <div className="actions">
          <button type="button" className="primary-large" disabled={lines === null || ending.status === 'ending'} onClick={() => lines && onContinue(lines)}>
            Continue interview
          </button>
          <button type="button" className="secondary" disabled={ending.status === 'ending'} onClick={() => setEnding({ status: 'confirm' })}>
            {ending.status === 'ending' ? 'Ending…' : 'End interview'}
          </button>
        </div>
      )}
    </section>
  );
}
