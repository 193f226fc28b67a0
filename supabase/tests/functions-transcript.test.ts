// interview-transcript through the unmodified supabase-js client: idempotent batches, tenant
// isolation, the end-of-session grace period, malformed bodies and expired tokens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InterviewStartResponseSchema } from '../../contracts/edge';
import type { SupabaseClient } from '@supabase/supabase-js';
import { SEED, SEED_PASSWORD } from '../../devstack/supabase/seedUsers';
import { invoke, signedIn, supabaseClient } from './support/clients';
import { acmeStart, entries, expiredProctorToken, post, signInAs, startFunctionsFixture, written, type FunctionsFixture } from './support/functionsFixture';

let fx: FunctionsFixture;
let proctor: SupabaseClient;

beforeAll(async () => {
  fx = await startFunctionsFixture();
  proctor = await signInAs(fx.stack, 'proctor@acme.test');
});
afterAll(async () => {
  await fx?.stop();
});

async function newSession(): Promise<string> {
  return InterviewStartResponseSchema.parse((await invoke(proctor, 'interview-start', acmeStart())).body).sessionId;
}

const stored = async (sessionId: string) =>
  (await fx.sql`select count(*)::int as n from public.transcript_entries where session_id = ${sessionId}`)[0]?.['n'];

describe('interview-transcript', () => {
  it('stores a batch under RLS; the same batch again counts only duplicates', async () => {
    const sessionId = await newSession();
    const batch = { sessionId, entries: entries(sessionId, 3) };
    expect(await invoke(proctor, 'interview-transcript', batch)).toEqual({ status: 200, body: { accepted: 3, duplicates: 0 } });
    expect(await invoke(proctor, 'interview-transcript', batch)).toEqual({ status: 200, body: { accepted: 0, duplicates: 3 } });
    expect(await stored(sessionId)).toBe(3);

    // Two already stored, one new, and one repeated inside the batch itself.
    const mixed = { sessionId, entries: [...entries(sessionId, 2, 1), ...entries(sessionId, 1, 3), ...entries(sessionId, 1, 3)] };
    expect(await invoke(proctor, 'interview-transcript', mixed)).toEqual({ status: 200, body: { accepted: 1, duplicates: 3 } });
    const rows = await fx.sql`select item_id, speaker, content, source, created_by from public.transcript_entries where session_id = ${sessionId} order by "timestamp"`;
    expect(rows.map((r) => r['item_id'])).toEqual(['item_0', 'item_1', 'item_2', 'item_3']);
    expect(rows[0]).toMatchObject({ speaker: 'ai', content: 'utterance 0', source: 'client' });
  });

  it('accepts a full batch of 500 and refuses 501', async () => {
    const sessionId = await newSession();
    expect(await invoke(proctor, 'interview-transcript', { sessionId, entries: entries(sessionId, 500) })).toEqual({
      status: 200,
      body: { accepted: 500, duplicates: 0 },
    });
    const tooMany = await invoke(proctor, 'interview-transcript', { sessionId, entries: entries(sessionId, 501, 1000) });
    expect(tooMany).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', field: 'entries' } });
    expect(await stored(sessionId)).toBe(500);
  });

  it('refuses another tenant\'s session as not found, and a recruiter as forbidden, writing nothing', async () => {
    const sessionId = await newSession();
    const before = await written(fx.sql);
    const other = await signInAs(fx.stack, 'proctor@northwind.test');
    expect(await invoke(other, 'interview-transcript', { sessionId, entries: entries(sessionId, 2) })).toMatchObject({
      status: 404,
      body: { code: 'SESSION_NOT_FOUND', field: 'sessionId' },
    });
    const recruiter = await signInAs(fx.stack, 'recruiter@acme.test');
    expect(await invoke(recruiter, 'interview-transcript', { sessionId, entries: entries(sessionId, 2) })).toMatchObject({ status: 403 });
    expect(await written(fx.sql)).toEqual(before);
  });

  it('answers malformed bodies with 400 naming the field, writing nothing', async () => {
    const sessionId = await newSession();
    const before = await written(fx.sql);
    const [entry] = entries(sessionId, 1);
    const cases: [unknown, string][] = [
      [{ sessionId, entries: [] }, 'entries'],
      [{ sessionId, entries: [{ ...entry, sessionId: crypto.randomUUID() }] }, 'entries[0].sessionId'],
      [{ sessionId, entries: [{ ...entry, speaker: 'narrator' }] }, 'entries[0].speaker'],
      [{ sessionId, entries: [{ ...entry, itemId: '../etc/passwd' }] }, 'entries[0].itemId'],
      [{ sessionId, entries: [{ ...entry, content: 'x'.repeat(20_001) }] }, 'entries[0].content'],
      [{ sessionId, entries: [{ ...entry, extra: true }] }, 'entries[0].extra'],
    ];
    for (const [body, field] of cases) {
      expect(await invoke(proctor, 'interview-transcript', body)).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', field } });
    }
    const notJson = await fetch(`${fx.stack.supabaseUrl}/functions/v1/interview-transcript`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${(await proctor.auth.getSession()).data.session!.access_token}` },
      body: '{"sessionId":',
    });
    expect(notJson.status).toBe(400);
    expect(await written(fx.sql)).toEqual(before);
  });

  it('answers 401 to an expired token, writing nothing', async () => {
    const sessionId = await newSession();
    const before = await written(fx.sql);
    const anon = supabaseClient(fx.stack.supabaseUrl, fx.stack.anonKey);
    const result = await invoke(anon, 'interview-transcript', { sessionId, entries: entries(sessionId, 1) }, {
      Authorization: `Bearer ${await expiredProctorToken(fx.stack)}`,
    });
    // The gateway's verify_jwt refuses it first, as on the platform; the function refuses it too.
    expect(result).toMatchObject({ status: 401, body: { message: 'Invalid JWT' } });
    const direct = await post(fx.stack.functionsUrl, 'interview-transcript', await expiredProctorToken(fx.stack), { sessionId, entries: entries(sessionId, 1) });
    expect(direct).toMatchObject({ status: 401, body: { code: 'AUTHENTICATION_FAILED', message: 'token expired' } });
    expect(await written(fx.sql)).toEqual(before);
  });

  it('accepts late entries shortly after the end, and refuses a session that ended long ago', async () => {
    const sessionId = await newSession();
    await invoke(proctor, 'interview-end', { sessionId, reason: 'completed' });
    expect(await invoke(proctor, 'interview-transcript', { sessionId, entries: entries(sessionId, 1) })).toMatchObject({ status: 200, body: { accepted: 1 } });
    // Ended two days ago (moved back with triggers off, as a data fix would).
    await fx.sql.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await tx`update public.interview_sessions set ended_at = now() - interval '2 days' where id = ${sessionId}`;
    });
    const late = await invoke(proctor, 'interview-transcript', { sessionId, entries: entries(sessionId, 1, 1) });
    expect(late).toMatchObject({ status: 409, body: { code: 'SESSION_ENDED' } });
    expect(await stored(sessionId)).toBe(1);
  });

  it('ignores a tenant claimed in user_metadata: the spoofer sees and writes nothing of that tenant', async () => {
    const sessionId = await newSession();
    // A Northwind proctor who edited their own user_metadata to claim Acme (users can; app_metadata they cannot).
    await fx.sql`
      insert into auth.users (id, aud, role, email, encrypted_password, email_confirmed_at, raw_app_meta_data, raw_user_meta_data)
      values ('b0000000-0000-4000-8000-0000000000b9', 'authenticated', 'authenticated', 'spoofer@northwind.test',
              extensions.crypt(${SEED_PASSWORD}, extensions.gen_salt('bf')), now(),
              ${fx.sql.json({ provider: 'email', tenant_id: SEED.northwind.tenantId })},
              ${fx.sql.json({ tenant_id: SEED.acme.tenantId, role: 'admin' })})`;
    await fx.sql`insert into public.tenant_members (tenant_id, user_id, role) values (${SEED.northwind.tenantId}, 'b0000000-0000-4000-8000-0000000000b9', 'proctor')`;
    const spoofer = await signedIn(fx.stack.supabaseUrl, fx.stack.anonKey, 'spoofer@northwind.test', SEED_PASSWORD);
    const before = await written(fx.sql);
    expect(await invoke(spoofer, 'interview-transcript', { sessionId, entries: entries(sessionId, 1) })).toMatchObject({ status: 404 });
    expect(await invoke(spoofer, 'interview-start', acmeStart())).toMatchObject({ status: 404, body: { field: 'stationId' } });
    expect(await invoke(spoofer, 'interview-end', { sessionId, reason: 'completed' })).toMatchObject({ status: 404 });
    expect(await written(fx.sql)).toEqual(before);
  });

  it('refuses a second proctor of the tenant writing into, reporting on or ending a session they did not start', async () => {
    const sessionId = await newSession();
    const batch = { sessionId, entries: entries(sessionId, 2) };
    await invoke(proctor, 'interview-transcript', batch);
    await fx.sql`
      insert into auth.users (id, aud, role, email, encrypted_password, email_confirmed_at, raw_app_meta_data)
      values ('a0000000-0000-4000-8000-0000000000a8', 'authenticated', 'authenticated', 'proctor2@acme.test',
              extensions.crypt(${SEED_PASSWORD}, extensions.gen_salt('bf')), now(),
              ${fx.sql.json({ provider: 'email', tenant_id: SEED.acme.tenantId })})`;
    await fx.sql`insert into public.tenant_members (tenant_id, user_id, role) values (${SEED.acme.tenantId}, 'a0000000-0000-4000-8000-0000000000a8', 'proctor')`;
    const second = await signedIn(fx.stack.supabaseUrl, fx.stack.anonKey, 'proctor2@acme.test', SEED_PASSWORD);
    const before = await written(fx.sql);
    const refused = { status: 403, body: { code: 'NOT_AUTHORIZED', field: 'sessionId' } };
    // Neither a re-delivery of what is stored, nor new entries, nor a status report, nor the end.
    expect(await invoke(second, 'interview-transcript', batch)).toMatchObject(refused);
    expect(await invoke(second, 'interview-transcript', { sessionId, entries: entries(sessionId, 2, 10) })).toMatchObject(refused);
    expect(await invoke(second, 'interview-status', { sessionId, status: 'connecting' })).toMatchObject(refused);
    expect(await invoke(second, 'interview-end', { sessionId, reason: 'proctor_ended' })).toMatchObject(refused);
    expect(await written(fx.sql)).toEqual(before);
    expect(await stored(sessionId)).toBe(2);
  });

  it('decides the source itself: a station claiming the sideband is stored as client', async () => {
    const sessionId = await newSession();
    const claimed = entries(sessionId, 2).map((e) => ({ ...e, source: 'sideband' }));
    expect(await invoke(proctor, 'interview-transcript', { sessionId, entries: claimed })).toMatchObject({ status: 200, body: { accepted: 2 } });
    const rows = await fx.sql`select source from public.transcript_entries where session_id = ${sessionId}`;
    expect(rows.map((r) => r['source'])).toEqual(['client', 'client']);
  });

  // As on hosted Supabase: Authorization carries the anon key (verify_jwt passes it), the session
  // JWT travels in x-session-token.
  describe('from the token service, with the session JWT in x-session-token', () => {
    async function startedSession(): Promise<{ sessionId: string; sessionToken: string }> {
      const started = InterviewStartResponseSchema.parse((await invoke(proctor, 'interview-start', acmeStart())).body);
      return { sessionId: started.sessionId, sessionToken: started.sessionToken };
    }
    const withToken = (token: string) => ({ Authorization: `Bearer ${fx.stack.anonKey}`, apikey: fx.stack.anonKey, 'x-session-token': token });
    const anon = () => supabaseClient(fx.stack.supabaseUrl, fx.stack.anonKey);

    it("stores its session's entries as the proctor, idempotently with what the station sent", async () => {
      const { sessionId, sessionToken } = await startedSession();
      await invoke(proctor, 'interview-transcript', { sessionId, entries: entries(sessionId, 2) });
      // Whatever the entries say, the session JWT makes them sideband entries.
      const sideband = entries(sessionId, 3).map((e) => ({ ...e, source: 'client' }));
      expect(await invoke(anon(), 'interview-transcript', { sessionId, entries: sideband }, withToken(sessionToken))).toEqual({
        status: 200,
        body: { accepted: 1, duplicates: 2 },
      });
      const rows = await fx.sql`select created_by, source from public.transcript_entries where session_id = ${sessionId} order by item_id`;
      expect(rows.map((r) => r['source'])).toEqual(['client', 'client', 'sideband']);
      expect(new Set(rows.map((r) => r['created_by']))).toEqual(new Set([SEED.acme.proctorId]));
    });

    it('refuses another session, writing nothing', async () => {
      const { sessionToken } = await startedSession();
      const { sessionId: other } = await startedSession();
      const before = await written(fx.sql);
      expect(await invoke(anon(), 'interview-transcript', { sessionId: other, entries: entries(other, 1) }, withToken(sessionToken))).toMatchObject({
        status: 403,
        body: { code: 'NOT_AUTHORIZED', field: 'sessionId' },
      });
      expect(await written(fx.sql)).toEqual(before);
    });

    it('is refused as Authorization: the platform gateway verifies that against the project secret', async () => {
      const { sessionId, sessionToken } = await startedSession();
      const before = await written(fx.sql);
      expect(await invoke(anon(), 'interview-transcript', { sessionId, entries: entries(sessionId, 1) }, { Authorization: `Bearer ${sessionToken}` })).toMatchObject({
        status: 401,
      });
      expect(await written(fx.sql)).toEqual(before);
    });

    it('refuses a forged, expired or permissionless x-session-token with 401, writing nothing', async () => {
      const { sessionId, sessionToken } = await startedSession();
      const before = await written(fx.sql);
      const [header, payload] = sessionToken.split('.');
      const forged = `${header}.${payload}.${'A'.repeat(43)}`;
      for (const token of [forged, 'not-a-jwt']) {
        expect(await invoke(anon(), 'interview-transcript', { sessionId, entries: entries(sessionId, 1) }, withToken(token))).toMatchObject({
          status: 401,
          body: { code: 'AUTHENTICATION_FAILED' },
        });
      }
      expect(await written(fx.sql)).toEqual(before);
    });

    it('is not accepted by the other functions', async () => {
      const { sessionId, sessionToken } = await startedSession();
      expect(await invoke(anon(), 'interview-end', { sessionId, reason: 'completed' }, withToken(sessionToken))).toMatchObject({ status: 401 });
      expect(await invoke(anon(), 'interview-start', acmeStart(), withToken(sessionToken))).toMatchObject({ status: 401 });
    });
  });
});
