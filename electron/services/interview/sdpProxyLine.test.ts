// Hybrid mode's SDP proxy socket, opened while the candidate does the device check (issue 12),
// against the real token service (in this process, proxy-service's test harness) and the Realtime
// simulator, with a werift peer standing in for the renderer's RTCPeerConnection. The edge
// functions are FakeUpstream's stand-ins; its interview-start hands out that token service and a
// session JWT it signs.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRealtimeSimulator, type RealtimeSimulatorHandle } from '../../../devstack/realtime';
import { type Harness, startHarness } from '../../../proxy-service/test/support/harness';
import { ModeBySession } from '../../../proxy-service/test/support/modes';
import { OfferingPeer } from '../../../proxy-service/test/support/offerer';
import { silentLogger } from '../../log';
import type { Timers } from '../network/timers';
import { FakeUpstream } from './fakeUpstream.fixture';
import { InterviewService } from './interviewService';
import { EARLY_SOCKET_MAX_IDLE_MS } from './sdpProxyLine';

const CONSENT = { noticeVersion: '2026-12-v1', acceptedAt: '2026-12-01T10:00:00.000Z' };

let sim: RealtimeSimulatorHandle;
let harness: Harness;
let upstream: FakeUpstream;
const peers: OfferingPeer[] = [];
const services: InterviewService[] = [];

beforeAll(async () => {
  sim = await startRealtimeSimulator();
  harness = await startHarness({ openaiUrl: sim.url, apiKey: sim.apiKey, settings: new ModeBySession() });
  upstream = await FakeUpstream.start({ url: harness.url, sign: (sessionId) => harness.token({ sessionId }) });
}, 30_000);

afterEach(async () => {
  for (const service of services.splice(0)) service.dispose();
  await Promise.all(peers.splice(0).map((peer) => peer.close()));
});

afterAll(async () => {
  await upstream?.close();
  await harness?.close();
  await sim?.close();
});

