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
