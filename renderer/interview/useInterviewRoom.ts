import { useCallback, useEffect, useRef, useState } from 'react';
import type { RealtimeServerEvent } from '@interview-station/contracts';
import { continuityEvents } from './continuity';
import { rolloverDecision, TurnTracker } from './rollover';
import type { InterviewControls } from './useInterview';
import { wantsConnection, type InterviewState } from './interviewMachine';
import type { InterviewPorts } from './ports';
import { callReachable } from './networkWatch';
import { interviewClock, limitSeconds, type InterviewClock } from './timing';
import type { ConnectionStatus } from './connectionState';
import { useOpenAIConnection } from './useOpenAIConnection';
import { useCallMicrophone } from './useMicrophone';
import { useSDPProxy } from './useSDPProxy';
import { useTranscriptManager, type TranscriptControls } from './useTranscriptManager';
import { useWebRTC } from './useWebRTC';

type Running = Extract<InterviewState, { status: 'connecting' | 'live' | 'reconnecting' | 'paused' | 'ending' }>;

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
  /** The provider's session cap (config `realtimeSessionMaxSeconds`); the room rolls over before it. */
  realtimeSessionMaxSeconds: number | null = null,
): RoomControls {
  const { session } = state;
  const transcript = useTranscriptManager(ports, session.sessionId, state.restoredHistory);
  const direct = useOpenAIConnection(ports, session, interview.prefetchedToken);
  const hybrid = useSDPProxy(ports, session);
  const [providerNotice, setProviderNotice] = useState<string | null>(null);
  const { connected, lost, attempt, failed, paused, networkReturned, requestEnd, completeEnd } = interview;
  const { handle, callStarted, finals, drain } = transcript;
  const markedLive = useRef(false);
  const [turns] = useState(() => new TurnTracker());
  /** When the current realtime call opened (epoch ms); null while none is open or one is being replaced. */
  const callOpenedAt = useRef<number | null>(null);
  /** A microphone fallback swaps the open call's track (useMicrophone's MicrophoneWatch). */
  const attachMicrophone = useCallMicrophone(stream);

  const onEvent = useCallback(
    (event: unknown) => {
      handle(event);
      turns.handle(event, Date.now());
      const error = (event as Partial<Extract<RealtimeServerEvent, { type: 'error' }>>)?.type === 'error' ? (event as Extract<RealtimeServerEvent, { type: 'error' }>).error : null;
      // The cap reached anyway (a rollover could not happen in time): the drop path reconnects with
      // the context, and the room says "Reconnecting"; the provider's wording adds nothing.
      if (error && error.code !== 'session_expired') setProviderNotice(error.message);
    },
    [handle, turns],
  );

  const webrtc = useWebRTC({
    active: wantsConnection(state),
    stream,
    audioElement,
    prepare: session.architecture === 'direct' ? direct : hybrid,
    onEvent,
    onOpen: (call, reconnected, rolledOver) => {
      attachMicrophone(call);
      callStarted();
      turns.reset();
      callOpenedAt.current = Date.now();
      // A restored interview's first call continues it too: the journal's transcript is its context.
      const resumed = !markedLive.current && (state.restoredHistory?.length ?? 0) > 0;
      if (reconnected || rolledOver || resumed) for (const event of continuityEvents(finals(), rolledOver ? 'rollover' : 'reconnect')) call.send(event);
      connected(Date.now());
      if (!markedLive.current) {
        markedLive.current = true;
        void ports.markLive(session.sessionId);
      }
    },
    onLost: (error) => {
      callOpenedAt.current = null;
      lost(error);
    },
    onAttempt: attempt,
    // Store what was said before the room closes on the failure: never lose an entry.
    onFailed: (error) => void drain(END_DRAIN_MS).then(() => failed(error)),
    // An interview that has been live waits out a network outage instead of failing.
    canPause: state.liveSince !== null,
    networkUp: async () => {
      const checks = await ports.checkServices();
      return checks.ok && callReachable(checks.value);
    },
    onPaused: (error) => {
      callOpenedAt.current = null;
      paused(error);
    },
    onNetworkReturned: networkReturned,
  });

  // Rollover before the provider's cap: checked twice a second, acted on at a turn boundary.
  const { rollover } = webrtc;
  const isLive = state.status === 'live';
  useEffect(() => {
    if (!isLive || realtimeSessionMaxSeconds === null) return;
    const timer = setInterval(() => {
      const openedAt = callOpenedAt.current;
      if (openedAt === null) return;
      const now = Date.now();
      const decision = rolloverDecision(now - openedAt, realtimeSessionMaxSeconds, turns.atBoundary(now));
      if (decision === 'wait') return;
      callOpenedAt.current = null;
      if (!rollover()) callOpenedAt.current = openedAt;
    }, 500);
    return () => clearInterval(timer);
  }, [isLive, realtimeSessionMaxSeconds, rollover, turns]);

  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);
  const clock = interviewClock(now, state.liveSince, limitSeconds(session.maxDurationSeconds, maxInterviewMinutes));

  // The station enforces its limit itself too (main will as well, see stationPorts.ts). A pause
  // counts: the limit is wall-clock time from the first live moment, as main and the server count it.
  useEffect(() => {
    if (clock.over && (state.status === 'live' || state.status === 'reconnecting' || state.status === 'paused')) requestEnd('max_duration');
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
