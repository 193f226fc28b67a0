import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FlyStandIn, startFlyStandIn } from '../../devstack/fly/index';
import { type RealtimeSimulatorHandle, startRealtimeSimulator } from '../../devstack/realtime/index';
import { type Harness, newSecret, postJson, startHarness } from './support/harness';
import { OfferingPeer } from './support/offerer';
import { ModeBySession } from './support/modes';
import { ProxyClient, refusedUpgrade } from './support/wsClient';

/**
 * `ISOLATION=fly-machines` against the local Fly stand-in (devstack/fly): a machine per session
 * through the Machines API, found again by its metadata, reached with `fly-replay`, destroyed
 * when its session ends.
 */
const ENTRY = path.resolve(import.meta.dirname, '../src/main.ts');

let sim: RealtimeSimulatorHandle;
let fly: FlyStandIn;
let h: Harness;
const modes = new ModeBySession();
const peers: OfferingPeer[] = [];

beforeAll(async () => {
  sim = await startRealtimeSimulator();
  const secret = newSecret();
  // The app's secrets, as `fly secrets set` gives them to every machine of the app.
  fly = await startFlyStandIn({
    image: { command: process.execPath, args: ['--import', 'tsx', ENTRY] },
    secrets: { OPENAI_API_KEY: sim.apiKey, OPENAI_BASE_URL: sim.url, SESSION_JWT_SECRET: secret, LOG_LEVEL: 'error' },
  });
  h = await startHarness({
    openaiUrl: sim.url,
    apiKey: sim.apiKey,
    secret,
    settings: modes,
    env: {
      ISOLATION: 'fly-machines',
      FLY_API_URL: fly.apiUrl,
      FLY_API_TOKEN: fly.apiToken,
      FLY_APP_NAME: fly.app,
      FLY_MACHINE_IMAGE: 'registry.fly.io/interview-station-token-service:test',
      PUBLIC_URL: fly.appUrl,
    },
  });
  fly.routeAppTo(h.url);
}, 60_000);

afterAll(async () => {
  for (const peer of peers) await peer.close();
  await h?.close();
  await fly?.close();
  await sim?.close();
});

describe('fly-machines isolation', () => {
  it('creates one machine per session, routes its socket there with fly-replay, and it is destroyed when the session ends', async () => {
    const sessionId = randomUUID();
    const token = await h.token({ sessionId });
    // The (hybrid) session's socket goes to the app, which starts the session's machine and replays
    // the socket there; the machine answers the offer.
    const client = await ProxyClient.open(`${fly.appUrl.replace('http', 'ws')}/ws`, token);
    const machines = fly.machines({ session_id: sessionId });
    expect(machines.map((m) => m.state)).toEqual(['started']);
    expect(machines[0]?.config.auto_destroy).toBe(true);
    expect(machines[0]?.config['services']).toEqual([expect.objectContaining({ internal_port: 8080 })]);
    // Another socket of the session finds the same machine instead of creating another.
    const second = await ProxyClient.open(`${fly.appUrl.replace('http', 'ws')}/ws`, token);
    second.close();
    expect(fly.machines({ session_id: sessionId })).toHaveLength(1);

    const peer = new OfferingPeer();
    peers.push(peer);
    client.send({ type: 'offer', sessionId, data: { sdp: await peer.offer() } });
    const answer = await client.next('answer');
    await peer.accept(answer.data.sdp);
    expect(h.service.registry.get(sessionId)).toBeUndefined(); // the front door holds nothing of it

    // Fly's load balancer may hand a session machine another session's request: it replays it
    // elsewhere. A direct session's key needs no machine at all.
    const other = modes.direct(randomUUID());
    const misrouted = await postJson(`${fly.appUrl}/api/realtime/sessions`, { sessionId: other }, await h.token({ sessionId: other }), {
      'fly-force-instance-id': machines[0]?.id ?? '',
    });
    expect(misrouted.status).toBe(200);
    expect(fly.machines({ session_id: other })).toHaveLength(0);

    // Ending goes to the machine too: the call is hung up, the machine exits and is destroyed.
    const end = await postJson(`${fly.appUrl}/api/realtime/sessions/${sessionId}/end`, {}, token);
    expect(end.json).toEqual({ sessionId, ended: true, alreadyEnded: false });
    expect((await client.next('session_ended')).data.reason).toBe('ended_by_client');
    await expect.poll(() => sim.control.call(answer.data.callId)?.state).toBe('ended');
    await expect.poll(() => fly.machines({ session_id: sessionId }).length, { timeout: 10_000 }).toBe(0);
    expect((await postJson(`${fly.appUrl}/api/realtime/sessions`, { sessionId }, token)).json.code).toBe('SESSION_ENDED');
  });

  it('answers VM_PROVISIONING_FAILED (retryable) when machines cannot be created, before calling OpenAI', async () => {
    const broken = await startHarness({
      openaiUrl: sim.url,
      apiKey: sim.apiKey,
      env: { ISOLATION: 'fly-machines', FLY_API_URL: fly.apiUrl, FLY_API_TOKEN: 'not-the-token', FLY_APP_NAME: fly.app, FLY_MACHINE_IMAGE: 'x' },
    });
    try {
      const refused = await refusedUpgrade(broken.wsUrl, { authorization: `Bearer ${await broken.token()}` });
      expect([refused.status, refused.body?.code, refused.body?.retryable]).toEqual([503, 'VM_PROVISIONING_FAILED', true]);
      expect(broken.upstream.total).toBe(0);
    } finally {
      await broken.close();
    }
  });
});
