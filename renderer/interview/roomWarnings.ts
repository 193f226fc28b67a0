import type { MicrophoneChange } from './microphoneFallback';
import type { InterviewStateEvent } from './ports';
import type { TranscriptLine } from './transcriptManager';
import { GAP_TEXT } from './transcriptText';

/**
 * The room's degradation warnings (issue 14): what is affected and what happens next, for each
 * thing that can fail while the interview's audio goes on. Pure: the state the station signals
 * goes in, the sentences to show come out, most urgent first.
 */

export interface DegradationState {
  /** The live transcript: a failed candidate transcription is a marked gap (GAP_TEXT). */
  readonly lines: readonly TranscriptLine[];
  /** Hybrid mode: false while the token service's capture of the transcript (the sideband) is lost. */
  readonly sidebandConnected: boolean;
  /** False while the sync engine cannot upload transcripts (`transcript-upload` from main). */
  readonly uploadsHealthy: boolean;
  /** What became of the microphone in use, if it went away. */
  readonly microphone: MicrophoneChange | null;
}

/** What main has said about this session's transcript paths (`interview:state-changed`). */
export type MainSignals = Pick<DegradationState, 'sidebandConnected' | 'uploadsHealthy'>;

export const ALL_WELL: MainSignals = { sidebandConnected: true, uploadsHealthy: true };

/**
 * Main's signals after one event: each kind keeps its own state until main says otherwise, so a
 * later event of another kind (or another session's) never hides a problem still going on.
 */
export function signalsAfter(signals: MainSignals, event: InterviewStateEvent, sessionId: string): MainSignals {
  if (event.sessionId !== sessionId) return signals;
  if (event.kind === 'sideband') return { ...signals, sidebandConnected: event.connected };
  if (event.kind === 'transcript-upload') return { ...signals, uploadsHealthy: event.healthy };
  return signals;
}

type RoomWarningKind = 'microphone' | 'transcription' | 'sideband' | 'uploads';

export interface RoomWarning {
  readonly kind: RoomWarningKind;
  readonly text: string;
}

export function roomWarnings(state: DegradationState): RoomWarning[] {
  const warnings: RoomWarning[] = [];
  const microphone = microphoneWarning(state.microphone);
  if (microphone) warnings.push({ kind: 'microphone', text: microphone });
  if (lastCandidateTranscriptionFailed(state.lines)) {
    warnings.push({
      kind: 'transcription',
      text: "The candidate's last answer could not be transcribed. The interviewer heard it and the interview goes on; the transcript marks the gap.",
    });
  }
  if (!state.sidebandConnected) {
    warnings.push({
      kind: 'sideband',
      text: "The server's copy of the transcript is interrupted. The interview goes on; this station keeps its own transcript and uploads it.",
    });
  }
  if (!state.uploadsHealthy) {
    warnings.push({
      kind: 'uploads',
      text: 'Transcripts cannot be uploaded right now; everything is kept on this station and will upload when the connection returns. The interview goes on.',
    });
  }
  return warnings;
}

function microphoneWarning(change: MicrophoneChange | null): string | null {
  switch (change?.kind) {
    case undefined:
      return null;
    case 'switched':
      return `Microphone disconnected. Now using ${change.label}.`;
    case 'missing':
      // Not a warning beside a running interview: the room shows it paused (PausedNotice).
      return null;
    case 'resumed':
      return `Microphone connected. Now using ${change.label}; the interview goes on.`;
  }
}

/**
 * The candidate's latest finished line is a failed transcription. One that succeeds afterwards
 * clears it (transcription works again); a gap because the call ended is not a failure.
 */
function lastCandidateTranscriptionFailed(lines: readonly TranscriptLine[]): boolean {
  const last = lines.findLast((line) => line.speaker === 'candidate' && line.status !== 'partial');
  return last !== undefined && last.status === 'gap' && last.text === GAP_TEXT;
}
