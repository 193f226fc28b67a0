import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthState } from '@interview-station/contracts';
import { startSupabaseStack, type SupabaseStack } from '../../../devstack/supabase/supabaseStack';
import { SEED, SEED_PASSWORD } from '../../../devstack/supabase/seedUsers';
import { silentLogger } from '../../log';
import { MemorySecretStore, type SecretStore } from '../secrets/secretStore';
import { AuthService } from './authService';
import { freePort } from '../../../devstack/supabase/freePort';

/** The auth service against the local stack: the real auth stand-in and station-context function. */
let stack: SupabaseStack;

beforeAll(async () => {
  // Short-lived access tokens, so supabase-js must refresh (and rotate) on its own during the tests.
  stack = await startSupabaseStack({ accessTokenSeconds: 30 });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

function authWith(secrets: SecretStore, offline = false, supabaseUrl = stack.supabaseUrl) {
  const published: AuthState[] = [];
  const auth = new AuthService({
    supabaseUrl,
    anonKey: stack.anonKey,
    secrets,
    isOffline: () => offline,
    onChange: (state) => published.push(state),
    log: silentLogger,
  });
  return { auth, published };
}

describe('AuthService', () => {
  it('tells onSignedIn subscribers of each new sign-in (and a restored one), never of a re-announced state', async () => {
    const secrets = new MemorySecretStore();
    const { auth } = authWith(secrets);
    let signIns = 0;
    const states: string[] = [];
    auth.onSignedIn(() => (signIns += 1));
    const unsubscribe = auth.onStateChanged((state) => states.push(state.status));
    await auth.start();
    expect(signIns).toBe(0);
    await auth.signIn('proctor@acme.test', SEED_PASSWORD);
    expect(signIns).toBe(1);
    auth.publish(); // the network came back, say: same user, no new credentials
    expect(signIns).toBe(1);
    unsubscribe();
    await auth.signOut();
    expect(states).toEqual(['signed-out', 'signed-in', 'signed-in']);
    await auth.signIn('proctor@acme.test', SEED_PASSWORD);
    expect(signIns).toBe(2);
    auth.dispose();
    // A later run restores the stored session: that is a sign-in for the services that need credentials.
    const restarted = authWith(secrets).auth;
    let restored = 0;
    restarted.onSignedIn(() => (restored += 1));
    await restarted.start();
    expect(restored).toBe(1);
    restarted.dispose();
  });

  it('signs a proctor in with their role and tenant, and keeps the session only in the secret store', async () => {
    const secrets = new MemorySecretStore();
    const { auth, published } = authWith(secrets);
    const state = await auth.signIn('proctor@acme.test', SEED_PASSWORD);
    expect(state).toEqual({
      status: 'signed-in',
      user: { id: SEED.acme.proctorId, email: 'proctor@acme.test', role: 'proctor', tenantId: SEED.acme.tenantId },
      offline: false,
      storage: 'memory',
    });
    expect(published.at(-1)).toEqual(state);
    expect(JSON.stringify(state)).not.toMatch(/eyJ|token/i);
    expect(await secrets.get('supabase-session')).toContain('refresh_token');
    expect(await auth.accessToken()).toMatch(/^eyJ/);
    auth.dispose();
  });

  it('refreshes an expiring session and keeps the rotated refresh token in the secret store', async () => {
    const secrets = new MemorySecretStore();
    const { auth } = authWith(secrets);
    await auth.signIn('proctor@acme.test', SEED_PASSWORD);
    const refreshTokenOf = async () => (JSON.parse((await secrets.get('supabase-session')) ?? '{}') as { refresh_token?: string }).refresh_token;
    const before = await refreshTokenOf();
    const firstToken = await auth.accessToken();
    expect(firstToken).toMatch(/^eyJ/);
    expect(await refreshTokenOf()).not.toBe(before);
    expect(await auth.accessToken()).toMatch(/^eyJ/);
    auth.dispose();
  });

  it('refuses a wrong password and stores nothing', async () => {
    const secrets = new MemorySecretStore();
    const { auth } = authWith(secrets);
    await expect(auth.signIn('proctor@acme.test', 'wrong password')).rejects.toMatchObject({ error: { code: 'AUTHENTICATION_FAILED', retryable: false } });
    expect(auth.state()).toEqual({ status: 'signed-out', storage: 'memory' });
    expect(await secrets.get('supabase-session')).toBeNull();
    auth.dispose();
  });

  it('restores the signed-in user after a restart, and says when it is offline', async () => {
    const secrets = new MemorySecretStore();
    const first = authWith(secrets).auth;
    await first.signIn('recruiter@northwind.test', SEED_PASSWORD);
    first.dispose();

    const { auth } = authWith(secrets, true);
    expect(await auth.start()).toMatchObject({ status: 'signed-in', offline: true, user: { role: 'recruiter', tenantId: SEED.northwind.tenantId } });
    auth.dispose();
  });

  it('signs out and wipes the secrets', async () => {
    const secrets = new MemorySecretStore();
    const { auth } = authWith(secrets);
    await auth.signIn('proctor@acme.test', SEED_PASSWORD);
    expect(await auth.signOut()).toEqual({ status: 'signed-out', storage: 'memory' });
    expect(await secrets.get('supabase-session')).toBeNull();
    expect(await secrets.get('station-user')).toBeNull();
    expect(await auth.accessToken()).toBeNull();
    expect(await authWith(secrets).auth.start()).toMatchObject({ status: 'signed-out' });
    auth.dispose();
  });

  it('says the service is unreachable rather than blaming the password', async () => {
    const { auth } = authWith(new MemorySecretStore(), true, `http://127.0.0.1:${await freePort()}`);
    await expect(auth.signIn('proctor@acme.test', SEED_PASSWORD)).rejects.toMatchObject({ error: { code: 'NETWORK_OFFLINE', retryable: true } });
    auth.dispose();
  });
});
