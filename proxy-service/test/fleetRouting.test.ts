import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RealtimeSimulatorHandle, startRealtimeSimulator } from '../../devstack/realtime/index';
import { SEED } from '../../devstack/supabase/seedUsers';
import { startTestDatabase, type TestDatabase } from '../../supabase/tests/support/database';
import { type Harness, newSecret, postJson, startHarness } from './support/harness';
import { rawRequest } from './support/rawHttp';
import { ProxyClient } from './support/wsClient';

/**
 * Two machines of the fleet (FLY_MACHINE_ID + DATABASE_URL as the `token_service` role), in this
 * process, on real Postgres: a session's first request makes its machine the owner; the other
 * machine answers its upgrades and its end with `fly-replay: instance=<owner>`; a request Fly
 * already replayed is not replayed again; the owner's end frees the session; a drain hands the
 * leases back so the other machine takes the session over.
 */
let db: TestDatabase;
let sim: RealtimeSimulatorHandle;
let m1: Harness;
let m2: Harness;
const A = SEED.acme;

beforeAll(async () => {
  [db, sim] = await Promise.all([startTestDatabase(), startRealtimeSimulator()]);
  await db.sql.unsafe(`alter role token_service with login password 'fleet-routing'`);
  const url = new URL(db.pg.dbUrl);
  url.username = 'token_service';
  url.password = 'fleet-routing';
  const secret = newSecret();
  const machine = (id: string) =>
    startHarness({ openaiUrl: sim.url, apiKey: sim.apiKey, secret, env: { FLY_MACHINE_ID: id, DATABASE_URL: url.toString(), FLEET_LEASE_SECONDS: '30' } });
  [m1, m2] = await Promise.all([machine('m1'), machine('m2')]);
}, 60_000);

afterAll(async () => {
  await Promise.all([m1?.close(), m2?.close()]);
  await sim?.close();
  await db?.stop();
});

/** A hybrid session of the seeded tenant, and its token. */
async function session(): Promise<{ sessionId: string; token: string }> {
  const sessionId = randomUUID();
  await db.sql`insert into public.interview_sessions (id, tenant_id, company_id, station_id, template_id, created_by, candidate_ref)
               values (${sessionId}, ${A.tenantId}, ${A.companyId}, ${A.stationId}, ${A.templateId}, ${A.proctorId}, 'routing')`;
  return { sessionId, token: await m1.token({ sessionId, tenantId: A.tenantId, sub: A.proctorId }) };
}

const upgrade = (h: Harness, token: string, extra = '') =>
  rawRequest(
    h.url,
    `GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${Buffer.from(randomUUID()).toString('base64').slice(0, 24)}\r\nAuthorization: Bearer ${token}\r\n${extra}\r\n`,
  );
const owner = async (sessionId: string) => (await db.sql<{ machine_id: string }[]>`select machine_id from app.token_service_owners where session_id = ${sessionId}`)[0]?.machine_id ?? null;

describe('a session across two machines of the fleet', () => {
  it('is served by its owner; the other machine replays its upgrade and its end there, once', async () => {
    const { sessionId, token } = await session();
    const client = await ProxyClient.open(m1.wsUrl, token);
    expect(await owner(sessionId)).toBe('m1');

    const replayed = await upgrade(m2, token);
    expect([replayed.status, replayed.headers['fly-replay']]).toEqual([307, 'instance=m1']);
    // Fly replays once: a request it already replayed that finds another owner is refused, retryable.
    const twice = await upgrade(m2, token, 'fly-replay-src: instance=m2\r\n');
    expect([twice.status, twice.json?.code, twice.json?.retryable]).toEqual([503, 'UPSTREAM_UNAVAILABLE', true]);

    const endElsewhere = await postJson(`${m2.url}/api/realtime/sessions/${sessionId}/end`, {}, token);
    expect([endElsewhere.status, endElsewhere.headers.get('fly-replay')]).toEqual([307, 'instance=m1']);
    expect(m1.service.registry.get(sessionId)).toBeDefined();
    const ended = await postJson(`${m1.url}/api/realtime/sessions/${sessionId}/end`, {}, token);
    expect([ended.status, ended.json['ended']]).toEqual([200, true]);
    await client.next('session_ended');
    await expect.poll(() => owner(sessionId)).toBeNull();
  });

  it('moves a drained machine\'s session to the machine that next gets a request for it', async () => {
    const { sessionId, token } = await session();
    const third = await startHarness({ openaiUrl: sim.url, apiKey: sim.apiKey, secret: m1.secret, env: { ...pick(m1.config), FLY_MACHINE_ID: 'm3' } });
    const client = await ProxyClient.open(third.wsUrl, token);
    expect(await owner(sessionId)).toBe('m3');
    expect((await upgrade(m2, token)).headers['fly-replay']).toBe('instance=m3');
    await third.service.drain(500);
    client.close();
    const moved = await ProxyClient.open(m2.wsUrl, token);
    expect(await owner(sessionId)).toBe('m2');
    moved.close();
  });
});

/** The environment a machine was started with that another machine of the app shares. */
function pick(config: Harness['config']): Record<string, string> {
  return { DATABASE_URL: config.DATABASE_URL ?? '', FLEET_LEASE_SECONDS: String(config.FLEET_LEASE_SECONDS) };
}
