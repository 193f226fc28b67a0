import type { EndReason, InterviewEndResponse, StationError } from '@interview-station/contracts';
import type { ConsentRecord, StartedInterview } from './ports';
import type { TranscriptLine } from './transcriptManager';

/**
 * The interview's life as a pure reducer over a discriminated union:
 * `idle → deviceCheck → starting → connecting → live ⇄ reconnecting ⇄ paused → ending → ended | failed`.
 * `paused`: reconnecting gave up because the network is gone (the station cannot reach its token
 * service); the interview waits for it and resumes by itself (`paused → reconnecting → live`), or
 * the proctor ends it. Failures that are not the network (refused credentials, a session the server
 * ended) still go to `failed`. Elapsed time counts from the first live moment on the wall clock, so
 * a pause counts toward the limit (the session JWT, main's timer and the server count the same way).
 * Side effects (IPC calls, the peer connection) live in hooks that dispatch these events; the
 * reducer only decides which transitions are allowed, so a late or repeated event cannot move the
 * interview backwards (e.g. a stale "connected" after the person pressed End).
 */

/** What the person entered at check-in. */
export interface CheckIn {
  readonly candidateRef: string;
  readonly templateId: string;
  readonly templateName: string;
  readonly companyId?: string;
  readonly consent: ConsentRecord;
}

/** The session is created while the candidate does the device check (start fast). */
export type SessionSlot =
  | { readonly status: 'pending' }
  | { readonly status: 'ready'; readonly session: StartedInterview }
  | { readonly status: 'failed'; readonly error: StationError };

interface Running {
  readonly checkIn: CheckIn;
  readonly session: StartedInterview;
  /** When the interview first went live (epoch ms); elapsed time counts from here, across reconnects. */
  readonly liveSince: number | null;
  /**
   * Restored after a crash, restart or reload: what this machine's journal held. The room starts
   * its transcript from it and gives the new call it as context.
   */
  readonly restoredHistory?: readonly TranscriptLine[];
}

export type InterviewState =
  | { readonly status: 'idle' }
  | { readonly status: 'deviceCheck'; readonly checkIn: CheckIn; readonly session: SessionSlot }
  | { readonly status: 'starting'; readonly checkIn: CheckIn; readonly session: SessionSlot }
  | ({ readonly status: 'connecting'; readonly attempt: number } & Running)
  | ({ readonly status: 'live'; readonly calls: number } & Running)
  | ({ readonly status: 'reconnecting'; readonly attempt: number; readonly calls: number; readonly lastError: StationError } & Running)
  /** The network is gone: no call, nothing lost; waiting for it to return (since `pausedAt`, epoch ms). */
  | ({ readonly status: 'paused'; readonly calls: number; readonly lastError: StationError; readonly pausedAt: number } & Running)
  | ({ readonly status: 'ending'; readonly reason: EndReason } & Running)
  | {
      readonly status: 'ended';
      readonly sessionId: string;
      readonly reason: EndReason;
      readonly liveSince: number | null;
      readonly result: InterviewEndResponse | null;
      /** interview:end failed: the interview is over here, but the server may not know yet. */
      readonly endError: StationError | null;
    }
  | { readonly status: 'failed'; readonly error: StationError; readonly sessionId: string | null };

export type InterviewEvent =
  | { readonly type: 'CHECKED_IN'; readonly checkIn: CheckIn }
  | { readonly type: 'SESSION_STARTED'; readonly session: StartedInterview }
  | { readonly type: 'SESSION_FAILED'; readonly error: StationError }
  | { readonly type: 'RETRY_SESSION' }
  | { readonly type: 'START_PRESSED' }
  /** Continue an interview restored from this machine's copy: a new call, with the context. */
  | { readonly type: 'RESUMED'; readonly checkIn: CheckIn; readonly session: StartedInterview; readonly liveSince: number | null; readonly history: readonly TranscriptLine[] }
  | { readonly type: 'CANCELLED' }
  | { readonly type: 'CONNECTED'; readonly at: number }
  | { readonly type: 'CONNECTION_LOST'; readonly error: StationError }
  | { readonly type: 'RECONNECT_ATTEMPT'; readonly attempt: number }
  | { readonly type: 'CONNECT_FAILED'; readonly error: StationError }
  /** Reconnecting (or a rollover's new call) gave up on a network error: wait for the network. */
  | { readonly type: 'PAUSED'; readonly error: StationError; readonly at: number }
  /** The station reaches its services again: a new call, with the context. */
  | { readonly type: 'NETWORK_RETURNED' }
  | { readonly type: 'END_REQUESTED'; readonly reason: EndReason }
  | { readonly type: 'ENDED'; readonly result: InterviewEndResponse }
  | { readonly type: 'END_FAILED'; readonly error: StationError }
  | { readonly type: 'RESET' };

export const initialInterviewState: InterviewState = { status: 'idle' };

