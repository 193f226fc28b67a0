import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RealtimeSimulatorHandle, startRealtimeSimulator } from '../../devstack/realtime/index';
import type { ProcessIsolation } from '../src/isolation/processIsolation';
import { type Harness, newSecret, postJson, startHarness } from './support/harness';
import { OfferingPeer } from './support/offerer';
import { ProxyClient, refusedUpgrade } from './support/wsClient';

/**
 * `ISOLATION=process`: one child process per session on a free port. The front door
 * authenticates and pipes; each child serves its own session only, is cleaned up when the session
 * ends or the child crashes, and a new one starts on the next request.
 */
const ENTRY = path.resolve(import.meta.dirname, '../src/main.ts');

let sim: RealtimeSimulatorHandle;
let h: Harness;
let isolation: ProcessIsolation;
const peers: OfferingPeer[] = [];

beforeAll(async () => {
  sim = await startRealtimeSimulator();
  const secret = newSecret();
  const childEnv = {
    PATH: process.env['PATH'],
    OPENAI_API_KEY: sim.apiKey,
    OPENAI_BASE_URL: sim.url,
    SESSION_JWT_SECRET: secret,
    LOG_LEVEL: 'error',
  };
  h = await startHarness({
    openaiUrl: sim.url,
    apiKey: sim.apiKey,
    secret,
    env: { ISOLATION: 'process' },
    // The children run the service's own entry point (through tsx here; `node dist/main.cjs` in the image).
    overrides: { instanceCommand: { command: process.execPath, args: ['--import', 'tsx', ENTRY] }, env: childEnv },
  });
  isolation = h.service.isolation as ProcessIsolation;
}, 60_000);

afterAll(async () => {
  for (const peer of peers) await peer.close();
  await h?.close();
  // Closing the front stops every child it started.
  expect(isolation.instances()).toBe(0);
  await sim?.close();
});

/** Opens a (hybrid) session's socket through the front door, which starts the session's process. */
async function connect(sessionId: string) {
  const token = await h.token({ sessionId });
  const client = await ProxyClient.open(h.wsUrl, token);
  client.send({ type: 'session', sessionId, data: {} });
  await client.next('session_ready');
  return { token, client, url: (await isolation.websocketUrlFor(sessionId)) ?? '' };
}

describe('process isolation', () => {
  it('gives each session its own process, reached through the front door or directly', async () => {
    const a = randomUUID();
    const b = randomUUID();
    const connA = await connect(a);
    const connB = await connect(b);
    connB.client.close();
    const urlA = connA.url;
    const urlB = connB.url;
    expect(urlA).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
    expect(urlA).not.toBe(urlB);
    expect(urlA).not.toBe(h.wsUrl);
    expect(isolation.instances()).toBe(2);
    expect(isolation.pidOf(a)).not.toBe(isolation.pidOf(b));

    // Through the front door: the socket is piped to A's process, which answers the offer.
    const client = connA.client;
    const peer = new OfferingPeer();
    peers.push(peer);
    client.send({ type: 'offer', sessionId: a, data: { sdp: await peer.offer() } });
    const answer = await client.next('answer');
    await peer.accept(answer.data.sdp);
    expect(sim.control.call(answer.data.callId)?.sidebands).toBeLessThanOrEqual(1);

    // A's process serves A only: B's valid token is refused there.
    const foreign = await refusedUpgrade(urlA, { authorization: `Bearer ${connB.token}` });
    expect([foreign.status, foreign.body?.code]).toEqual([403, 'NOT_AUTHORIZED']);
    const direct = await ProxyClient.open(urlB, connB.token);
    direct.send({ type: 'session', sessionId: b, data: {} });
    expect((await direct.next('session_ready')).data.sessionId).toBe(b);
    direct.close();

    // Ending A hangs up its call and its process exits; B's goes on.
    const end = await postJson(`${h.url}/api/realtime/sessions/${a}/end`, {}, connA.token);
    expect(end.json).toEqual({ sessionId: a, ended: true, alreadyEnded: false });
    expect((await client.next('session_ended')).data.reason).toBe('ended_by_client');
    await expect.poll(() => sim.control.call(answer.data.callId)?.state).toBe('ended');
    await expect.poll(() => isolation.pidOf(a), { timeout: 10_000 }).toBeUndefined();
    expect(isolation.instances()).toBe(1);
    // The front door remembers: A gets nothing more.
    expect((await refusedUpgrade(h.wsUrl, { authorization: `Bearer ${connA.token}` })).body?.code).toBe('SESSION_ENDED');
  });

  it('cleans up after a crashed instance and starts a fresh one on the next request', async () => {
    const sessionId = randomUUID();
    const first = await connect(sessionId);
    const pid = isolation.pidOf(sessionId);
    expect(pid).toBeTypeOf('number');
    const before = isolation.instances();
    process.kill(pid as number, 'SIGKILL');
    await expect.poll(() => isolation.pidOf(sessionId), { timeout: 10_000 }).toBeUndefined();
    expect(isolation.instances()).toBe(before - 1);
    expect((await first.client.closed).code).toBe(1006);
    const second = await connect(sessionId);
    expect(isolation.pidOf(sessionId)).not.toBe(pid);
    expect(second.url).not.toBe(first.url);
    second.client.close();
  });
});
