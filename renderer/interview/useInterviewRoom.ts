import { useCallback, useEffect, useRef, useState } from 'react';
import type { RealtimeServerEvent } from '@interview-station/contracts';
import { continuityEvents } from './continuity';
import type { InterviewControls } from './useInterview';
import { wantsConnection, type InterviewState } from './interviewMachine';
import type { InterviewPorts } from './ports';
import { interviewClock, limitSeconds, type InterviewClock } from './timing';
import type { ConnectionStatus } from './connectionState';
import { useOpenAIConnection } from './useOpenAIConnection';
import { useSDPProxy } from './useSDPProxy';
import { useTranscriptManager, type TranscriptControls } from './useTranscriptManager';
import { useWebRTC } from './useWebRTC';

type Running = Extract<InterviewState, { status: 'connecting' | 'live' | 'reconnecting' | 'ending' }>;

export interface RoomControls {
  readonly connection: ConnectionStatus;
  readonly transcript: TranscriptControls;
  readonly clock: InterviewClock;
  /** A provider error the room shows without stopping the interview (most are recoverable). */
  readonly providerNotice: string | null;
}

/** How long the end waits for the last entries to reach the journal before recording the end. */
const END_DRAIN_MS = 5_000;

/**
 * The room's work, so the component only renders: the call (either mode) while the interview runs,
 * the transcript, the clock and the time limit, and the orderly end (hang up, drain, record).
 */
export function useInterviewRoom(
  ports: InterviewPorts,
  interview: InterviewControls,
  state: Running,
  stream: MediaStream | null,
  audioElement: HTMLAudioElement | null,
  maxInterviewMinutes: number | null,
): RoomControls {
  const { session } = state;
  const transcript = useTranscriptManager(ports, session.sessionId);
  const direct = useOpenAIConnection(ports, session, interview.prefetchedToken);
  const hybrid = useSDPProxy(ports, session);
  const [providerNotice, setProviderNotice] = useState<string | null>(null);
  const { connected, lost, attempt, failed, requestEnd, completeEnd } = interview;
  const { handle, callStarted, finals, drain } = transcript;
  const markedLive = useRef(false);

  const onEvent = useCallback(
    (event: unknown) => {
      handle(event);
      const error = (event as Partial<Extract<RealtimeServerEvent, { type: 'error' }>>)?.type === 'error' ? (event as Extract<RealtimeServerEvent, { type: 'error' }>).error : null;
      if (error) setProviderNotice(error.message);
    },
    [handle],
  );

  const webrtc = useWebRTC({
    active: wantsConnection(state),
    stream,
    audioElement,
    prepare: session.architecture === 'direct' ? direct : hybrid,
    onEvent,
    onOpen: (call, reconnected) => {
      callStarted();
      if (reconnected) for (const event of continuityEvents(finals())) call.send(event);
      connected(Date.now());
      if (!markedLive.current) {
        markedLive.current = true;
        void ports.markLive(session.sessionId);
      }
    },
    onLost: lost,
    onAttempt: attempt,
    // Store what was said before the room closes on the failure: never lose an entry.
    onFailed: (error) => void drain(END_DRAIN_MS).then(() => failed(error)),
  });

  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);
  const clock = interviewClock(now, state.liveSince, limitSeconds(session.maxDurationSeconds, maxInterviewMinutes));

  // The station enforces its limit itself too (main will as well, see stationPorts.ts).
  useEffect(() => {
    if (clock.over && (state.status === 'live' || state.status === 'reconnecting')) requestEnd('max_duration');
  }, [clock.over, state.status, requestEnd]);

  // Ending: the call is already closed (not active); store what is left, then record the end.
  const ending = state.status === 'ending';
  useEffect(() => {
    if (!ending) return;
    let stale = false;
    void drain(END_DRAIN_MS).then(() => stale || completeEnd());
    return () => {
      stale = true;
    };
  }, [ending, drain, completeEnd]);

  return { connection: webrtc.status, transcript, clock, providerNotice };
}