export function interviewReducer(state: InterviewState, event: InterviewEvent): InterviewState {
  switch (event.type) {
    case 'CHECKED_IN':
      return state.status === 'idle' ? { status: 'deviceCheck', checkIn: event.checkIn, session: { status: 'pending' } } : state;

    case 'SESSION_STARTED': {
      if ((state.status !== 'deviceCheck' && state.status !== 'starting') || state.session.status !== 'pending') return state;
      if (state.status === 'starting') return connecting(state.checkIn, event.session);
      return { ...state, session: { status: 'ready', session: event.session } };
    }

    case 'SESSION_FAILED':
      if (state.status === 'deviceCheck' && state.session.status === 'pending') return { ...state, session: { status: 'failed', error: event.error } };
      // Start was pressed and the session could not be created: nothing exists to end.
      if (state.status === 'starting') return { status: 'failed', error: event.error, sessionId: null };
      return state;

    case 'RETRY_SESSION':
      return state.status === 'deviceCheck' && state.session.status === 'failed' ? { ...state, session: { status: 'pending' } } : state;

    case 'START_PRESSED':
      if (state.status !== 'deviceCheck') return state;
      if (state.session.status === 'ready') return connecting(state.checkIn, state.session.session);
      if (state.session.status === 'pending') return { status: 'starting', checkIn: state.checkIn, session: state.session };
      return state;

    case 'RESUMED':
      return state.status === 'idle'
        ? { status: 'connecting', checkIn: event.checkIn, session: event.session, attempt: 1, liveSince: event.liveSince, restoredHistory: event.history }
        : state;

    case 'CANCELLED':
      return state.status === 'deviceCheck' || state.status === 'starting' ? initialInterviewState : state;

    case 'CONNECTED':
      if (state.status === 'connecting') return live(state, state.liveSince ?? event.at, 1);
      if (state.status === 'reconnecting') return live(state, state.liveSince ?? event.at, state.calls + 1);
      return state;

    case 'CONNECTION_LOST':
      return state.status === 'live' ? { ...running(state), status: 'reconnecting', attempt: 1, calls: state.calls, lastError: event.error } : state;

    case 'RECONNECT_ATTEMPT':
      if (state.status === 'reconnecting') return { ...state, attempt: event.attempt };
      if (state.status === 'connecting') return { ...state, attempt: event.attempt };
      return state;

    case 'CONNECT_FAILED':
      return state.status === 'connecting' || state.status === 'reconnecting' || state.status === 'paused'
        ? { status: 'failed', error: event.error, sessionId: state.session.sessionId }
        : state;

    case 'PAUSED': {
      // Only an interview that has been live pauses; a first connect that cannot reach anything fails.
      const midInterview = state.status === 'live' || state.status === 'reconnecting' || (state.status === 'connecting' && state.liveSince !== null);
      if (!midInterview) return state;
      return { ...running(state), status: 'paused', calls: state.status === 'connecting' ? 0 : state.calls, lastError: event.error, pausedAt: event.at };
    }

    case 'NETWORK_RETURNED':
      return state.status === 'paused' ? { ...running(state), status: 'reconnecting', attempt: 1, calls: state.calls, lastError: state.lastError } : state;

    case 'END_REQUESTED':
      if (state.status === 'connecting' || state.status === 'live' || state.status === 'reconnecting' || state.status === 'paused') {
        return { ...running(state), status: 'ending', reason: event.reason };
      }
      return state;

    case 'ENDED':
      return state.status === 'ending' ? ended(state, event.result, null) : state;

    case 'END_FAILED':
      return state.status === 'ending' ? ended(state, null, event.error) : state;

    case 'RESET':
      return state.status === 'ended' || state.status === 'failed' ? initialInterviewState : state;
  }
}

function connecting(checkIn: CheckIn, session: StartedInterview): InterviewState {
  return { status: 'connecting', checkIn, session, attempt: 1, liveSince: null };
}

function running(state: Running): Running {
  return { checkIn: state.checkIn, session: state.session, liveSince: state.liveSince, ...(state.restoredHistory ? { restoredHistory: state.restoredHistory } : {}) };
}

function live(state: Running, liveSince: number, calls: number): InterviewState {
  return { ...running(state), status: 'live', liveSince, calls };
}

function ended(state: Running & { readonly reason: EndReason }, result: InterviewEndResponse | null, endError: StationError | null): InterviewState {
  return { status: 'ended', sessionId: state.session.sessionId, reason: state.reason, liveSince: state.liveSince, result, endError };
}

/** The session id an effect must act on (end it, append to it), whatever the state. */
export function sessionIdOf(state: InterviewState): string | null {
  switch (state.status) {
    case 'idle':
      return null;
    case 'deviceCheck':
    case 'starting':
      return state.session.status === 'ready' ? state.session.session.sessionId : null;
    case 'ended':
    case 'failed':
      return state.sessionId;
    default:
      return state.session.sessionId;
  }
}

/** Whether a peer connection should exist (be built, kept, or, while paused, rebuilt when the network returns). */
export function wantsConnection(state: InterviewState): boolean {
  return state.status === 'connecting' || state.status === 'live' || state.status === 'reconnecting' || state.status === 'paused';
}
