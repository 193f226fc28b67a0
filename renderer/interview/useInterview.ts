import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { EndReason, StationError } from '@interview-station/contracts';
import { initialInterviewState, interviewReducer, sessionIdOf, type CheckIn, type InterviewState } from './interviewMachine';
import type { InterviewPorts, InterviewStateEvent, RealtimeToken, RestorableInterview } from './ports';
import { warmUpWebRTC } from './peerConnection';
import type { TranscriptLine } from './transcriptManager';

export interface InterviewControls {
  readonly state: InterviewState;
  /** Direct mode: the key minted during the device check (null until then, or in hybrid mode). */
  readonly prefetchedToken: RealtimeToken | null;
  /** Direct mode: whether that mint worked; null in hybrid mode or while it runs. */
  readonly keyMinted: boolean | null;
  /** What main pushed last for this interview (ended remotely, time warning, sideband, uploads). */
  readonly notice: InterviewStateEvent | null;
  checkIn(checkIn: CheckIn): void;
  /** Continue an interview restored from this machine's copy (a new realtime session with the context). */
  resume(restored: RestorableInterview, history: readonly TranscriptLine[]): void;
  retrySession(): void;
  start(): void;
  cancel(): void;
  requestEnd(reason: EndReason): void;
  /** The room has drained the transcript: record the end with main. */
  completeEnd(): void;
  connected(at: number): void;
  lost(error: StationError): void;
  attempt(attempt: number): void;
  failed(error: StationError): void;
  /** The network is gone: the interview waits for it (nothing is ended or recorded). */
  paused(error: StationError): void;
  /** The network is back: a new call with the context is on its way. */
  networkReturned(): void;
  reset(): void;
}

/** Main's reasons for ending a session, as the interview records them. */
const REMOTE_END_REASON: Record<Extract<InterviewStateEvent, { kind: 'session-ended' }>['reason'], EndReason> = {
  max_duration: 'max_duration',
  upstream_closed: 'connection_lost',
  server_shutdown: 'error',
  ended_by_client: 'completed',
  completed: 'completed',
};

/**
 * The interview's reducer plus the IPC effects of its transitions. The session is created as soon
 * as the candidate checks in (and, in direct mode, the first key minted), so Start only connects.
 */
