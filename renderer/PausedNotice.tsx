import { describeDuration, formatDuration } from './interview/timing';

/** The words a room paused by the network shows (issue 14), exactly; tests and the README quote them. */
export const PAUSED_MESSAGE = 'Connection lost. The interview will continue where it left off when the connection returns. Nothing said so far is lost.';

/** The words a room paused for a microphone shows: no allowed microphone is connected. */
export const MICROPHONE_PAUSED_MESSAGE =
  'Microphone disconnected. The interview is paused until a microphone is connected, then continues where it left off. Nothing said so far is lost.';

/**
 * Why the room is paused. `network`: the call is gone and the station waits for its services
 * (`seconds` since the pause began). `microphone`: the call stays up, but no allowed microphone
 * is connected, so the interviewer cannot hear the candidate until one is.
 */
export type RoomPause = { readonly cause: 'network'; readonly seconds: number } | { readonly cause: 'microphone' };

/** The paused room: what happened, that nothing is lost, how it resumes, and what the proctor can do instead. */
export function PausedNotice({ pause }: { readonly pause: RoomPause }) {
  if (pause.cause === 'microphone') {
    return (
      <div role="alert" className="paused-notice">
        <p className="paused-message">{MICROPHONE_PAUSED_MESSAGE}</p>
        <p className="paused-detail">
          The interviewer cannot hear the candidate until then. An allowed microphone is used as soon as it is plugged in. The interview's time keeps running;
          the proctor can end it now.
        </p>
      </div>
    );
  }
  return (
    <div role="alert" className="paused-notice">
      <p className="paused-message">{PAUSED_MESSAGE}</p>
      <p className="paused-detail">
        <span aria-label={`Paused for ${describeDuration(pause.seconds)}`}>Paused for {formatDuration(pause.seconds)}</span>. The station checks the connection every
        few seconds. The interview's time keeps running; the proctor can end it now, and the end is recorded when the connection returns.
      </p>
    </div>
  );
}
