// Issue 13: the token service's least-privilege role and the fleet's shared state (session owners,
// rate-limit buckets), against real Postgres. The role may read exactly the columns that configure
// a call and call the fleet functions; nothing else. Ownership is taken over atomically: of several
// machines claiming (or sweeping) a lapsed session at the same moment, exactly one becomes owner.
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED } from '../../devstack/supabase/seedUsers';
import { actAs, inRollback, startTestDatabase, type TestDatabase } from './support/database';
import { ACTORS } from './support/rlsMatrix';

let db: TestDatabase;
/** Ten connections, so concurrent claims really run in separate sessions. */
let pool: postgres.Sql;
beforeAll(async () => {
  db = await startTestDatabase();
  pool = postgres(db.pg.dbUrl, { max: 10, onnotice: () => undefined });
});
afterAll(async () => {
  await pool?.end({ timeout: 1 });
  await db?.stop();
});

const A = SEED.acme;
const HOUR = new Date(Date.now() + 3_600_000);

type Tx = postgres.TransactionSql;
const asService = async (tx: Tx) => void (await tx.unsafe('set local role token_service'));

/** A committed session of the seeded template (the fleet functions are used across transactions). */
async function newSession(): Promise<string> {
  const id = randomUUID();
  await db.sql`insert into public.interview_sessions (id, tenant_id, company_id, station_id, template_id, created_by, candidate_ref)
               values (${id}, ${A.tenantId}, ${A.companyId}, ${A.stationId}, ${A.templateId}, ${A.proctorId}, 'fleet')`;
  return id;
}

/** `app.token_service_claim` as the token service, in its own committed transaction. */
async function claim(sessionId: string, machine: string, leaseSeconds = 30, tenant: string = A.tenantId) {
  return pool.begin(async (tx) => {
    await asService(tx);
    return tx<{ owner: string; call_id: string | null; taken_over: boolean }[]>`
      select * from app.token_service_claim(${sessionId}, ${tenant}, ${A.proctorId}, ${HOUR}, ${machine}, ${leaseSeconds})`;
  });
}

/** Expires a session's lease now (what a dead machine's missing heartbeats amount to). */
const lapse = (sessionId: string) => db.sql`update app.token_service_owners set lease_until = now() - interval '1 second' where session_id = ${sessionId}`;

