// What main tells the renderer during an interview, and what it offers before one: templates,
// the time limit it enforces itself, upload health, and the device check's probes.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ipcEvents, type ConnectionMode, type InterviewStateEvent, type SyncStatus } from '@interview-station/contracts';
import { silentLogger } from '../../log';
import { ManualTimers } from '../network/manualTimers.fixture';
import { FAKE_CONTEXT, FakeUpstream } from './fakeUpstream.fixture';
import { InterviewService } from './interviewService';
import { checkStationHealth } from './stationHealth';
import { templateOptions } from './stationContext';
import { UploadHealthRelay } from './uploadHealth';

const STATION = '2b3c4d5e-6f7a-4b2c-9d3e-4f5a6b7c8d9e';
const CONSENT = { noticeVersion: '2026-12-v1', acceptedAt: '2026-12-01T10:00:00.000Z' };

let upstream: FakeUpstream;
beforeAll(async () => {
  upstream = await FakeUpstream.start();
});
afterAll(() => upstream.close());

function service(connectionMode: ConnectionMode, options: { maxInterviewMinutes?: number; timers?: ManualTimers; events?: InterviewStateEvent[] } = {}) {
  return new InterviewService({
    supabaseUrl: upstream.url,
    anonKey: 'anon',
    stationId: STATION,
    getAccessToken: async () => 'eyJ.user',
    onSidebandTranscript: () => undefined,
    connectionMode,
    maxInterviewMinutes: options.maxInterviewMinutes,
    timers: options.timers,
    // Every event must pass the contract the renderer receives it under.
    onStateChanged: (event) => options.events?.push(ipcEvents['interview:state-changed'].parse(event)),
    log: silentLogger,
  });
}

describe('interview:templates', () => {
  it('offers nothing to a user who may not start interviews (only proctors may)', () => {
    const context = {
      user: { id: FAKE_CONTEXT.userId, email: 'r@example.com', role: 'recruiter' as const, tenantId: FAKE_CONTEXT.tenantId },
      tenantName: 'Acme',
      companies: [],
      templates: [{ id: FAKE_CONTEXT.templateId, companyId: null, name: 'Backend engineer', maxDurationSeconds: 600 }],
    };
    expect(templateOptions(context)).toEqual([]);
    expect(templateOptions({ ...context, user: { ...context.user, role: 'proctor' } })).toHaveLength(1);
  });

  it('lists the templates station-context gives, with their company names', async () => {
    const s = service('hybrid');
    expect(await s.templates()).toEqual({
      templates: [
        { id: FAKE_CONTEXT.templateId, name: 'Backend engineer', companyId: FAKE_CONTEXT.companyId, companyName: 'Acme Robotics', maxDurationSeconds: 600 },
        { id: FAKE_CONTEXT.sharedTemplateId, name: 'Shared screening', companyId: null, maxDurationSeconds: 300 },
      ],
    });
  });
});

describe('interview:start', () => {
  it('sends the consent and the configured mode to interview-start, and hands the ICE servers back', async () => {
    const s = service('direct');
    const started = await s.start({ templateId: FAKE_CONTEXT.templateId, candidateRef: 'CAND-9', consent: CONSENT });
    expect(started).toMatchObject({ architecture: 'direct', iceServers: [] });
    const call = upstream.calls.filter((c) => c.path === '/functions/v1/interview-start').at(-1);
    expect(call?.body).toMatchObject({ consent: CONSENT, architecture: 'direct', companyId: FAKE_CONTEXT.companyId, candidateRef: 'CAND-9' });
    s.dispose();
  });
});

describe("main's own time limit", () => {
  it('warns two minutes before maxInterviewMinutes, then ends the interview itself (hang-up and row)', async () => {
    const timers = new ManualTimers();
    const events: InterviewStateEvent[] = [];
    // The template allows 600 s; the station's policy 5 minutes: the stricter one holds.
    const s = service('direct', { maxInterviewMinutes: 5, timers, events });
    const { sessionId } = await s.start({ templateId: FAKE_CONTEXT.templateId, candidateRef: 'CAND-T', consent: CONSENT });
    expect(timers.size).toBe(0); // the clock starts when the interview is live, not at check-in
    await s.realtimeToken({ sessionId });
    await s.live({ sessionId });
    await s.live({ sessionId }); // a reconnect keeps the clock
    expect(timers.delays()).toEqual([180_000, 300_000]);
    timers.fire(180_000);
    expect(events).toEqual([{ kind: 'time-warning', sessionId, remainingSeconds: 120 }]);
    const before = upstream.calls.length;
    timers.fire(300_000);
    expect(events.at(-1)).toEqual({ kind: 'session-ended', sessionId, reason: 'max_duration' });
    await vi.waitFor(() => {
      const paths = upstream.calls.slice(before).map((c) => c.path);
      expect(paths).toContain(`/token/api/realtime/sessions/${sessionId}/end`);
      expect(upstream.calls.slice(before).find((c) => c.path === '/functions/v1/interview-end')?.body).toEqual({ sessionId, reason: 'max_duration' });
    });
    expect(s.activeSessionIds()).not.toContain(sessionId);
    s.dispose();
  });

  it('disarms the clock when the interview ends first', async () => {
    const timers = new ManualTimers();
    const s = service('direct', { timers });
    const { sessionId } = await s.start({ templateId: FAKE_CONTEXT.templateId, candidateRef: 'CAND-E', consent: CONSENT });
    await s.realtimeToken({ sessionId });
    await s.live({ sessionId });
    expect(timers.size).toBe(2);
    await s.end({ sessionId, reason: 'completed' });
    expect(timers.size).toBe(0);
    s.dispose();
  });
});

