import { describeDuration, formatDuration } from './interview/timing';

/** The words a paused room shows (issue 14), exactly; tests and the README quote them. */
export const PAUSED_MESSAGE = 'Connection lost. The interview will continue where it left off when the connection returns. Nothing said so far is lost.';

/**
 * The room while the network is gone: what happened, that nothing is lost, that it resumes by
 * itself, and what the proctor can do instead. `pausedFor` is seconds since the pause began.
 */
export function PausedNotice({ pausedFor }: { readonly pausedFor: number }) {
  return (
    <div role="alert" className="paused-notice">
      <p className="paused-message">{PAUSED_MESSAGE}</p>
      <p className="paused-detail">
        <span aria-label={`Paused for ${describeDuration(pausedFor)}`}>Paused for {formatDuration(pausedFor)}</span>. The station checks the connection every few
        seconds. The interview's time keeps running; the proctor can end it now, and the end is recorded when the connection returns.
      </p>
    </div>
  );
}