/** Timers fired by the test: the early socket's idle bound, the interview's time limit. */
class ManualTimers implements Timers {
  readonly pending = new Map<number, { callback: () => void; ms: number }>();
  private next = 0;
  setTimeout(callback: () => void, ms: number): unknown {
    this.next += 1;
    this.pending.set(this.next, { callback, ms });
    return this.next;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  fire(ms: number): void {
    for (const [handle, timer] of [...this.pending]) {
      if (timer.ms !== ms) continue;
      this.pending.delete(handle);
      timer.callback();
    }
  }
}

function service(timers?: Timers): InterviewService {
  const s = new InterviewService({
    supabaseUrl: upstream.url,
    anonKey: 'anon',
    stationId: '2b3c4d5e-6f7a-4b2c-9d3e-4f5a6b7c8d9e',
    getAccessToken: async () => 'eyJ.user',
    onSidebandTranscript: () => undefined,
    connectionMode: 'hybrid',
    ...(timers ? { timers } : {}),
    log: silentLogger,
  });
  services.push(s);
  return s;
}

/** interview:start (check-in → device check): returns the new session's id. */
async function startInterview(s: InterviewService): Promise<string> {
  const { sessionId, architecture } = await s.start({ templateId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', companyId: '1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d', candidateRef: 'CAND-1', consent: CONSENT });
  expect(architecture).toBe('hybrid');
  return sessionId;
}

/** The session's open sockets, as the token service counts them. */
const sockets = (sessionId: string) => harness.service.registry.get(sessionId)?.clients.size ?? 0;

/** `session` handshakes the token service has answered: one per socket made ready. */
async function handshakes(): Promise<number> {
  const { values } = await harness.service.metrics.wsMessages.get();
  return values.find((v) => v.labels.type === 'session')?.value ?? 0;
}

/** The renderer's peer with its offer made (Start pressed → createOffer). */
async function offeringPeer(): Promise<{ peer: OfferingPeer; sdp: string }> {
  const peer = new OfferingPeer();
  peers.push(peer);
  return { peer, sdp: await peer.offer() };
}

/** Start pressed: the renderer's offer through main; returns the call id of the answer. */
async function pressStart(s: InterviewService, sessionId: string, offering?: { peer: OfferingPeer; sdp: string }): Promise<string> {
  const { peer, sdp } = offering ?? (await offeringPeer());
  const answer = await s.sdpOffer({ sessionId, sdp });
  await peer.accept(answer.sdp);
  return answer.callId;
}

/** What main recorded of the session's progress (`interview-status`), in order. */
function statusReports(sessionId: string): unknown[] {
  return upstream.calls.filter((c) => c.path === '/functions/v1/interview-status' && c.body['sessionId'] === sessionId).map((c) => c.body['status']);
}

/** The token service's log line for a socket of `sessionId` that closed with `code`. */
function closedWith(sessionId: string, code: number): boolean {
  return harness.logs.lines.some((line) => {
    const record = JSON.parse(line) as { msg?: string; sessionId?: string; code?: number };
    return record.msg === 'socket closed' && record.sessionId === sessionId && record.code === code;
  });
}

describe('the SDP proxy socket opened during the device check', () => {
  it('is open and ready before Start, and Start sends the offer on it (no new socket, no new handshake, no status report)', async () => {
    const s = service();
    const sessionId = await startInterview(s);
    await expect.poll(() => sockets(sessionId), { timeout: 10_000 }).toBe(1);
    await expect.poll(handshakes, { timeout: 10_000 }).toBeGreaterThan(0);
    // `connecting` is recorded during the device check too, not on the way from Start to the answer.
    await expect.poll(() => statusReports(sessionId), { timeout: 10_000 }).toEqual(['connecting']);
    const before = await handshakes();
    expect(await pressStart(s, sessionId)).toMatch(/^rtc_/);
    expect(await handshakes()).toBe(before);
    expect(sockets(sessionId)).toBe(1);
    expect(statusReports(sessionId)).toEqual(['connecting']);
    expect(harness.service.registry.get(sessionId)?.callId).toMatch(/^rtc_/);
  });

  it('is replaced transparently when it died before Start, whether main saw it close or not', async () => {
    const s = service();
    for (const seen of [true, false]) {
      const sessionId = await startInterview(s);
      await expect.poll(() => sockets(sessionId), { timeout: 10_000 }).toBe(1);
      const offering = await offeringPeer();
      // What a token service restart does to it (drain: 1001). Unseen: the offer is sent on it in
      // the same turn of the event loop, before main reads the close, and dies under the offer.
      for (const client of harness.service.registry.get(sessionId)?.clients ?? []) client.close(1001, 'server shutting down');
      if (seen) await expect.poll(() => sockets(sessionId), { timeout: 10_000 }).toBe(0);
      expect(await pressStart(s, sessionId, offering)).toMatch(/^rtc_/);
      await expect.poll(() => sockets(sessionId), { timeout: 10_000 }).toBe(1);
    }
  });

  it('is closed by the station when the interview is cancelled at the device check', async () => {
    const s = service();
    const sessionId = await startInterview(s);
    await expect.poll(() => sockets(sessionId), { timeout: 10_000 }).toBe(1);
    await s.end({ sessionId, reason: 'candidate_left' });
    await expect.poll(() => closedWith(sessionId, 1000), { timeout: 10_000 }).toBe(true);
    expect(sockets(sessionId)).toBe(0);
  });

  it(`is closed after ${EARLY_SOCKET_MAX_IDLE_MS / 60_000} minutes unused, and Start then opens another`, async () => {
    const timers = new ManualTimers();
    const s = service(timers);
    const sessionId = await startInterview(s);
    await expect.poll(() => sockets(sessionId), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => [...timers.pending.values()].some((t) => t.ms === EARLY_SOCKET_MAX_IDLE_MS), { timeout: 10_000 }).toBe(true);
    timers.fire(EARLY_SOCKET_MAX_IDLE_MS);
    await expect.poll(() => closedWith(sessionId, 1000), { timeout: 10_000 }).toBe(true);
    const before = await handshakes();
    expect(await pressStart(s, sessionId)).toMatch(/^rtc_/);
    expect(await handshakes()).toBe(before + 1);
  });
});
