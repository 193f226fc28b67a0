import { describe, expect, it } from 'vitest';
import { stationError, type InterviewEndResponse } from '@interview-station/contracts';
import { initialInterviewState, interviewReducer, sessionIdOf, wantsConnection, type CheckIn, type InterviewEvent, type InterviewState } from './interviewMachine';
import type { StartedInterview } from './ports';

const checkIn: CheckIn = {
  candidateRef: 'CAND-042',
  templateId: '8f4f2f0e-5d0f-4a57-9a8e-3a1b2c3d4e5f',
  templateName: 'Backend engineer',
  consent: { noticeVersion: '2026-12-v1', acceptedAt: '2026-12-01T10:00:00.000Z' },
};
const session: StartedInterview = {
  sessionId: '4f1c2a52-7b4e-4c8f-9d0a-0b6c1d2e3f40',
  architecture: 'hybrid',
  model: 'gpt-realtime',
  maxDurationSeconds: 1800,
  startedAt: '2026-12-01T10:00:01.000Z',
};
const endResult: InterviewEndResponse = { sessionId: session.sessionId, status: 'ended', endedAt: '2026-12-01T10:30:00.000Z', transcriptCount: 12 };
const dropped = stationError('WEBRTC_CONNECTION_FAILED', 'ICE failed');

const run = (events: InterviewEvent[], from: InterviewState = initialInterviewState) => events.reduce(interviewReducer, from);

