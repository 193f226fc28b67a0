// What a proctor may not do even inside their own tenant: rewrite the configuration an interview
// runs with, forge system audit events, or write transcript rows in another user's name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actAs, inRollback, startTestDatabase, type TestDatabase } from './support/database';
import { ACTORS, FIXTURE, FIXTURE_SQL } from './support/rlsMatrix';
import { SEED } from '../../devstack/supabase/seedUsers';

let db: TestDatabase;

beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => {
  await db?.stop();
});

/** Runs `statement` as the Acme proctor on the fixture rows; the Postgres error code, or 'ok'. */
async function asProctor(statement: string): Promise<string> {
  return inRollback(db.sql, async (tx) => {
    await tx.unsafe(FIXTURE_SQL).simple();
    await actAs(tx, ACTORS.acmeProctor);
    try {
      await tx.unsafe(statement);
      return 'ok';
    } catch (error) {
      return String((error as { code?: string }).code);
    }
  });
}

describe('hardening', () => {
  it('lets a proctor end a session but not rewrite its recorded configuration', async () => {
    expect(await asProctor(`update public.interview_sessions set end_detail = 'left early' where id = '${FIXTURE.sessionId}'`)).toBe('ok');
    expect(await asProctor(`update public.interview_sessions set session_data = '{"config":{"model":"gpt-cheap"}}' where id = '${FIXTURE.sessionId}'`)).toBe('42501');
  });

  it('lets a proctor add a note to the audit log but not forge a system event', async () => {
    const insert = (type: string) =>
      `insert into public.session_events (tenant_id, session_id, event_type, actor) values ('${SEED.acme.tenantId}', '${FIXTURE.sessionId}', '${type}', '${SEED.acme.proctorId}')`;
    expect(await asProctor(insert('note.added'))).toBe('ok');
    expect(await asProctor(insert('session.status_changed'))).toBe('42501');
  });

  it('refuses a transcript row written in another user\'s name', async () => {
    const insert = (author: string) =>
      `insert into public.transcript_entries (tenant_id, session_id, item_id, content_index, speaker, content, "timestamp", source, received_at, created_by)
       values ('${SEED.acme.tenantId}', '${FIXTURE.sessionId}', 'item_9', 0, 'ai', 'hi', now(), 'client', now(), '${author}')`;
    expect(await asProctor(insert(SEED.acme.proctorId))).toBe('ok');
    expect(await asProctor(insert(SEED.acme.adminId))).toBe('42501');
  });
});

describe('who may claim what', () => {
  const sideband = (source: string) =>
    `insert into public.transcript_entries (tenant_id, session_id, item_id, content_index, speaker, content, "timestamp", source, received_at, created_by)
     values ('${SEED.acme.tenantId}', '${FIXTURE.sessionId}', 'item_8', 0, 'ai', 'hi', now(), '${source}', now(), '${SEED.acme.proctorId}')`;

  it('refuses a proctor claiming an entry came from the sideband with a user token', async () => {
    expect(await asProctor(sideband('client'))).toBe('ok');
    expect(await asProctor(sideband('sideband'))).toBe('42501');
  });

  it('lets the token service (the session JWT, scoped to this session) write sideband entries', async () => {
    const outcome = await inRollback(db.sql, async (tx) => {
      await tx.unsafe(FIXTURE_SQL).simple();
      await actAs(tx, { ...ACTORS.acmeProctor, claims: { ...ACTORS.acmeProctor.claims, sideband_session_id: FIXTURE.sessionId } });
      await tx.unsafe(sideband('sideband'));
      return 'ok';
    });
    expect(outcome).toBe('ok');
  });

  it('refuses a session JWT scoped to another session claiming the sideband', async () => {
    const outcome = await inRollback(db.sql, async (tx) => {
      await tx.unsafe(FIXTURE_SQL).simple();
      await actAs(tx, { ...ACTORS.acmeProctor, claims: { ...ACTORS.acmeProctor.claims, sideband_session_id: crypto.randomUUID() } });
      try {
        await tx.unsafe(sideband('sideband'));
        return 'ok';
      } catch (error) {
        return String((error as { code?: string }).code);
      }
    });
    expect(outcome).toBe('42501');
  });

  it('lets a proctor add notes only to sessions they started; admins to any of the tenant', async () => {
    const note = (actor: keyof typeof ACTORS, author: string) =>
      inRollback(db.sql, async (tx) => {
        await tx.unsafe(FIXTURE_SQL).simple();
        await actAs(tx, ACTORS[actor]);
        try {
          await tx.unsafe(`insert into public.session_events (tenant_id, session_id, event_type, actor)
                           values ('${SEED.acme.tenantId}', '${FIXTURE.sessionId}', 'note.added', '${author}')`);
          return 'ok';
        } catch (error) {
          return String((error as { code?: string }).code);
        }
      });
    expect(await note('acmeProctor', SEED.acme.proctorId)).toBe('ok');
    expect(await note('acmeOtherProctor', FIXTURE.otherProctorId)).toBe('42501');
    expect(await note('acmeAdmin', SEED.acme.adminId)).toBe('ok');
  });
});
