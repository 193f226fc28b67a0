// interview-status through the unmodified supabase-js client: the session walks created →
// connecting → live, so interview-end records a completed interview as ended, not abandoned.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupabaseClient } from '@supabase/supabase-js';
import { InterviewStartResponseSchema } from '../../contracts/edge';
import { invoke } from './support/clients';
import { acmeStart, signInAs, startFunctionsFixture, type FunctionsFixture } from './support/functionsFixture';

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

describe('interview-status', () => {
  it('records connecting, then live, idempotently; a completed interview then ends as ended', async () => {
    const sessionId = await newSession();
    expect(await invoke(proctor, 'interview-status', { sessionId, status: 'connecting' })).toEqual({ status: 200, body: { sessionId, status: 'connecting' } });
    expect(await invoke(proctor, 'interview-status', { sessionId, status: 'connecting' })).toEqual({ status: 200, body: { sessionId, status: 'connecting' } });
    expect(await invoke(proctor, 'interview-status', { sessionId, status: 'live' })).toEqual({ status: 200, body: { sessionId, status: 'live' } });
    expect(await invoke(proctor, 'interview-status', { sessionId, status: 'connecting' })).toEqual({ status: 200, body: { sessionId, status: 'live' } });
    const [row] = await fx.sql`select connecting_at is not null as connecting, started_at is not null as started from public.interview_sessions where id = ${sessionId}`;
    expect(row).toEqual({ connecting: true, started: true });
    expect(await invoke(proctor, 'interview-end', { sessionId, reason: 'completed' })).toMatchObject({ status: 200, body: { status: 'ended' } });
    expect(await invoke(proctor, 'interview-status', { sessionId, status: 'live' })).toMatchObject({ status: 409, body: { code: 'SESSION_ENDED' } });
  });

  it('goes straight to live through connecting, and refuses a recruiter and another tenant', async () => {
    const sessionId = await newSession();
    expect(await invoke(proctor, 'interview-status', { sessionId, status: 'live' })).toMatchObject({ status: 200, body: { status: 'live' } });
    const events = await fx.sql`select data->>'to' as to from public.session_events where session_id = ${sessionId} and event_type = 'session.status_changed' order by id`;
    expect(events.map((e) => e['to'])).toEqual(['connecting', 'live']);
    const recruiter = await signInAs(fx.stack, 'recruiter@acme.test');
    expect(await invoke(recruiter, 'interview-status', { sessionId, status: 'live' })).toMatchObject({ status: 403 });
    const other = await signInAs(fx.stack, 'proctor@northwind.test');
    expect(await invoke(other, 'interview-status', { sessionId, status: 'live' })).toMatchObject({ status: 404 });
    expect(await invoke(proctor, 'interview-status', { sessionId, status: 'ended' })).toMatchObject({ status: 400, body: { field: 'status' } });
  });
});
