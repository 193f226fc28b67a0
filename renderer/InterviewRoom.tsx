import { useState } from 'react';
import type { AppendCounts } from './interview/appendQueue';
import { connectionLabel, type ConnectionStatus } from './interview/connectionState';
import type { InterviewState } from './interview/interviewMachine';
import { describeDuration, formatDuration, type InterviewClock } from './interview/timing';
import type { TranscriptLine } from './interview/transcriptManager';
import { PausedNotice, type RoomPause } from './PausedNotice';
import { TranscriptLog } from './TranscriptLog';

export interface InterviewRoomProps {
  readonly status: InterviewState['status'];
  readonly connection: ConnectionStatus;
  readonly attempt: number | null;
  /** Paused (the network is gone, or no microphone is connected): why; null otherwise. */
  readonly pause: RoomPause | null;
  readonly lines: readonly TranscriptLine[];
  readonly interviewerSpeaking: boolean;
  readonly clock: InterviewClock;
  readonly counts: AppendCounts;
  readonly muted: boolean;
  /** Warnings that say what happens next (provider errors, main's notices). */
  readonly notices: readonly string[];
  onMute(muted: boolean): void;
  onEnd(): void;
}

/** The interview room: status, who is speaking, the live transcript, time, mute and end. */
export function InterviewRoom(props: InterviewRoomProps) {
  const { status, connection, attempt, pause, lines, interviewerSpeaking, clock, counts, muted, notices } = props;
  const [confirming, setConfirming] = useState(false);
  const ending = status === 'ending';
  const word = ending ? 'Ending' : pause ? 'Paused' : status === 'reconnecting' ? 'Reconnecting' : status === 'live' ? 'Live' : connectionLabel(connection === 'connected' ? 'connecting' : connection);

  return (
    <section className="screen room" aria-labelledby="room-title">
      <h2 id="room-title" className="visually-hidden">
        Interview room
      </h2>
      <div className="room-bar">
        <p role="status" className={`room-status room-${pause ? 'paused' : status}`}>
          {word}
          {status === 'reconnecting' && attempt !== null && ` (attempt ${attempt} of 3). The conversation so far is kept and continues when the call is back.`}
          {ending && ': saving the transcript…'}
        </p>
        <p className={`speaking ${interviewerSpeaking ? 'speaking-on' : ''}`} aria-live="polite">
          {interviewerSpeaking ? 'The interviewer is speaking' : 'The interviewer is listening'}
        </p>
        <p className="times">
          <span aria-label={`Elapsed ${describeDuration(clock.elapsedSeconds)}`}>Elapsed {formatDuration(clock.elapsedSeconds)}</span>
          <span aria-label={`Remaining ${describeDuration(clock.remainingSeconds)}`}>Remaining {formatDuration(clock.remainingSeconds)}</span>
        </p>
      </div>
      {pause && <PausedNotice pause={pause} />}
      {clock.warning && (
        <p role="alert" className="warning">
          About {Math.ceil(clock.remainingSeconds / 60)} minute{clock.remainingSeconds > 60 ? 's' : ''} left: the interview ends by itself when the time is up, and the transcript is saved.
        </p>
      )}
      {notices.map((notice) => (
        <p key={notice} role="alert" className="warning">
          {notice}
        </p>
      ))}
      <TranscriptLog lines={lines} />
      <p className="note">
        The transcript is made by a separate speech-to-text model and may differ from what the interviewer understood.
        {counts.pending > 0 && ` ${counts.pending} entr${counts.pending === 1 ? 'y is' : 'ies are'} being saved.`}
        {counts.failed > 0 && ` ${counts.failed} could not be saved on this machine (${counts.lastError ?? 'refused'}); please tell the proctor.`}
      </p>
      <div className="actions">
        <button type="button" className="secondary" onClick={() => props.onMute(!muted)} disabled={ending} aria-pressed={muted}>
          {muted ? 'Unmute' : 'Mute'}
        </button>
        {!confirming ? (
          <button type="button" className="danger" onClick={() => setConfirming(true)} disabled={ending}>
            End interview
          </button>
        ) : (
          <span className="confirm" role="group" aria-label="Confirm the end">
            <span>End the interview now? It cannot be resumed.</span>
            <button type="button" className="danger" onClick={props.onEnd} autoFocus disabled={ending}>
              End now
            </button>
            <button type="button" className="secondary" onClick={() => setConfirming(false)} disabled={ending}>
              Keep going
            </button>
          </span>
        )}
      </div>
    </section>
  );
}
