// Rules the database enforces by itself, whoever the caller: the session status workflow, the
// append-only audit log, tenant-consistent references, the transcript key and its grace period.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED } from '../../devstack/supabase/seedUsers';
import { actAs, inRollback, startTestDatabase, type TestDatabase } from './support/database';
import { ACTORS, FIXTURE, FIXTURE_SQL } from './support/rlsMatrix';

let db: TestDatabase;

beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => {
  await db?.stop();
});

/** Walks the fixture session through `statuses` as the service role; returns each step's outcome. */
async function walk(statuses: string[]): Promise<string[]> {
  return inRollback(db.sql, async (tx) => {
    await tx.unsafe(FIXTURE_SQL).simple();
    await actAs(tx, ACTORS.service);
    const outcomes: string[] = [];
    for (const status of statuses) {
      await tx`savepoint step`;
      try {
        await tx`update public.interview_sessions set status = ${status}::public.session_status where id = ${FIXTURE.sessionId}`;
        outcomes.push(status);
      } catch (error) {
        await tx`rollback to savepoint step`;
        outcomes.push(`refused ${status}: ${(error as { code?: string }).code}`);
      }
    }
    return outcomes;
  });
}

describe('session status workflow', () => {
  it('follows created -> connecting -> live -> ended and stamps each step', async () => {
    expect(await walk(['connecting', 'live', 'ended'])).toEqual(['connecting', 'live', 'ended']);
    const stamps = await inRollback(db.sql, async (tx) => {
      await tx.unsafe(FIXTURE_SQL).simple();
      for (const status of ['connecting', 'live', 'ended']) {
        await tx`update public.interview_sessions set status = ${status}::public.session_status where id = ${FIXTURE.sessionId}`;
      }
      const [row] = await tx`select connecting_at, started_at, ended_at from public.interview_sessions where id = ${FIXTURE.sessionId}`;
      const events = await tx`select event_type, data->>'to' as "to" from public.session_events where session_id = ${FIXTURE.sessionId} order by id`;
      return { row, events };
    });
    expect(stamps.row).toMatchObject({ connecting_at: expect.any(Date), started_at: expect.any(Date), ended_at: expect.any(Date) });
    expect(stamps.events.map((e) => e['to'] ?? e['event_type'])).toEqual(['session.created', 'connecting', 'live', 'ended']);
  });

  it('refuses skipping ahead, going back, and any change after the end', async () => {
    expect(await walk(['live'])).toEqual(['refused live: 23514']);
    expect(await walk(['ended'])).toEqual(['refused ended: 23514']);
    expect(await walk(['connecting', 'created'])).toEqual(['connecting', 'refused created: 23514']);
    expect(await walk(['abandoned', 'connecting'])).toEqual(['abandoned', 'refused connecting: 23514']);
    expect(await walk(['connecting', 'live', 'failed', 'ended'])).toEqual(['connecting', 'live', 'failed', 'refused ended: 23514']);
  });

  it('lets a session that never went live fail or be abandoned', async () => {
    expect(await walk(['failed'])).toEqual(['failed']);
    expect(await walk(['connecting', 'abandoned'])).toEqual(['connecting', 'abandoned']);
  });

  it('refuses a session created in any status but created', async () => {
    const code = await inRollback(db.sql, async (tx) => {
      try {
        await tx`insert into public.interview_sessions (tenant_id, company_id, station_id, template_id, created_by, candidate_ref, status)
                 values (${SEED.acme.tenantId}, ${SEED.acme.companyId}, ${SEED.acme.stationId}, ${SEED.acme.templateId}, ${SEED.acme.proctorId}, 'c', 'live')`;
        return 'inserted';
      } catch (error) {
        return (error as { code?: string }).code;
      }
    });
    expect(code).toBe('23514');
  });
});