export function useInterview(ports: InterviewPorts): InterviewControls {
  const [state, dispatch] = useReducer(interviewReducer, initialInterviewState);
  const [prefetchedToken, setPrefetchedToken] = useState<RealtimeToken | null>(null);
  const [keyMinted, setKeyMinted] = useState<boolean | null>(null);
  const [notice, setNotice] = useState<InterviewStateEvent | null>(null);
  const current = useRef(state);
  const activeCheckIn = useRef<CheckIn | null>(null);
  const endRecorded = useRef(new Set<string>());
  useEffect(() => {
    current.current = state;
  });

  /** Records the end once per session, whatever asked for it (button, timer, failure, cancel). */
  const recordEnd = useCallback(
    async (sessionId: string, reason: EndReason) => {
      if (endRecorded.current.has(sessionId)) return null;
      endRecorded.current.add(sessionId);
      return ports.endInterview(sessionId, reason);
    },
    [ports],
  );

  const prepare = useCallback(
    async (checkIn: CheckIn) => {
      const { templateId, candidateRef, companyId, consent } = checkIn;
      const started = await ports.startInterview({ templateId, candidateRef, consent, ...(companyId ? { companyId } : {}) });
      if (activeCheckIn.current !== checkIn) {
        // Cancelled meanwhile: a session nobody will use must not stay open.
        if (started.ok) void recordEnd(started.value.sessionId, 'candidate_left');
        return;
      }
      if (!started.ok) return dispatch({ type: 'SESSION_FAILED', error: started.error });
      dispatch({ type: 'SESSION_STARTED', session: started.value });
      if (started.value.architecture !== 'direct') return;
      const token = await ports.getRealtimeToken(started.value.sessionId);
      if (activeCheckIn.current !== checkIn) return;
      setKeyMinted(token.ok);
      setPrefetchedToken(token.ok ? token.value : null);
    },
    [ports, recordEnd],
  );

  const checkIn = useCallback(
    (next: CheckIn) => {
      activeCheckIn.current = next;
      setPrefetchedToken(null);
      setKeyMinted(null);
      setNotice(null);
      dispatch({ type: 'CHECKED_IN', checkIn: next });
      void prepare(next);
      // The device check comes next: the page's WebRTC start-up is paid now, not after Start.
      void warmUpWebRTC();
    },
    [prepare],
  );

  const resume = useCallback((restored: RestorableInterview, history: readonly TranscriptLine[]) => {
    const { candidateRef, templateId, consent, session, liveSince } = restored;
    const resumedCheckIn: CheckIn = { candidateRef, templateId, templateName: 'Restored interview', consent };
    activeCheckIn.current = resumedCheckIn;
    setPrefetchedToken(null);
    setKeyMinted(null);
    setNotice(null);
    dispatch({ type: 'RESUMED', checkIn: resumedCheckIn, session, liveSince, history });
  }, []);

  const retrySession = useCallback(() => {
    const checkInNow = activeCheckIn.current;
    if (!checkInNow) return;
    dispatch({ type: 'RETRY_SESSION' });
    void prepare(checkInNow);
  }, [prepare]);

  const cancel = useCallback(() => {
    const sessionId = sessionIdOf(current.current);
    activeCheckIn.current = null;
    dispatch({ type: 'CANCELLED' });
    if (sessionId) void recordEnd(sessionId, 'candidate_left');
  }, [recordEnd]);

  const completeEnd = useCallback(() => {
    const now = current.current;
    if (now.status !== 'ending') return;
    void recordEnd(now.session.sessionId, now.reason).then((result) => {
      if (result === null) return;
      dispatch(result.ok ? { type: 'ENDED', result: result.value } : { type: 'END_FAILED', error: result.error });
    });
  }, [recordEnd]);

  const failed = useCallback(
    (error: StationError) => {
      const sessionId = sessionIdOf(current.current);
      dispatch({ type: 'CONNECT_FAILED', error });
      // Best effort: the session row should not stay "live" for a call that is gone.
      if (sessionId) void recordEnd(sessionId, 'connection_lost');
    },
    [recordEnd],
  );

  const requestEnd = useCallback((reason: EndReason) => dispatch({ type: 'END_REQUESTED', reason }), []);

  useEffect(
    () =>
      ports.onStateChanged((event) => {
        if (event.sessionId !== sessionIdOf(current.current)) return;
        setNotice(event);
        if (event.kind === 'session-ended') dispatch({ type: 'END_REQUESTED', reason: REMOTE_END_REASON[event.reason] });
      }),
    [ports],
  );

  return {
    state,
    prefetchedToken,
    keyMinted,
    notice,
    checkIn,
    resume,
    retrySession,
    start: useCallback(() => dispatch({ type: 'START_PRESSED' }), []),
    cancel,
    requestEnd,
    completeEnd,
    connected: useCallback((at: number) => dispatch({ type: 'CONNECTED', at }), []),
    lost: useCallback((error: StationError) => dispatch({ type: 'CONNECTION_LOST', error }), []),
    attempt: useCallback((attempt: number) => dispatch({ type: 'RECONNECT_ATTEMPT', attempt }), []),
    failed,
    paused: useCallback((error: StationError) => dispatch({ type: 'PAUSED', error, at: Date.now() }), []),
    networkReturned: useCallback(() => dispatch({ type: 'NETWORK_RETURNED' }), []),
    reset: useCallback(() => {
      activeCheckIn.current = null;
      dispatch({ type: 'RESET' });
    }, []),
  };
}
