// Main's refusals around an interview, against a fake upstream (edge functions and token service)
// that records every call. The whole path against the real stack is interviewService.stack.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTION_ATTEMPTS_PER_MINUTE, type ConnectionMode } from '@interview-station/contracts';
import { silentLogger } from '../../log';
import { FakeUpstream } from './fakeUpstream.fixture';
import { InterviewService } from './interviewService';

const TEMPLATE = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const COMPANY = '1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d';
const STATION = '2b3c4d5e-6f7a-4b2c-9d3e-4f5a6b7c8d9e';
const FOREIGN = '4f1c2a52-7b4e-4c8f-9d0a-0b6c1d2e3f40';
const CONSENT = { noticeVersion: '2026-12-v1', acceptedAt: '2026-12-01T10:00:00.000Z' };

let upstream: FakeUpstream;
beforeAll(async () => {
  upstream = await FakeUpstream.start();
});
afterAll(() => upstream.close());

function service(connectionMode: ConnectionMode, clock = { now: 1_000_000 }, started: string[] = []) {
  return new InterviewService({
    supabaseUrl: upstream.url,
    anonKey: 'anon',
    stationId: STATION,
    getAccessToken: async () => 'eyJ.user',
    onSidebandTranscript: () => undefined,
    onStarted: async (sessionId) => void started.push(sessionId),
    connectionMode,
    now: () => clock.now,
    log: silentLogger,
  });
}

const start = (s: InterviewService) => s.start({ templateId: TEMPLATE, companyId: COMPANY, candidateRef: 'CAND-1', consent: CONSENT });
const mints = () => upstream.calls.filter((c) => c.path === '/token/api/realtime/sessions').length;

describe('InterviewService refusals', () => {
  it('gives no realtime key for a hybrid session: the renderer holds no credential in hybrid mode', async () => {
    const s = service('hybrid');
    const { sessionId, architecture } = await start(s);
    expect(architecture).toBe('hybrid');
    const before = mints();
    await expect(s.realtimeToken({ sessionId })).rejects.toMatchObject({ error: { code: 'NOT_AUTHORIZED', field: 'sessionId' } });
    expect(mints()).toBe(before);
    s.dispose();
  });

  it('gives no realtime key for a session it did not start in this run', async () => {
    const s = service('direct');
    const before = upstream.calls.length;
    await expect(s.realtimeToken({ sessionId: FOREIGN })).rejects.toMatchObject({ error: { code: 'NOT_AUTHORIZED' } });
    expect(upstream.calls.length).toBe(before);
  });

  it('asks interview-start for the configured mode, and gives a direct session one key per connection attempt', async () => {
    const clock = { now: 1_000_000 };
    const started: string[] = [];
    const s = service('direct', clock, started);
    const { sessionId, architecture } = await start(s);
    expect(architecture).toBe('direct');
    expect(started).toEqual([sessionId]);
    const before = mints();
    for (let i = 0; i < CONNECTION_ATTEMPTS_PER_MINUTE; i += 1) expect((await s.realtimeToken({ sessionId })).clientSecret).toMatch(/^ek_/);
    await expect(s.realtimeToken({ sessionId })).rejects.toMatchObject({ error: { code: 'RATE_LIMITED' } });
    expect(mints() - before).toBe(CONNECTION_ATTEMPTS_PER_MINUTE);
    clock.now += 60_000;
    expect((await s.realtimeToken({ sessionId })).clientSecret).toMatch(/^ek_/);
    // Past the interview's maximum length (600 s here) no new connection is made.
    clock.now += 600_000;
    await expect(s.realtimeToken({ sessionId })).rejects.toMatchObject({ error: { code: 'SESSION_EXPIRED' } });
    expect(mints() - before).toBe(CONNECTION_ATTEMPTS_PER_MINUTE + 1);
    s.dispose();
  });

  it('bounds SDP exchanges per session too, and refuses them for a direct session', async () => {
    const direct = service('direct');
    const { sessionId } = await start(direct);
    await expect(direct.sdpOffer({ sessionId, sdp: 'v=0\r\n' })).rejects.toMatchObject({ error: { code: 'NOT_AUTHORIZED' } });
    direct.dispose();
    const hybrid = service('hybrid');
    const live = await start(hybrid);
    // The fake upstream has no SDP proxy: each attempt fails, but each one counts.
    for (let i = 0; i < CONNECTION_ATTEMPTS_PER_MINUTE; i += 1) {
      await expect(hybrid.sdpOffer({ sessionId: live.sessionId, sdp: 'v=0\r\n' })).rejects.toMatchObject({ error: { code: 'SDP_EXCHANGE_FAILED' } });
    }
    await expect(hybrid.sdpOffer({ sessionId: live.sessionId, sdp: 'v=0\r\n' })).rejects.toMatchObject({ error: { code: 'RATE_LIMITED' } });
    hybrid.dispose();
  });

  it('records an interview as live only once a connection was set up for it', async () => {
    const s = service('direct');
    const { sessionId } = await start(s);
    const before = upstream.calls.length;
    await expect(s.live({ sessionId })).rejects.toMatchObject({ error: { code: 'CONFLICT' } });
    expect(upstream.calls.length).toBe(before);
    await s.realtimeToken({ sessionId });
    expect(await s.live({ sessionId })).toEqual({ sessionId, status: 'live' });
    s.dispose();
  });

  it('bounds how many interviews it starts per minute', async () => {
    const clock = { now: 5_000_000 };
    const s = service('hybrid', clock);
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => start(s)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { error: { code: 'RATE_LIMITED' } } });
    s.dispose();
  });
});