describe('tenant-consistent references', () => {
  it('refuses a session pointing at another tenant\'s station, even for the service role', async () => {
    const code = await inRollback(db.sql, async (tx) => {
      try {
        await tx`insert into public.interview_sessions (tenant_id, company_id, station_id, template_id, created_by, candidate_ref)
                 values (${SEED.acme.tenantId}, ${SEED.acme.companyId}, ${SEED.northwind.stationId}, ${SEED.acme.templateId}, ${SEED.acme.proctorId}, 'c')`;
        return 'inserted';
      } catch (error) {
        return (error as { code?: string }).code;
      }
    });
    expect(code).toBe('23503');
  });

  it('refuses a proctor starting a session on a disabled station', async () => {
    const code = await inRollback(db.sql, async (tx) => {
      await tx`update public.stations set disabled_at = now() where id = ${SEED.acme.stationId}`;
      await actAs(tx, ACTORS.acmeProctor);
      try {
        await tx`select app.create_interview_session(${SEED.acme.companyId}, ${SEED.acme.templateId}, ${SEED.acme.stationId}, 'c', 'hybrid', null, '2026-12-v1', now())`;
        return 'inserted';
      } catch (error) {
        return (error as { code?: string }).code;
      }
    });
    expect(code).toBe('23503');
  });
});

describe('transcript entries', () => {
  const insert = (itemId: string, source: 'client' | 'sideband' = 'client') => `
    insert into public.transcript_entries (tenant_id, session_id, item_id, content_index, speaker, content, "timestamp", source, received_at)
    values ('${SEED.acme.tenantId}', '${FIXTURE.sessionId}', '${itemId}', 0, 'ai', 'hi', now(), '${source}', now())
    on conflict do nothing`;
  /** The proctor's claims as interview-transcript sets them for the token service's session JWT. */
  const sidebandOf = (sessionId: string) => ({ ...ACTORS.acmeProctor, claims: { ...ACTORS.acmeProctor.claims, sideband_session_id: sessionId } });

  it('stores one row per key whichever path delivers it', async () => {
    const counts = await inRollback(db.sql, async (tx) => {
      await tx.unsafe(FIXTURE_SQL).simple();
      await actAs(tx, sidebandOf(FIXTURE.sessionId));
      // item_1 was stored by the fixture (source client); the sideband delivers it again.
      const again = await tx.unsafe(insert('item_1', 'sideband'));
      const fresh = await tx.unsafe(insert('item_9', 'sideband'));
      return [again.count, fresh.count];
    });
    expect(counts).toEqual([0, 1]);
  });

  // Writes follow the read rule: another proctor of the tenant neither reads nor writes (not even a
  // re-delivery of an entry that is already stored) the transcripts of a session they did not start.
  it('refuses another proctor of the tenant writing into a session they did not start, even a re-delivery', async () => {
    const outcome = await inRollback(db.sql, async (tx) => {
      await tx.unsafe(FIXTURE_SQL).simple();
      await actAs(tx, ACTORS.acmeOtherProctor);
      const visible = (await tx`select id from public.transcript_entries`).length;
      for (const itemId of ['item_1', 'item_new']) {
        await tx`savepoint attempt`;
        try {
          await tx.unsafe(insert(itemId));
          return [visible, `inserted ${itemId}`];
        } catch (error) {
          await tx`rollback to savepoint attempt`;
          if ((error as { code?: string }).code !== '42501') throw error;
        }
      }
      return [visible, 'refused'];
    });
    expect(outcome).toEqual([0, 'refused']);
  });

  it('accepts late entries during the grace period after the end, not after it', async () => {
    const outcome = await inRollback(db.sql, async (tx) => {
      await tx.unsafe(FIXTURE_SQL).simple();
      await tx`update public.interview_sessions set status = 'abandoned' where id = ${FIXTURE.sessionId}`;
      await actAs(tx, ACTORS.acmeProctor);
      const withinGrace = (await tx.unsafe(insert('item_late'))).count;
      await tx`reset role`;
      // Triggers would refuse touching an ended session; move its end back as a data fix would.
      await tx`set local session_replication_role = replica`;
      await tx`update public.interview_sessions set ended_at = now() - interval '2 days' where id = ${FIXTURE.sessionId}`;
      await tx`set local session_replication_role = origin`;
      await actAs(tx, ACTORS.acmeProctor);
      try {
        await tx.unsafe(insert('item_too_late'));
        return [withinGrace, 'inserted'];
      } catch (error) {
        return [withinGrace, (error as { code?: string }).code];
      }
    });
    expect(outcome).toEqual([1, '42501']);
  });
});
