// The row-level security matrix against real Postgres: every table x select/insert/update/delete x
// anon, each role of the owning tenant, each role of another tenant, a user_metadata spoofer, a
// non-member, and the service role. Each case runs in its own transaction that is rolled back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actAs, inRollback, startTestDatabase, type TestDatabase } from './support/database';
import { SEED } from '../../devstack/supabase/seedUsers';
import { ACTORS, FIXTURE, FIXTURE_SQL, MATRIX, type ActorName, type Operation } from './support/rlsMatrix';

let db: TestDatabase;

beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => {
  await db?.stop();
});

/** Rows seen (select) or affected (insert/update/delete), or the SQLSTATE of the refusal. */
async function attempt(actor: ActorName, operation: Operation, statement: string): Promise<{ rows: number } | { error: string }> {
  return inRollback(db.sql, async (tx) => {
    await tx.unsafe(FIXTURE_SQL).simple();
    await actAs(tx, ACTORS[actor]);
    try {
      const result = await tx.unsafe(statement);
      return { rows: operation === 'select' ? result.length : result.count };
    } catch (error) {
      return { error: String((error as { code?: string }).code ?? error) };
    }
  });
}

const OPERATIONS: Operation[] = ['select', 'insert', 'update', 'delete'];
const ACTOR_NAMES = Object.keys(ACTORS) as ActorName[];

describe.each(MATRIX)('RLS on $table', ({ sql, allowed }) => {
  for (const operation of OPERATIONS) {
    for (const actor of ACTOR_NAMES) {
      const may = allowed[operation].includes(actor);
      it(`${operation} by ${ACTORS[actor].label}: ${may ? 'allowed' : 'refused'}`, async () => {
        const outcome = await attempt(actor, operation, sql[operation]);
        if (may) {
          expect(outcome).toEqual({ rows: 1 });
        } else if ('rows' in outcome) {
          // Refused without an error: nothing seen, nothing changed.
          expect(outcome.rows).toBe(0);
          expect(operation).not.toBe('insert');
        } else {
          // 42501: permission denied or row-level security violation.
          expect(outcome.error).toBe('42501');
        }
      });
    }
  }
});

describe('RLS beyond the matrix', () => {
  it('a proctor reads only the transcripts of sessions they started', async () => {
    const seen = await inRollback(db.sql, async (tx) => {
      await tx.unsafe(FIXTURE_SQL).simple();
      // The non-member becomes a proctor of the tenant, but not the one who ran the fixture session.
      await tx`insert into public.tenant_members (tenant_id, user_id, role) values (${SEED.acme.tenantId}, ${FIXTURE.userId}, 'proctor')`;
      await actAs(tx, ACTORS.nonMember);
      return (await tx`select id from public.transcript_entries`).length;
    });
    expect(seen).toBe(0);
  });

  it('a proctor cannot change a session column outside the status workflow', async () => {
    const outcome = await inRollback(db.sql, async (tx) => {
      await tx.unsafe(FIXTURE_SQL).simple();
      await actAs(tx, ACTORS.acmeProctor);
      try {
        await tx`update public.interview_sessions set station_id = company_id`;
        return 'updated';
      } catch (error) {
        return (error as { code?: string }).code;
      }
    });
    expect(outcome).toBe('42501');
  });

  it('every public table has row-level security enabled', async () => {
    const rows = await db.sql<{ relname: string; relrowsecurity: boolean }[]>`
      select c.relname, c.relrowsecurity from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'r' order by 1`;
    expect(rows.map((r) => r.relname)).toEqual(MATRIX.map((m) => m.table).sort());
    expect(rows.filter((r) => !r.relrowsecurity)).toEqual([]);
  });
});