/** The error Postgres raises for `work` run as the token service, or null when it runs. */
async function refusal(work: (tx: Tx) => Promise<unknown>): Promise<string | null> {
  try {
    await inRollback(db.sql, async (tx) => {
      await asService(tx);
      await work(tx);
    });
    return null;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

describe('the token_service role', () => {
  it('reads every tenant\'s session and template columns that configure a call, and nothing more', async () => {
    const rows = await inRollback(db.sql, async (tx) => {
      await asService(tx);
      return tx<{ tenant_id: string }[]>`
        select s.tenant_id, s.status, s.architecture, s.session_data, t.model, t.voice, t.instructions, t.language, t.max_duration_seconds
        from public.interview_sessions s join public.interview_templates t on t.tenant_id = s.tenant_id and t.id = s.template_id`;
    });
    const all = await db.sql<{ n: number }[]>`select count(*)::int as n from public.interview_sessions`;
    expect(rows.length).toBe(all[0]!.n);
    // 42501: insufficient_privilege.
    expect(await refusal((tx) => tx`select candidate_ref from public.interview_sessions`)).toBe('42501');
    expect(await refusal((tx) => tx`select created_by from public.interview_sessions`)).toBe('42501');
    expect(await refusal((tx) => tx`select content from public.transcript_entries`)).toBe('42501');
    expect(await refusal((tx) => tx`select * from public.tenants`)).toBe('42501');
    expect(await refusal((tx) => tx`update public.interview_sessions set status = 'ended'`)).toBe('42501');
    expect(await refusal((tx) => tx`select * from app.token_service_owners`)).toBe('42501');
    expect(await refusal((tx) => tx`insert into app.token_service_buckets (key, tokens, updated_at) values ('x', 1000, now())`)).toBe('42501');
    expect(await refusal((tx) => tx`select app.close_stale_sessions()`)).toBe('42501');
  });

  it('is the only API role that may call the fleet functions', async () => {
    const sessionId = await newSession();
    for (const actor of [ACTORS.anon, ACTORS.acmeProctor, ACTORS.acmeAdmin, ACTORS.service]) {
      const code = await inRollback(db.sql, async (tx) => {
        await actAs(tx, actor);
        try {
          await tx`select * from app.token_service_claim(${sessionId}, ${A.tenantId}, ${A.proctorId}, ${HOUR}, 'intruder', 30)`;
          return null;
        } catch (error) {
          return (error as { code?: string }).code ?? 'other';
        }
      }).catch((error: { code?: string }) => error.code ?? 'other');
      expect([actor.label, code]).toEqual([actor.label, '42501']);
    }
    expect(await claim(sessionId, 'm1')).toEqual([{ owner: 'm1', call_id: null, taken_over: false }]);
  });
});

describe('session ownership', () => {
  it('keeps one owner while its lease lives, and refuses an ended or foreign session', async () => {
    const sessionId = await newSession();
    expect((await claim(sessionId, 'm1'))[0]).toMatchObject({ owner: 'm1', taken_over: false });
    expect((await claim(sessionId, 'm2'))[0]).toMatchObject({ owner: 'm1', taken_over: false });
    expect((await claim(sessionId, 'm1'))[0]).toMatchObject({ owner: 'm1', taken_over: false });
    // Another tenant's id for the same session: no row, so the caller owns nothing.
    expect(await claim(sessionId, 'm2', 30, SEED.northwind.tenantId)).toEqual([]);
    await db.sql`update public.interview_sessions set status = 'abandoned' where id = ${sessionId}`;
    expect(await claim(randomUUID(), 'm2')).toEqual([]);
    expect(await claim(sessionId, 'm2')).toEqual([]);
  });

  it('gives a lapsed session to exactly one of ten machines claiming it at once', async () => {
    for (let round = 0; round < 5; round++) {
      const sessionId = await newSession();
      await claim(sessionId, 'dead');
      await pool.begin(async (tx) => {
        await asService(tx);
        await tx`select app.token_service_set_call('dead', ${sessionId}, 'rtc_abc')`;
      });
      await lapse(sessionId);
      const answers = (await Promise.all(Array.from({ length: 10 }, (_, i) => claim(sessionId, `m${i}`)))).map((rows) => rows[0]!);
      const winners = answers.filter((a) => a.taken_over);
      expect(winners).toHaveLength(1);
      // Everyone is told the same owner, the one that took it over; the call id travels with it.
      expect(new Set(answers.map((a) => a.owner))).toEqual(new Set([winners[0]!.owner]));
      expect(answers.every((a) => a.call_id === 'rtc_abc')).toBe(true);
    }
  });

  it('serialises two claims on the row lock: the second sees the first\'s takeover', async () => {
    const sessionId = await newSession();
    await claim(sessionId, 'dead');
    await lapse(sessionId);
    let second: Promise<{ owner: string; taken_over: boolean }[]> | null = null;
    const first = await pool.begin(async (tx) => {
      await asService(tx);
      const rows = await tx<{ owner: string; taken_over: boolean }[]>`
        select * from app.token_service_claim(${sessionId}, ${A.tenantId}, ${A.proctorId}, ${HOUR}, 'm1', 30)`;
      // m2 claims while m1's transaction still holds the row: it waits, then sees m1.
      second = claim(sessionId, 'm2');
      await new Promise((resolve) => setTimeout(resolve, 300));
      return rows;
    });
    expect(first[0]).toMatchObject({ owner: 'm1', taken_over: true });
    expect((await second!)[0]).toMatchObject({ owner: 'm1', taken_over: false });
  });

  it('heartbeats renew only a machine\'s own leases; a drain hands them all back; sweeps split lapsed sessions', async () => {
    const [s1, s2, s3] = [await newSession(), await newSession(), await newSession()];
    await claim(s1, 'hb1');
    await claim(s2, 'hb1');
    await claim(s3, 'gone');
    await lapse(s3);
    const owned = await pool.begin(async (tx) => {
      await asService(tx);
      return (await tx<{ s: string }[]>`select s from app.token_service_heartbeat('hb1', 30) as s`).map((r) => r.s);
    });
    expect(owned.sort()).toEqual([s1, s2].sort());
    // Two machines sweep at once: the lapsed session is taken over by one of them only.
    const sweep = (machine: string) =>
      pool.begin(async (tx) => {
        await asService(tx);
        return tx<{ session_id: string; call_id: string | null; subject: string }[]>`select * from app.token_service_sweep(${machine}, 30, 1000)`;
      });
    const swept = await Promise.all([sweep('sw1'), sweep('sw2')]);
    const mine = swept.flat().filter((row) => row.session_id === s3);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.subject).toBe(A.proctorId);
    const released = await pool.begin(async (tx) => {
      await asService(tx);
      return tx<{ n: number }[]>`select app.token_service_release('hb1') as n`;
    });
    expect(released[0]!.n).toBe(2);
    // A drain's sessions lapse at once: the next claimer takes them over.
    expect((await claim(s1, 'next'))[0]).toMatchObject({ owner: 'next', taken_over: true });
    const ended = await pool.begin(async (tx) => {
      await asService(tx);
      return tx<{ n: number }[]>`select app.token_service_release('next', ${s1}) as n`;
    });
    expect(ended[0]!.n).toBe(1);
    expect((await claim(s1, 'other'))[0]).toMatchObject({ owner: 'other', taken_over: false });
  });
});

describe('shared rate limits', () => {
  it('grants a burst, then refuses with the seconds until the next token, across connections', async () => {
    const key = `tenant:${randomUUID()}`;
    const take = () =>
      pool.begin(async (tx) => {
        await asService(tx);
        return (await tx<{ wait: number }[]>`select app.token_service_take(${key}, 6, 5) as wait`)[0]!.wait;
      });
    const waits = await Promise.all(Array.from({ length: 12 }, take));
    expect(waits.filter((w) => w === 0)).toHaveLength(5);
    // 6 per minute: one token every 10 s.
    expect(Math.max(...waits)).toBeLessThanOrEqual(10);
    expect(Math.min(...waits.filter((w) => w > 0))).toBeGreaterThanOrEqual(1);
    expect(await refusal((tx) => tx`select app.token_service_take('k', 0, 5)`)).toBe('22023');
  });
});
