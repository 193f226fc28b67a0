// The auth stand-in through the unmodified @supabase/supabase-js client: what the station's main
// process does (password sign-in, getUser, refresh, sign-out) must behave as against GoTrue.
import { AuthApiError } from '@supabase/supabase-js';
import { decodeJwt } from 'jose';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED, SEED_PASSWORD, SEED_USERS } from '../../devstack/supabase/seedUsers';
import { startSupabaseStack, type SupabaseStack } from '../../devstack/supabase/supabaseStack';
import { supabaseClient } from './support/clients';

let stack: SupabaseStack;
let sql: postgres.Sql;

beforeAll(async () => {
  stack = await startSupabaseStack();
  sql = postgres(stack.dbUrl, { max: 2, onnotice: () => undefined });
});
afterAll(async () => {
  await sql?.end({ timeout: 1 });
  await stack?.stop();
});

const client = () => supabaseClient(stack.supabaseUrl, stack.anonKey);

async function signIn(email = 'proctor@acme.test', password = SEED_PASSWORD) {
  const c = client();
  const { data, error } = await c.auth.signInWithPassword({ email, password });
  return { c, data, error };
}

describe('auth stand-in via supabase-js', () => {
  it('refuses a wrong password and an unknown email alike, with GoTrue\'s error code', async () => {
    for (const [email, password] of [['proctor@acme.test', 'wrong-password'], ['nobody@acme.test', SEED_PASSWORD]] as const) {
      const { data, error } = await signIn(email, password);
      expect(data.session).toBeNull();
      expect(error).toBeInstanceOf(AuthApiError);
      expect(error).toMatchObject({ status: 400, code: 'invalid_credentials', message: 'Invalid login credentials' });
    }
    const [row] = await sql`select count(*)::int as n from auth.sessions`;
    expect(row?.['n']).toBe(0);
  });

  it('signs every seeded user in, with GoTrue\'s claims and the tenant in app_metadata', async () => {
    for (const user of SEED_USERS) {
      const { data, error } = await signIn(user.email, user.password);
      expect(error).toBeNull();
      const claims = decodeJwt(data.session!.access_token);
      expect(claims).toMatchObject({
        sub: data.user!.id,
        role: 'authenticated',
        aud: 'authenticated',
        iss: `${stack.supabaseUrl}/auth/v1`,
        email: user.email,
        aal: 'aal1',
        app_metadata: { provider: 'email', tenant_id: user.tenantId },
        session_id: expect.any(String),
      });
      expect(claims.exp! - claims.iat!).toBe(3600);
    }
  });

  it('getUser returns the signed-in user', async () => {
    const { c, data } = await signIn();
    const { data: got, error } = await c.auth.getUser();
    expect(error).toBeNull();
    expect(got.user).toMatchObject({ id: SEED.acme.proctorId, email: 'proctor@acme.test', app_metadata: { tenant_id: SEED.acme.tenantId } });
    expect(got.user?.id).toBe(data.user?.id);
  });

  it('rotates refresh tokens; reusing an old one is refused and revokes the whole family', async () => {
    const { c, data } = await signIn();
    const first = data.session!;
    const { data: refreshed, error } = await c.auth.refreshSession();
    expect(error).toBeNull();
    const second = refreshed.session!;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(decodeJwt(second.access_token)['session_id']).toBe(decodeJwt(first.access_token)['session_id']);

    // A replay of the rotated token (as a thief would) ...
    const { data: replay, error: replayError } = await client().auth.refreshSession({ refresh_token: first.refresh_token });
    expect(replay.session).toBeNull();
    expect(replayError).toMatchObject({ status: 400, code: 'refresh_token_already_used' });
    // ... also ends the legitimate holder's session: the newest token and its access token are dead.
    const { error: newestError } = await client().auth.refreshSession({ refresh_token: second.refresh_token });
    expect(newestError).toMatchObject({ status: 400, code: 'refresh_token_not_found' });
    const { error: userError } = await client().auth.getUser(second.access_token);
    // auth-js turns GoTrue's 403 session_not_found into AuthSessionMissingError.
    expect(userError?.name).toBe('AuthSessionMissingError');
  });

  it('signs out: the access token no longer gets the user and the refresh token is gone', async () => {
    const { c, data } = await signIn();
    const { error } = await c.auth.signOut();
    expect(error).toBeNull();
    const { data: after, error: userError } = await client().auth.getUser(data.session!.access_token);
    expect(after.user).toBeNull();
    expect(userError?.name).toBe('AuthSessionMissingError');
    const raw = await fetch(`${stack.supabaseUrl}/auth/v1/user`, {
      headers: { apikey: stack.anonKey, authorization: `Bearer ${data.session!.access_token}`, 'x-supabase-api-version': '2024-01-01' },
    });
    expect(raw.status).toBe(403);
    expect(await raw.json()).toMatchObject({ code: 'session_not_found' });
    const { error: refreshError } = await client().auth.refreshSession({ refresh_token: data.session!.refresh_token });
    expect(refreshError).toMatchObject({ status: 400, code: 'refresh_token_not_found' });
  });

  it('refuses a token signed with another secret', async () => {
    const { data } = await signIn();
    const [header, payload] = data.session!.access_token.split('.');
    const { error } = await client().auth.getUser(`${header}.${payload}.${'A'.repeat(43)}`);
    expect(error).toMatchObject({ status: 403, code: 'bad_jwt' });
  });

  it('requires a project API key, like the gateway', async () => {
    const response = await fetch(`${stack.supabaseUrl}/auth/v1/token?grant_type=password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'proctor@acme.test', password: SEED_PASSWORD }),
    });
    expect(response.status).toBe(401);
  });

  it('answers malformed bodies with 400 and GoTrue\'s error shape', async () => {
    const post = (body: string) =>
      fetch(`${stack.supabaseUrl}/auth/v1/token?grant_type=password`, {
        method: 'POST',
        headers: { apikey: stack.anonKey, 'content-type': 'application/json', 'x-supabase-api-version': '2024-01-01' },
        body,
      });
    const notJson = await post('{');
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({ code: 'bad_json', message: 'Could not parse request body as JSON' });
    const noPassword = await post(JSON.stringify({ email: 'proctor@acme.test' }));
    expect(noPassword.status).toBe(400);
    expect(await noPassword.json()).toMatchObject({ code: 'validation_failed' });
  });
});