describe('an end Supabase could not be told of', () => {
  it('is recorded once Supabase is back (confirmEnds), and only once', async () => {
    const s = service('direct');
    const { sessionId } = await s.start({ templateId: FAKE_CONTEXT.templateId, candidateRef: 'CAND-U', consent: CONSENT });
    upstream.failing.add('/functions/v1/interview-end');
    try {
      await expect(s.end({ sessionId, reason: 'completed' })).rejects.toMatchObject({ error: { code: 'UPSTREAM_UNAVAILABLE', retryable: true } });
      await s.confirmEnds(); // still down: kept for later
    } finally {
      upstream.failing.delete('/functions/v1/interview-end');
    }
    const ends = () => upstream.calls.filter((c) => c.path === '/functions/v1/interview-end' && c.body['sessionId'] === sessionId).length;
    expect(ends()).toBe(2);
    await s.confirmEnds();
    expect(ends()).toBe(3);
    expect(upstream.calls.filter((c) => c.path === '/functions/v1/interview-end').at(-1)?.body).toEqual({ sessionId, reason: 'completed' });
    await s.confirmEnds(); // recorded: nothing more to send
    expect(ends()).toBe(3);
    s.dispose();
  });
});

describe('transcript upload health', () => {
  const status = (state: SyncStatus['state']): SyncStatus => ({ state, pending: 3, lastSuccessAt: null, lastError: null, setAside: 0, setAsideReason: null });

  it('tells each running interview when uploads start failing and when they recover, once each', () => {
    const events: InterviewStateEvent[] = [];
    const relay = new UploadHealthRelay(() => ['4f1c2a52-7b4e-4c8f-9d0a-0b6c1d2e3f40'], (e) => events.push(e));
    relay.statusChanged(status('syncing'));
    relay.statusChanged(status('backoff'));
    relay.statusChanged(status('offline'));
    relay.sessionLive('7d6c5b4a-3f2e-4d1c-8b0a-9f8e7d6c5b4a');
    relay.statusChanged(status('idle'));
    expect(events).toEqual([
      { kind: 'transcript-upload', sessionId: '4f1c2a52-7b4e-4c8f-9d0a-0b6c1d2e3f40', healthy: false },
      { kind: 'transcript-upload', sessionId: '7d6c5b4a-3f2e-4d1c-8b0a-9f8e7d6c5b4a', healthy: false },
      { kind: 'transcript-upload', sessionId: '4f1c2a52-7b4e-4c8f-9d0a-0b6c1d2e3f40', healthy: true },
    ]);
  });
});

describe('station:health', () => {
  const reachable = { checkNow: async () => ({ online: true, supabaseReachable: true, checkedAt: new Date().toISOString() }) };

  it('answers true for services that answer, through the token service for the Realtime API in hybrid mode', async () => {
    expect(await checkStationHealth({ network: reachable, tokenServiceUrl: () => `${upstream.url}/token`, realtimeUrl: 'http://127.0.0.1:9', connectionMode: 'hybrid' })).toEqual({
      supabase: true,
      tokenService: true,
      realtime: true,
    });
  });

  it('in direct mode also needs the Realtime origin to answer from this machine', async () => {
    const down = 'http://127.0.0.1:9'; // discard port: nothing listens
    expect(await checkStationHealth({ network: reachable, tokenServiceUrl: () => `${upstream.url}/token`, realtimeUrl: down, connectionMode: 'direct' })).toMatchObject({ realtime: false });
    // Any answer below 500 means the origin is reachable (the fake answers 404 for /v1/models).
    expect(await checkStationHealth({ network: reachable, tokenServiceUrl: () => `${upstream.url}/token`, realtimeUrl: upstream.url, connectionMode: 'direct' })).toMatchObject({ realtime: true });
  });

  it('answers false for a token service that does not answer, and without one', async () => {
    const unreachable = { checkNow: async () => ({ online: true, supabaseReachable: false, checkedAt: new Date().toISOString() }) };
    expect(await checkStationHealth({ network: unreachable, tokenServiceUrl: () => 'http://127.0.0.1:9', realtimeUrl: upstream.url, connectionMode: 'hybrid' })).toEqual({
      supabase: false,
      tokenService: false,
      realtime: false,
    });
    expect(await checkStationHealth({ network: null, tokenServiceUrl: () => undefined, realtimeUrl: upstream.url, connectionMode: 'hybrid' })).toEqual({
      supabase: false,
      tokenService: false,
      realtime: false,
    });
  });
});
