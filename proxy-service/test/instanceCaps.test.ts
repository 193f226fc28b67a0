import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FlyStandIn, startFlyStandIn } from '../../devstack/fly/index';
import { type RealtimeSimulatorHandle, startRealtimeSimulator } from '../../devstack/realtime/index';
import type { ProcessIsolation } from '../src/isolation/processIsolation';
import { type Harness, newSecret, postJson, startHarness } from './support/harness';
import { ProxyClient, refusedUpgrade } from './support/wsClient';

/**
 * Per-session instances (a child process, a Fly machine) are capped per tenant and overall: one
 * user cannot start one per call. Over the tenant's share → 429 RATE_LIMITED; over the total →
 * 503 CAPACITY_EXCEEDED (both retryable); a slot frees when its session ends or its instance dies.
 */
const ENTRY = path.resolve(import.meta.dirname, '../src/main.ts');
let sim: RealtimeSimulatorHandle;

beforeAll(async () => {
  sim = await startRealtimeSimulator();
});

afterAll(async () => {
  await sim?.close();
});

async function open(h: Harness, tenantId: string) {
  const sessionId = randomUUID();
  const token = await h.token({ sessionId, tenantId });
  return { sessionId, token, attempt: () => ProxyClient.open(h.wsUrl, token) };
}

describe('process isolation caps', () => {
  let h: Harness;
  beforeAll(async () => {
    const secret = newSecret();
    h = await startHarness({
      openaiUrl: sim.url,
      apiKey: sim.apiKey,
      secret,
      env: { ISOLATION: 'process', ISOLATION_MAX_INSTANCES: '2', ISOLATION_MAX_PER_TENANT: '1' },
      overrides: {
        instanceCommand: { command: process.execPath, args: ['--import', 'tsx', ENTRY] },
        env: { PATH: process.env['PATH'], OPENAI_API_KEY: sim.apiKey, OPENAI_BASE_URL: sim.url, SESSION_JWT_SECRET: secret, LOG_LEVEL: 'error' },
      },
    });
  }, 60_000);
  afterAll(() => h?.close());

  it('refuses a tenant past its share (429) and everyone past the total (503), and frees slots', async () => {
    const isolation = h.service.isolation as ProcessIsolation;
    const [tenantA, tenantB, tenantC] = [randomUUID(), randomUUID(), randomUUID()];
    const a1 = await open(h, tenantA);
    const clientA1 = await a1.attempt();
    const a2 = await open(h, tenantA);
    const overTenant = await refusedUpgrade(h.wsUrl, { authorization: `Bearer ${a2.token}` });
    expect([overTenant.status, overTenant.body?.code, overTenant.body?.retryable]).toEqual([429, 'RATE_LIMITED', true]);
    expect(Number(overTenant.retryAfter)).toBeGreaterThanOrEqual(1);

    const b1 = await open(h, tenantB);
    const clientB1 = await b1.attempt();
    const c1 = await open(h, tenantC);
    const overTotal = await refusedUpgrade(h.wsUrl, { authorization: `Bearer ${c1.token}` });
    expect([overTotal.status, overTotal.body?.code, overTotal.body?.retryable]).toEqual([503, 'CAPACITY_EXCEEDED', true]);
    expect(isolation.instances()).toBe(2);

    // A's session ends: its process exits and its slot goes to C.
    expect((await postJson(`${h.url}/api/realtime/sessions/${a1.sessionId}/end`, {}, a1.token)).status).toBe(200);
    await clientA1.closed;
    await expect.poll(() => isolation.instances(), { timeout: 10_000 }).toBe(1);
    const clientC1 = await c1.attempt();
    // B's process dies: its slot is free too.
    process.kill(isolation.pidOf(b1.sessionId) as number, 'SIGKILL');
    await clientB1.closed;
    await expect.poll(() => isolation.instances(), { timeout: 10_000 }).toBe(1);
    const clientA2 = await a2.attempt();
    clientA2.close();
    clientC1.close();
  });
});

describe('fly-machines isolation caps', () => {
  let fly: FlyStandIn;
  let h: Harness;
  beforeAll(async () => {
    const secret = newSecret();
    fly = await startFlyStandIn({
      image: { command: process.execPath, args: ['--import', 'tsx', ENTRY] },
      secrets: { OPENAI_API_KEY: sim.apiKey, OPENAI_BASE_URL: sim.url, SESSION_JWT_SECRET: secret, LOG_LEVEL: 'error' },
    });
    h = await startHarness({
      openaiUrl: sim.url,
      apiKey: sim.apiKey,
      secret,
      env: {
        ISOLATION: 'fly-machines',
        ISOLATION_MAX_INSTANCES: '1',
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
    await h?.close();
    await fly?.close();
  });

  it('creates no machine past the total: 503 CAPACITY_EXCEEDED, counted from the Machines API', async () => {
    const first = await open(h, randomUUID());
    const client = await ProxyClient.open(`${fly.appUrl.replace('http', 'ws')}/ws`, first.token);
    const second = await open(h, randomUUID());
    const refused = await refusedUpgrade(h.wsUrl, { authorization: `Bearer ${second.token}` });
    expect([refused.status, refused.body?.code]).toEqual([503, 'CAPACITY_EXCEEDED']);
    expect(fly.machines({ session_id: second.sessionId })).toHaveLength(0);
    expect(fly.machines({ session_id: first.sessionId })[0]?.config.metadata?.['tenant_id']).toBeTypeOf('string');
    client.close();
  });
});
