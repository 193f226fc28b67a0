import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RealtimeSimulatorHandle, startRealtimeSimulator } from '../../devstack/realtime/index';
import { type Harness, startHarness } from './support/harness';
import { OfferingPeer } from './support/offerer';
import { ProxyClient } from './support/wsClient';

/**
 * A session token holder cannot make the SDP proxy hold unbounded memory: while an offer is
 * upstream, the messages a socket sends wait in a queue bounded by count and bytes; past either
 * bound the socket is closed with 1008 (policy violation) and the service goes on serving.
 */
let sim: RealtimeSimulatorHandle;
let h: Harness;
let OFFER = '';

beforeAll(async () => {
  const peer = new OfferingPeer();
  OFFER = await peer.offer();
  await peer.close();
  sim = await startRealtimeSimulator();
  h = await startHarness({ openaiUrl: sim.url, apiKey: sim.apiKey, env: { UPSTREAM_TIMEOUT_MS: '10000' } });
});

afterAll(async () => {
  await h?.close();
  await sim?.close();
});

async function floodDuringSlowOffer(message: (sessionId: string) => unknown, count: number) {
  sim.control.addFault({ fault: { kind: 'delay-answer', ms: 3_000 } });
  const sessionId = randomUUID();
  const client = await ProxyClient.open(h.wsUrl, await h.token({ sessionId }));
  client.send({ type: 'offer', sessionId, data: { sdp: OFFER } });
  await new Promise((resolve) => setTimeout(resolve, 200));
  const text = JSON.stringify(message(sessionId));
  for (let i = 0; i < count && client.ws.readyState === client.ws.OPEN; i += 1) client.ws.send(text);
  const closed = await client.closed;
  return { closed };
}

describe('the SDP proxy under a flood', () => {
  it('closes with 1008 when the queue passes its message count, and stays healthy', async () => {
    const { closed } = await floodDuringSlowOffer((sessionId) => ({ type: 'session', sessionId, data: {} }), 5_000);
    expect(closed.code).toBe(1008);
    expect(closed.reason).toBe('RATE_LIMITED');
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    const sessionId = randomUUID();
    const next = await ProxyClient.open(h.wsUrl, await h.token({ sessionId }));
    next.send({ type: 'session', sessionId, data: {} });
    expect((await next.next('session_ready')).data.sessionId).toBe(sessionId);
    next.close();
  });

  it('closes with 1008 when the queue passes its byte bound with few large messages', async () => {
    const big = 'a=x'.padEnd(60_000, 'x');
    const { closed } = await floodDuringSlowOffer((sessionId) => ({ type: 'ice_candidate', sessionId, data: { candidate: big } }), 40);
    expect(closed.code).toBe(1008);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
  });
});