describe('interview reducer', () => {
  it('walks the happy path: check-in → device check (session made meanwhile) → connecting → live → ending → ended', () => {
    const states = [
      { type: 'CHECKED_IN', checkIn },
      { type: 'SESSION_STARTED', session },
      { type: 'START_PRESSED' },
      { type: 'CONNECTED', at: 1_000 },
      { type: 'END_REQUESTED', reason: 'completed' },
      { type: 'ENDED', result: endResult },
    ].reduce<InterviewState[]>((acc, event) => [...acc, interviewReducer(acc.at(-1)!, event as InterviewEvent)], [initialInterviewState]);
    expect(states.map((s) => s.status)).toEqual(['idle', 'deviceCheck', 'deviceCheck', 'connecting', 'live', 'ending', 'ended']);
    expect(states.at(-1)).toMatchObject({ status: 'ended', sessionId: session.sessionId, reason: 'completed', liveSince: 1_000, result: endResult, endError: null });
  });

  it('waits in starting when Start is pressed before the session exists, then connects as soon as it does', () => {
    const starting = run([{ type: 'CHECKED_IN', checkIn }, { type: 'START_PRESSED' }]);
    expect(starting.status).toBe('starting');
    expect(run([{ type: 'SESSION_STARTED', session }], starting)).toMatchObject({ status: 'connecting', attempt: 1, session });
  });

  it('keeps a session failure on the device check with a retry, and fails outright once Start was pressed', () => {
    const error = stationError('UPSTREAM_UNAVAILABLE', 'token service down');
    const onCheck = run([{ type: 'CHECKED_IN', checkIn }, { type: 'SESSION_FAILED', error }]);
    expect(onCheck).toMatchObject({ status: 'deviceCheck', session: { status: 'failed', error } });
    expect(run([{ type: 'START_PRESSED' }], onCheck).status).toBe('deviceCheck');
    expect(run([{ type: 'RETRY_SESSION' }], onCheck)).toMatchObject({ session: { status: 'pending' } });
    expect(run([{ type: 'CHECKED_IN', checkIn }, { type: 'START_PRESSED' }, { type: 'SESSION_FAILED', error }])).toEqual({ status: 'failed', error, sessionId: null });
  });

  it('reconnects after a drop, keeping the first live time and counting calls', () => {
    const live = run([{ type: 'CHECKED_IN', checkIn }, { type: 'SESSION_STARTED', session }, { type: 'START_PRESSED' }, { type: 'CONNECTED', at: 1_000 }]);
    const reconnecting = run([{ type: 'CONNECTION_LOST', error: dropped }, { type: 'RECONNECT_ATTEMPT', attempt: 2 }], live);
    expect(reconnecting).toMatchObject({ status: 'reconnecting', attempt: 2, lastError: dropped, liveSince: 1_000 });
    expect(run([{ type: 'CONNECTED', at: 9_000 }], reconnecting)).toMatchObject({ status: 'live', liveSince: 1_000, calls: 2 });
  });

  it('fails with the session id when reconnecting gives up, so the session can be ended', () => {
    const live = run([{ type: 'CHECKED_IN', checkIn }, { type: 'SESSION_STARTED', session }, { type: 'START_PRESSED' }, { type: 'CONNECTED', at: 1 }]);
    const failed = run([{ type: 'CONNECTION_LOST', error: dropped }, { type: 'CONNECT_FAILED', error: dropped }], live);
    expect(failed).toEqual({ status: 'failed', error: dropped, sessionId: session.sessionId });
    expect(sessionIdOf(failed)).toBe(session.sessionId);
    expect(run([{ type: 'RESET' }], failed)).toEqual(initialInterviewState);
  });

  it('ignores late events that would move the interview backwards', () => {
    const ending = run([{ type: 'CHECKED_IN', checkIn }, { type: 'SESSION_STARTED', session }, { type: 'START_PRESSED' }, { type: 'END_REQUESTED', reason: 'proctor_ended' }]);
    expect(ending.status).toBe('ending');
    for (const late of [{ type: 'CONNECTED', at: 5 }, { type: 'CONNECTION_LOST', error: dropped }, { type: 'CONNECT_FAILED', error: dropped }, { type: 'CHECKED_IN', checkIn }] as InterviewEvent[]) {
      expect(interviewReducer(ending, late)).toBe(ending);
    }
    expect(interviewReducer(initialInterviewState, { type: 'CONNECTED', at: 1 })).toBe(initialInterviewState);
    expect(interviewReducer(initialInterviewState, { type: 'END_REQUESTED', reason: 'completed' })).toBe(initialInterviewState);
  });

  it('still ends locally when interview:end fails, and says so', () => {
    const error = stationError('NETWORK_OFFLINE', 'offline');
    const live = run([{ type: 'CHECKED_IN', checkIn }, { type: 'SESSION_STARTED', session }, { type: 'START_PRESSED' }, { type: 'CONNECTED', at: 7 }]);
    expect(run([{ type: 'END_REQUESTED', reason: 'completed' }, { type: 'END_FAILED', error }], live)).toMatchObject({ status: 'ended', result: null, endError: error });
  });

  it('cancels a device check back to idle, exposing the session to end', () => {
    const ready = run([{ type: 'CHECKED_IN', checkIn }, { type: 'SESSION_STARTED', session }]);
    expect(sessionIdOf(ready)).toBe(session.sessionId);
    expect(run([{ type: 'CANCELLED' }], ready)).toEqual(initialInterviewState);
  });

  describe('paused: the network is gone for longer than reconnecting tries', () => {
    const offline = stationError('UPSTREAM_UNAVAILABLE', 'token service unreachable');
    const live = () => run([{ type: 'CHECKED_IN', checkIn }, { type: 'SESSION_STARTED', session }, { type: 'START_PRESSED' }, { type: 'CONNECTED', at: 1_000 }]);
    const paused = () => run([{ type: 'CONNECTION_LOST', error: dropped }, { type: 'PAUSED', error: offline, at: 5_000 }], live());

    it('pauses instead of failing, keeping the session, the first live time and the call count', () => {
      expect(paused()).toMatchObject({ status: 'paused', session, liveSince: 1_000, calls: 1, lastError: offline, pausedAt: 5_000 });
      expect(sessionIdOf(paused())).toBe(session.sessionId);
      expect(wantsConnection(paused())).toBe(true);
    });

    it('resumes by itself: network back → reconnecting → live in a new call, elapsed time still from the first live moment', () => {
      const resuming = run([{ type: 'NETWORK_RETURNED' }], paused());
      expect(resuming).toMatchObject({ status: 'reconnecting', attempt: 1, calls: 1 });
      expect(run([{ type: 'CONNECTED', at: 60_000 }], resuming)).toMatchObject({ status: 'live', liveSince: 1_000, calls: 2 });
      // The resumed attempt can find the network gone again: paused again, not failed.
      expect(run([{ type: 'PAUSED', error: offline, at: 61_000 }], resuming)).toMatchObject({ status: 'paused', pausedAt: 61_000 });
    });

    it('is ended by the proctor (or the time limit) from the pause, with the session to end', () => {
      const ending = run([{ type: 'END_REQUESTED', reason: 'proctor_ended' }], paused());
      expect(ending).toMatchObject({ status: 'ending', reason: 'proctor_ended', session });
      expect(wantsConnection(ending)).toBe(false);
      expect(run([{ type: 'END_FAILED', error: stationError('NETWORK_OFFLINE', 'offline') }], ending)).toMatchObject({ status: 'ended', sessionId: session.sessionId, endError: { code: 'NETWORK_OFFLINE' } });
    });

    it('still fails on a failure that is not the network', () => {
      const refused = stationError('SESSION_ENDED', 'the server ended the session');
      expect(run([{ type: 'CONNECT_FAILED', error: refused }], paused())).toEqual({ status: 'failed', error: refused, sessionId: session.sessionId });
    });

    it('ignores late events that would move a pause backwards or sideways', () => {
      const p = paused();
      for (const late of [
        { type: 'CONNECTED', at: 9_000 },
        { type: 'CONNECTION_LOST', error: dropped },
        { type: 'RECONNECT_ATTEMPT', attempt: 3 },
        { type: 'PAUSED', error: offline, at: 9_000 },
        { type: 'CHECKED_IN', checkIn },
        { type: 'START_PRESSED' },
        { type: 'ENDED', result: endResult },
        { type: 'RESET' },
      ] as InterviewEvent[]) {
        expect(interviewReducer(p, late)).toBe(p);
      }
      // A network-returned that arrives after the end was pressed does not reopen the interview.
      const ending = run([{ type: 'END_REQUESTED', reason: 'proctor_ended' }], p);
      expect(run([{ type: 'NETWORK_RETURNED' }, { type: 'PAUSED', error: offline, at: 9_000 }], ending)).toBe(ending);
      expect(interviewReducer(live(), { type: 'NETWORK_RETURNED' })).toEqual(live());
    });

    it('pauses only an interview that has been live: a first connect that reaches nothing fails as before', () => {
      const connecting = run([{ type: 'CHECKED_IN', checkIn }, { type: 'SESSION_STARTED', session }, { type: 'START_PRESSED' }]);
      expect(interviewReducer(connecting, { type: 'PAUSED', error: offline, at: 1 })).toBe(connecting);
      const restored = run([{ type: 'RESUMED', checkIn, session, liveSince: 500, history: [] }]);
      expect(run([{ type: 'PAUSED', error: offline, at: 2 }], restored)).toMatchObject({ status: 'paused', liveSince: 500, calls: 0 });
      // A rollover's new call that cannot be made (the state stayed live) pauses too.
      expect(run([{ type: 'PAUSED', error: offline, at: 3 }], live())).toMatchObject({ status: 'paused', calls: 1 });
    });
  });

  it('wants a peer connection only while connecting, live, reconnecting or paused', () => {
    const live = run([{ type: 'CHECKED_IN', checkIn }, { type: 'SESSION_STARTED', session }, { type: 'START_PRESSED' }, { type: 'CONNECTED', at: 1 }]);
    expect(wantsConnection(live)).toBe(true);
    expect(wantsConnection(run([{ type: 'END_REQUESTED', reason: 'completed' }], live))).toBe(false);
    expect(wantsConnection(initialInterviewState)).toBe(false);
  });
});
