// interview-start and interview-end through the unmodified supabase-js client against the local
// stack: real Postgres under RLS, the real function files under Deno.
import { jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InterviewEndResponseSchema, InterviewStartResponseSchema } from '../../contracts/edge';
import { SESSION_JWT_MARGIN_SECONDS, SessionJwtClaimsSchema } from '../../contracts/jwt';
import { SEED } from '../../devstack/supabase/seedUsers';
import { invoke, supabaseClient } from './support/clients';
import { acmeStart, expiredProctorToken, post, signInAs, startFunctionsFixture, written, type FunctionsFixture } from './support/functionsFixture';

let fx: FunctionsFixture;

beforeAll(async () => {
  fx = await startFunctionsFixture();
});
afterAll(async () => {
  await fx?.stop();
});

describe('interview-start', () => {
  it('creates the session under RLS and returns a session JWT for the token service that covers the whole interview (its maximum duration plus the margin)', async () => {
    const proctor = await signInAs(fx.stack, 'proctor@acme.test');
    const { status, body } = await invoke(proctor, 'interview-start', acmeStart({ architecture: 'direct', metadata: { room: 'B2' } }));
    expect(status).toBe(200);
    const response = InterviewStartResponseSchema.parse(body);
    expect(response.webrtcConfig).toMatchObject({ architecture: 'direct', model: 'gpt-realtime', voice: 'marin', language: 'en', maxDurationSeconds: 1800 });
    expect(response.webrtcConfig.websocketUrl).toBe(`${response.webrtcConfig.tokenServiceUrl.replace(/^http/, 'ws').replace(/\/$/, '')}/ws`);

    const { payload } = await jwtVerify(response.sessionToken, new TextEncoder().encode(fx.stack.sessionJwtSecret));
    const claims = SessionJwtClaimsSchema.parse(payload);
    expect(claims).toMatchObject({ sub: SEED.acme.proctorId, tenant_id: SEED.acme.tenantId, session_id: response.sessionId });
    expect(claims.exp - claims.iat).toBe(1800 + SESSION_JWT_MARGIN_SECONDS);
    expect(Date.parse(response.metadata.expiresAt) / 1000).toBe(claims.exp);

    const [row] = await fx.sql`select tenant_id, created_by, status, architecture, candidate_ref, session_data from public.interview_sessions where id = ${response.sessionId}`;
    expect(row).toMatchObject({
      tenant_id: SEED.acme.tenantId,
      created_by: SEED.acme.proctorId,
      status: 'created',
      architecture: 'direct',
      candidate_ref: 'cand-0042',
      session_data: { metadata: { room: 'B2' }, config: { model: 'gpt-realtime' } },
    });
    const events = await fx.sql`select event_type, actor from public.session_events where session_id = ${response.sessionId}`;
    expect(events).toEqual([{ event_type: 'session.created', actor: SEED.acme.proctorId }]);
    const [station] = await fx.sql`select last_seen_at from public.stations where id = ${SEED.acme.stationId}`;
    expect(station?.['last_seen_at']).toBeInstanceOf(Date);
  });

  it('records the candidate\'s consent with the session, refuses a start without one (400), and the proctor cannot rewrite it', async () => {
    const proctor = await signInAs(fx.stack, 'proctor@acme.test');
    const consent = { noticeVersion: '2026-12-v1', acceptedAt: '2026-12-01T09:58:30.000Z' };
    const started = InterviewStartResponseSchema.parse((await invoke(proctor, 'interview-start', acmeStart({ consent }))).body);
    const [row] = await fx.sql`select consent_notice_version, consent_accepted_at from public.interview_sessions where id = ${started.sessionId}`;
    expect(row).toEqual({ consent_notice_version: '2026-12-v1', consent_accepted_at: new Date(consent.acceptedAt) });
    // Readable by the tenant's users under the row's RLS; written once: users may not update it.
    const [privileges] = await fx.sql`
      select has_column_privilege('authenticated', 'public.interview_sessions', 'consent_notice_version', 'SELECT') as read_version,
             has_column_privilege('authenticated', 'public.interview_sessions', 'consent_notice_version', 'UPDATE') as update_version,
             has_column_privilege('authenticated', 'public.interview_sessions', 'consent_accepted_at', 'UPDATE') as update_accepted`;
    expect(privileges).toEqual({ read_version: true, update_version: false, update_accepted: false });

    const before = await written(fx.sql);
    const { consent: _omitted, ...withoutConsent } = acmeStart();
    expect(await invoke(proctor, 'interview-start', withoutConsent)).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', field: 'consent' } });
    expect(await written(fx.sql)).toEqual(before);
  });

  it('refuses a recruiter (403) and another tenant\'s station (404), writing nothing', async () => {
    const before = await written(fx.sql);
    const recruiter = await signInAs(fx.stack, 'recruiter@acme.test');
    expect(await invoke(recruiter, 'interview-start', acmeStart())).toMatchObject({ status: 403, body: { code: 'NOT_AUTHORIZED' } });
    const proctor = await signInAs(fx.stack, 'proctor@acme.test');
    const crossTenant = await invoke(proctor, 'interview-start', acmeStart({ stationId: SEED.northwind.stationId }));
    expect(crossTenant).toMatchObject({ status: 404, body: { code: 'NOT_FOUND', field: 'stationId' } });
    const otherTemplate = await invoke(proctor, 'interview-start', acmeStart({ templateId: SEED.northwind.templateId }));
    expect(otherTemplate).toMatchObject({ status: 404, body: { code: 'NOT_FOUND', field: 'templateId' } });
    expect(await written(fx.sql)).toEqual(before);
  });

  it('answers malformed bodies with 400 naming the field, writing nothing', async () => {
    const before = await written(fx.sql);
    const proctor = await signInAs(fx.stack, 'proctor@acme.test');
    const cases: [Record<string, unknown>, string][] = [
      [acmeStart({ candidateRef: undefined }), 'candidateRef'],
      [acmeStart({ stationId: 'not-a-uuid' }), 'stationId'],
      [acmeStart({ architecture: 'p2p' }), 'architecture'],
      [acmeStart({ tenantId: SEED.northwind.tenantId }), 'tenantId'],
    ];
    for (const [body, field] of cases) {
      const result = await invoke(proctor, 'interview-start', body);
      expect(result).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', field, retryable: false } });
      expect(String(result.body['message'])).toContain(field);
    }
    expect(await written(fx.sql)).toEqual(before);
  });

  it('answers 401 to an expired token, the anon key, and no token at all', async () => {
    const before = await written(fx.sql);
    const anon = supabaseClient(fx.stack.supabaseUrl, fx.stack.anonKey);
    const expired = await invoke(anon, 'interview-start', acmeStart(), { Authorization: `Bearer ${await expiredProctorToken(fx.stack)}` });
    // verify_jwt at the gateway refuses it first, as on the platform; the function refuses it too.
    expect(expired).toMatchObject({ status: 401, body: { message: 'Invalid JWT' } });
    const direct = await post(fx.stack.functionsUrl, 'interview-start', await expiredProctorToken(fx.stack), acmeStart());
    expect(direct).toMatchObject({ status: 401, body: { code: 'AUTHENTICATION_FAILED', message: 'token expired' } });
    expect(await invoke(anon, 'interview-start', acmeStart())).toMatchObject({ status: 401, body: { code: 'AUTHENTICATION_FAILED' } });
    const bare = await fetch(`${fx.stack.supabaseUrl}/functions/v1/interview-start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(acmeStart()),
    });
    expect(bare.status).toBe(401);
    expect(await written(fx.sql)).toEqual(before);
  });

  it('answers CORS preflights and refuses other methods', async () => {
    const url = `${fx.stack.supabaseUrl}/functions/v1/interview-start`;
    const preflight = await fetch(url, { method: 'OPTIONS', headers: { origin: 'http://example.test', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    // With a project JWT (verify_jwt), as every caller sends.
    const headers = { authorization: `Bearer ${fx.stack.anonKey}` };
    const get = await fetch(url, { method: 'GET', headers });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST, OPTIONS');
    expect((await fetch(`${fx.stack.supabaseUrl}/functions/v1/no-such-function`, { method: 'POST', headers })).status).toBe(404);
    // Without one, the gateway refuses before any function runs.
    expect((await fetch(url, { method: 'GET' })).status).toBe(401);
  });
});

describe('interview-end', () => {
  it('ends a live session with its reason and count, and a retry returns the same end', async () => {
    const proctor = await signInAs(fx.stack, 'proctor@acme.test');
    const started = InterviewStartResponseSchema.parse((await invoke(proctor, 'interview-start', acmeStart())).body);
    await fx.sql`update public.interview_sessions set status = 'connecting' where id = ${started.sessionId}`;
    await fx.sql`update public.interview_sessions set status = 'live' where id = ${started.sessionId}`;

    const first = await invoke(proctor, 'interview-end', { sessionId: started.sessionId, reason: 'completed', detail: 'all questions asked' });
    expect(first.status).toBe(200);
    const ended = InterviewEndResponseSchema.parse(first.body);
    expect(ended).toMatchObject({ sessionId: started.sessionId, status: 'ended', transcriptCount: 0 });
    const [row] = await fx.sql`select status, end_reason, end_detail, ended_at from public.interview_sessions where id = ${started.sessionId}`;
    expect(row).toMatchObject({ status: 'ended', end_reason: 'completed', end_detail: 'all questions asked' });

    const retry = await invoke(proctor, 'interview-end', { sessionId: started.sessionId, reason: 'error' });
    expect(retry).toEqual(first);
  });

  it('abandons a session that never went live, and fails one that errored', async () => {
    const proctor = await signInAs(fx.stack, 'proctor@acme.test');
    const a = InterviewStartResponseSchema.parse((await invoke(proctor, 'interview-start', acmeStart())).body);
    const b = InterviewStartResponseSchema.parse((await invoke(proctor, 'interview-start', acmeStart())).body);
    expect((await invoke(proctor, 'interview-end', { sessionId: a.sessionId, reason: 'candidate_left' })).body).toMatchObject({ status: 'abandoned' });
    expect((await invoke(proctor, 'interview-end', { sessionId: b.sessionId, reason: 'connection_lost' })).body).toMatchObject({ status: 'failed' });
  });

  it('refuses another tenant\'s session (404), a recruiter (403) and bad bodies (400), changing nothing', async () => {
    const proctor = await signInAs(fx.stack, 'proctor@acme.test');
    const started = InterviewStartResponseSchema.parse((await invoke(proctor, 'interview-start', acmeStart())).body);
    const before = await written(fx.sql);
    const other = await signInAs(fx.stack, 'proctor@northwind.test');
    expect(await invoke(other, 'interview-end', { sessionId: started.sessionId, reason: 'completed' })).toMatchObject({ status: 404, body: { code: 'SESSION_NOT_FOUND' } });
    const recruiter = await signInAs(fx.stack, 'recruiter@acme.test');
    expect(await invoke(recruiter, 'interview-end', { sessionId: started.sessionId, reason: 'completed' })).toMatchObject({ status: 403 });
    expect(await invoke(proctor, 'interview-end', { sessionId: started.sessionId, reason: 'bored' })).toMatchObject({ status: 400, body: { field: 'reason' } });
    const anon = supabaseClient(fx.stack.supabaseUrl, fx.stack.anonKey);
    const expired = await invoke(anon, 'interview-end', { sessionId: started.sessionId, reason: 'completed' }, {
      Authorization: `Bearer ${await expiredProctorToken(fx.stack)}`,
    });
    expect(expired).toMatchObject({ status: 401 });
    expect(await written(fx.sql)).toEqual(before);
  });
});
