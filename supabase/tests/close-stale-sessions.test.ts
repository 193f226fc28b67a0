// Issue 14: sessions that never end are closed by the server after their template's maximum
// duration plus a grace period (app.close_stale_sessions, scheduled by pg_cron on hosted Supabase
// and by the local stack), so no row stays `live` (or created/connecting) past max + grace.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED } from '../../devstack/supabase/seedUsers';
import { actAs, inRollback, startTestDatabase, type TestDatabase } from './support/database';
import { ACTORS } from './support/rlsMatrix';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => {
  await db?.stop();
});

const A = SEED.acme;
const GRACE_SECONDS = 15 * 60;

/** Creates a session of the seeded template and walks it to `status`; returns its id. */
async function session(tx: Parameters<Parameters<typeof inRollback>[1]>[0], status: 'created' | 'connecting' | 'live' | 'ended'): Promise<string> {
  const id = randomUUID();
  await tx`insert into public.interview_sessions (id, tenant_id, company_id, station_id, template_id, created_by, candidate_ref)
           values (${id}, ${A.tenantId}, ${A.companyId}, ${A.stationId}, ${A.templateId}, ${A.proctorId}, ${`stale-${status}`})`;
  const path = { created: [], connecting: ['connecting'], live: ['connecting', 'live'], ended: ['connecting', 'live', 'ended'] }[status];
  for (const step of path) await tx`update public.interview_sessions set status = ${step}::public.session_status where id = ${id}`;
  return id;
}

/** Rows still open although their maximum plus the grace has passed at `seconds` from now. */
async function overdueAt(tx: Parameters<Parameters<typeof inRollback>[1]>[0], seconds: number): Promise<number> {
  const [row] = await tx<{ n: number }[]>`
    select count(*)::int as n from public.interview_sessions s
    join public.interview_templates t on t.tenant_id = s.tenant_id and t.id = s.template_id
    where s.status in ('created', 'connecting', 'live')
      and coalesce(s.started_at, s.created_at) + make_interval(secs => t.max_duration_seconds) + make_interval(secs => ${GRACE_SECONDS}) < now() + make_interval(secs => ${seconds})`;
  return row!.n;
}

describe('app.close_stale_sessions', () => {
  it('leaves sessions alone within their maximum plus grace, then abandons every open one past it; no row stays live', async () => {
    const outcome = await inRollback(db.sql, async (tx) => {
      const [{ max } = { max: 0 }] = await tx<{ max: number }[]>`select max_duration_seconds as max from public.interview_templates where id = ${A.templateId}`;
      const ids = { created: await session(tx, 'created'), connecting: await session(tx, 'connecting'), live: await session(tx, 'live'), ended: await session(tx, 'ended') };
      await actAs(tx, ACTORS.service);
      const [early] = await tx<{ closed: number }[]>`select app.close_stale_sessions(make_interval(secs => ${GRACE_SECONDS}), now() + make_interval(secs => ${max + GRACE_SECONDS - 60})) as closed`;
      const overdueBefore = await overdueAt(tx, max + GRACE_SECONDS + 1);
      const [late] = await tx<{ closed: number }[]>`select app.close_stale_sessions(make_interval(secs => ${GRACE_SECONDS}), now() + make_interval(secs => ${max + GRACE_SECONDS + 1})) as closed`;
      const overdueAfter = await overdueAt(tx, max + GRACE_SECONDS + 1);
      const rows = await tx<{ id: string; status: string; end_reason: string | null; ended_at: Date | null }[]>`
        select id, status::text as status, end_reason, ended_at from public.interview_sessions where id in ${tx(Object.values(ids))}`;
      const audit = await tx<{ session_id: string; to: string }[]>`
        select session_id, data->>'to' as "to" from public.session_events
        where event_type = 'session.status_changed' and data->>'to' = 'abandoned' and session_id in ${tx(Object.values(ids))}`;
      const [again] = await tx<{ closed: number }[]>`select app.close_stale_sessions(make_interval(secs => ${GRACE_SECONDS}), now() + make_interval(secs => ${max + GRACE_SECONDS + 1})) as closed`;
      return { ids, early, late, again, overdueBefore, overdueAfter, rows, audit };
    });
    const byId = new Map(outcome.rows.map((row) => [row.id, row]));
    // Before max + grace nothing of ours is closed (other open rows in the seed could be; ours are fresh).
    expect(outcome.overdueBefore).toBeGreaterThanOrEqual(3);
    expect(outcome.late?.closed).toBeGreaterThanOrEqual(3);
    expect(outcome.overdueAfter).toBe(0);
    expect(byId.get(outcome.ids.live)).toMatchObject({ status: 'abandoned', end_reason: 'max_duration', ended_at: expect.any(Date) });
    expect(byId.get(outcome.ids.connecting)).toMatchObject({ status: 'abandoned', end_reason: 'connection_lost' });
    expect(byId.get(outcome.ids.created)).toMatchObject({ status: 'abandoned', end_reason: 'connection_lost' });
    // An ended session is left as it was.
    expect(byId.get(outcome.ids.ended)).toMatchObject({ status: 'ended' });
    expect(new Set(outcome.audit.map((a) => a.session_id))).toEqual(new Set([outcome.ids.created, outcome.ids.connecting, outcome.ids.live]));
    expect(outcome.again?.closed).toBe(0);
  });

  it('closes nothing early: within max + grace our fresh sessions stay open', async () => {
    const still = await inRollback(db.sql, async (tx) => {
      const [{ max } = { max: 0 }] = await tx<{ max: number }[]>`select max_duration_seconds as max from public.interview_templates where id = ${A.templateId}`;
      const live = await session(tx, 'live');
      await actAs(tx, ACTORS.service);
      await tx`select app.close_stale_sessions(make_interval(secs => ${GRACE_SECONDS}), now() + make_interval(secs => ${max + GRACE_SECONDS - 60}))`;
      const [row] = await tx<{ status: string }[]>`select status::text as status from public.interview_sessions where id = ${live}`;
      return row?.status;
    });
    expect(still).toBe('live');
  });

  it('may be called by the service role only, not by users or anon', async () => {
    for (const actor of [ACTORS.acmeProctor, ACTORS.acmeAdmin, ACTORS.anon]) {
      const code = await inRollback(db.sql, async (tx) => {
        await actAs(tx, actor);
        try {
          await tx`select app.close_stale_sessions()`;
          return 'allowed';
        } catch (error) {
          return (error as { code?: string }).code;
        }
      });
      expect(code, actor.label).toBe('42501');
    }
  });
});
