/**
 * Rollover before the provider's session cap (REALTIME.md §6: OpenAI ends a realtime session at
 * 60 minutes with `error`/`session_expired`; there is no resumption). Before the cap the station
 * moves the interview to a new realtime session, given the transcript so far as text
 * (continuity.ts), at a turn boundary: the interviewer has finished speaking, the candidate is not
 * speaking, no reply is being prepared and no candidate transcript is still on its way. Pure: the
 * room's hook feeds events and the clock in and acts on the answer.
 */

/** When, within one realtime session, a rollover may happen and when it must. */
export interface RolloverWindow {
  /** From this call age on, roll over at the first turn boundary. */
  readonly earliestMs: number;
  /** At this call age, roll over whatever is happening (the cap is close). */
  readonly latestMs: number;
}

/**
 * The window for a session cap of `limitSeconds`: it opens 5 minutes before the cap (a third of
 * the cap for short caps: 20 s into a 30 s session) and closes 15 s before it (a tenth of the cap
 * for short ones), leaving time to connect the new session before the old one is cut.
 */
export function rolloverWindow(limitSeconds: number): RolloverWindow {
  const limitMs = limitSeconds * 1000;
  return {
    earliestMs: limitMs - Math.min(300_000, limitMs / 3),
    latestMs: limitMs - Math.min(15_000, limitMs / 10),
  };
}

export type RolloverDecision = 'wait' | 'at-boundary' | 'forced';

/** Whether a call `callAgeMs` old should roll over now. */
export function rolloverDecision(callAgeMs: number, limitSeconds: number, atTurnBoundary: boolean): RolloverDecision {
  const window = rolloverWindow(limitSeconds);
  if (callAgeMs >= window.latestMs) return 'forced';
  if (callAgeMs >= window.earliestMs && atTurnBoundary) return 'at-boundary';
  return 'wait';
}

/** A reply or a transcript that never comes does not block a boundary forever. */
export const TURN_STALE_MS = 8_000;

/**
 * Who holds the floor on the current call, from its `oai-events`. `atBoundary(now)` is true only
 * when nobody is speaking or about to: a rollover then costs the candidate a short pause at most.
 */
export class TurnTracker {
  private candidateSpeaking = false;
  private interviewerAudio = false;
  private responseActive = false;
  /** The candidate's turn ended at this time and the interviewer has not started its reply yet. */
  private awaitingReplySince: number | null = null;
  /** Candidate items whose final transcript has not arrived yet, with when their turn ended. */
  private readonly pendingTranscripts = new Map<string, number>();

  /** A new call: nothing is in flight on it yet. */
  reset(): void {
    this.candidateSpeaking = false;
    this.interviewerAudio = false;
    this.responseActive = false;
    this.awaitingReplySince = null;
    this.pendingTranscripts.clear();
  }

  handle(raw: unknown, now: number): void {
    if (typeof raw !== 'object' || raw === null) return;
    const event = raw as { type?: unknown; item_id?: unknown };
    const itemId = typeof event.item_id === 'string' ? event.item_id : null;
    switch (event.type) {
      case 'input_audio_buffer.speech_started':
        this.candidateSpeaking = true;
        break;
      case 'input_audio_buffer.speech_stopped':
        this.candidateSpeaking = false;
        this.awaitingReplySince = now;
        if (itemId) this.pendingTranscripts.set(itemId, now);
        break;
      case 'conversation.item.input_audio_transcription.completed':
      case 'conversation.item.input_audio_transcription.failed':
        if (itemId) this.pendingTranscripts.delete(itemId);
        break;
      case 'response.created':
        this.responseActive = true;
        this.awaitingReplySince = null;
        break;
      case 'response.done':
        this.responseActive = false;
        break;
      case 'output_audio_buffer.started':
        this.interviewerAudio = true;
        this.awaitingReplySince = null;
        break;
      case 'output_audio_buffer.stopped':
      case 'output_audio_buffer.cleared':
        this.interviewerAudio = false;
        break;
      default:
        break;
    }
  }

  atBoundary(now: number): boolean {
    if (this.candidateSpeaking || this.interviewerAudio || this.responseActive) return false;
    if (this.awaitingReplySince !== null && now - this.awaitingReplySince < TURN_STALE_MS) return false;
    for (const since of this.pendingTranscripts.values()) if (now - since < TURN_STALE_MS) return false;
    return true;
  }
}
