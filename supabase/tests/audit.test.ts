// Audit columns are the database's, not the client's: whoever inserts or updates a row (a member
// through the Data API, or the service role), created_at / updated_at / enrolled_at and a session's
// step stamps are set by triggers to the transaction's time; backdated values are ignored. Sessions
// are created only through app.create_interview_session (what interview-start calls), which takes
// the configuration from the template, never from the caller.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED } from '../../devstack/supabase/seedUsers';
import { actAs, inRollback, startTestDatabase, type TestDatabase } from './support/database';
import { ACTORS, FIXTURE, FIXTURE_SQL, type ActorName } from './support/rlsMatrix';

let db: TestDatabase;

beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => {
  await db?.stop();
});

const A = SEED.acme;
const PAST = '2001-01-01T00:00:00Z';

/** Runs `statement` (which returns the audit columns) as `actor`; true when every one equals now(). */
async function stampedNow(actor: ActorName, statement: string): Promise<Record<string, unknown>> {
  return inRollback(db.sql, async (tx) => {
    await tx.unsafe(FIXTURE_SQL).simple();
    await actAs(tx, ACTORS[actor]);
    const [row] = await tx.unsafe(statement);
    const [{ now }] = (await tx`select now() as now`) as unknown as [{ now: Date }];
    return Object.fromEntries(Object.entries(row ?? {}).map(([k, v]) => [k, v instanceof Date ? v.getTime() === now.getTime() : v]));
  });
}

describe('audit columns are set by the database', () => {
  const inserts: [string, ActorName, string][] = [
    ['tenants', 'service', `insert into public.tenants (name, created_at) values ('T', '${PAST}') returning created_at`],
    ['companies', 'acmeAdmin', `insert into public.companies (tenant_id, name, created_at) values ('${A.tenantId}', 'C', '${PAST}') returning created_at`],
    ['tenant_members', 'acmeAdmin', `insert into public.tenant_members (tenant_id, user_id, role, created_at) values ('${A.tenantId}', '${FIXTURE.userId}', 'recruiter', '${PAST}') returning created_at`],
    ['stations', 'acmeAdmin', `insert into public.stations (tenant_id, name, enrolled_at) values ('${A.tenantId}', 'S', '${PAST}') returning enrolled_at`],
    ['interview_templates', 'acmeRecruiter', `insert into public.interview_templates (tenant_id, name, instructions, created_at, updated_at) values ('${A.tenantId}', 'T', 'Ask.', '${PAST}', '${PAST}') returning created_at, updated_at`],
    // An admin: RETURNING needs the select policy too, and proctors do not read the audit log.
    ['session_events', 'acmeAdmin', `insert into public.session_events (tenant_id, session_id, event_type, actor, created_at) values ('${A.tenantId}', '${FIXTURE.sessionId}', 'note.x', '${A.adminId}', '${PAST}') returning created_at`],
    ['transcript_entries', 'acmeProctor', `insert into public.transcript_entries (tenant_id, session_id, item_id, content_index, speaker, content, "timestamp", source, received_at, created_by, created_at)
       values ('${A.tenantId}', '${FIXTURE.sessionId}', 'item_7', 0, 'ai', 'hi', now(), 'client', now(), '${A.proctorId}', '${PAST}') returning created_at`],
    ['interview_sessions', 'service', `insert into public.interview_sessions (tenant_id, company_id, station_id, template_id, created_by, candidate_ref, created_at, updated_at, ended_at, started_at, connecting_at)
       values ('${A.tenantId}', '${A.companyId}', '${A.stationId}', '${A.templateId}', '${A.proctorId}', 'c', '${PAST}', '${PAST}', '${PAST}', '${PAST}', '${PAST}')
       returning created_at, updated_at, ended_at is null as no_end, started_at is null as no_start, connecting_at is null as no_connect`],
  ];
  for (const [table, actor, statement] of inserts) {
    it(`${table}: an insert cannot backdate its audit columns`, async () => {
      const row = await stampedNow(actor, statement);
      for (const [column, value] of Object.entries(row)) expect(value, column).toBe(true);
    });
  }

  const updates: [string, ActorName, string][] = [
    ['interview_templates', 'acmeRecruiter', `update public.interview_templates set name = 'R', created_at = '${PAST}', updated_at = '${PAST}' where id = '${FIXTURE.templateId}' returning created_at <> '${PAST}' as kept, updated_at`],
    ['companies', 'service', `update public.companies set created_at = '${PAST}' where id = '${FIXTURE.companyId}' returning created_at <> '${PAST}' as kept`],
    ['stations', 'service', `update public.stations set enrolled_at = '${PAST}' where id = '${FIXTURE.stationId}' returning enrolled_at <> '${PAST}' as kept`],
    ['interview_sessions', 'service', `update public.interview_sessions set created_at = '${PAST}', ended_at = '${PAST}', updated_at = '${PAST}' where id = '${FIXTURE.sessionId}'
       returning created_at <> '${PAST}' as kept, ended_at is null as no_end, updated_at`],
  ];
  for (const [table, actor, statement] of updates) {
    it(`${table}: an update cannot rewrite its audit columns`, async () => {
      const row = await stampedNow(actor, statement);
      for (const [column, value] of Object.entries(row)) expect(value, column).toBe(true);
    });
  }
});

describe('sessions are created only by interview-start', () => {
  const create = (actor: ActorName, stationId: string = A.stationId) =>
    inRollback(db.sql, async (tx) => {
      await tx.unsafe(FIXTURE_SQL).simple();
      await tx`update public.interview_templates set model = 'gpt-realtime-mini' where id = ${A.templateId}`;
      await actAs(tx, ACTORS[actor]);
      try {
        const [row] = await tx`
          select id, tenant_id, created_by, status, session_data, created_at = now() as now
          from app.create_interview_session(${A.companyId}, ${A.templateId}, ${stationId}, 'cand-9', 'hybrid', ${tx.json({ room: 'B2' })}, '2026-12-v1', now())`;
        return row;
      } catch (error) {
        return { error: String((error as { code?: string }).code) };
      }
    });

  it('a proctor creates one with the template\'s configuration, as themselves, now', async () => {
    expect(await create('acmeProctor')).toMatchObject({
      tenant_id: A.tenantId,
      created_by: A.proctorId,
      status: 'created',
      now: true,
      session_data: { metadata: { room: 'B2' }, config: { model: 'gpt-realtime-mini', voice: 'marin', language: 'en', maxDurationSeconds: 1800 } },
    });
  });

  it('refuses a recruiter, another tenant, and a station of another tenant', async () => {
    expect(await create('acmeRecruiter')).toEqual({ error: '42501' });
    expect(await create('otherProctor')).toEqual({ error: '23503' });
    expect(await create('acmeProctor', SEED.northwind.stationId)).toEqual({ error: '23503' });
    expect(await create('anon')).toEqual({ error: '42501' });
  });

  it('a proctor cannot insert a session row directly (the Data API path)', async () => {
    const code = await inRollback(db.sql, async (tx) => {
      await actAs(tx, ACTORS.acmeProctor);
      try {
        await tx`insert into public.interview_sessions (tenant_id, company_id, station_id, template_id, created_by, candidate_ref, session_data)
                 values (${A.tenantId}, ${A.companyId}, ${A.stationId}, ${A.templateId}, ${A.proctorId}, 'c', ${tx.json({ config: { model: 'mine' } })})`;
        return 'inserted';
      } catch (error) {
        return String((error as { code?: string }).code);
      }
    });
    expect(code).toBe('42501');
  });
});
