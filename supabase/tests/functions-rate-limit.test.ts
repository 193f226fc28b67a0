// interview-start is rate-limited per user and per tenant, with the counts kept in Postgres: two
// function instances (two Deno runtimes on one database) share the same budget, and a refusal is
// 429 RATE_LIMITED with Retry-After, writing no session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFunctionsRuntime, type FunctionsRuntime } from '../../devstack/supabase/functionsRuntime';
import { SEED, SEED_PASSWORD } from '../../devstack/supabase/seedUsers';
import { signedIn } from './support/clients';
import { accessToken, acmeStart, signInAs, startFunctionsFixture, written, type FunctionsFixture } from './support/functionsFixture';

let fx: FunctionsFixture;
let second: FunctionsRuntime;

beforeAll(async () => {
  // An hour's window, so the test (a few seconds) does not straddle two windows.
  fx = await startFunctionsFixture({ functionEnv: { INTERVIEW_START_PER_USER: '3', INTERVIEW_START_PER_TENANT: '5', INTERVIEW_START_WINDOW_SECONDS: '3600' } });
  second = await startFunctionsRuntime({ env: fx.stack.functionsEnv });
});
afterAll(async () => {
  await second?.stop();
  await fx?.stop();
});

async function start(base: string, token: string, body: Record<string, unknown> = acmeStart()): Promise<{ status: number; retryAfter: string | null; body: Record<string, unknown> }> {
  const response = await fetch(`${base}/functions/v1/interview-start`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Record<string, unknown> };
}

describe('interview-start rate limits', () => {
  it('hold per user and per tenant across function instances, answering 429 with Retry-After', async () => {
    const one = fx.stack.functionsUrl;
    const two = second.url;
    const proctor = await accessToken(await signInAs(fx.stack, 'proctor@acme.test'));
    expect((await start(one, proctor)).status).toBe(200);
    expect((await start(two, proctor)).status).toBe(200);
    expect((await start(one, proctor)).status).toBe(200);
    const before = await written(fx.sql);
    const limited = await start(two, proctor);
    expect(limited).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED', retryable: true } });
    expect(Number(limited.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(limited.retryAfter)).toBeLessThanOrEqual(3600);
    // Hammering stays refused, and spends only this proctor's budget, not the tenant's.
    expect((await start(one, proctor)).status).toBe(429);
    expect(await written(fx.sql)).toEqual(before);

    // Another proctor of the tenant has their own budget (3), but the tenant's (5, 3 spent) runs out first.
    await fx.sql`
      insert into auth.users (id, aud, role, email, encrypted_password, email_confirmed_at, raw_app_meta_data)
      values ('a0000000-0000-4000-8000-0000000000a6', 'authenticated', 'authenticated', 'proctor6@acme.test',
              extensions.crypt(${SEED_PASSWORD}, extensions.gen_salt('bf')), now(), ${fx.sql.json({ provider: 'email', tenant_id: SEED.acme.tenantId })})`;
    await fx.sql`insert into public.tenant_members (tenant_id, user_id, role) values (${SEED.acme.tenantId}, 'a0000000-0000-4000-8000-0000000000a6', 'proctor')`;
    const colleague = await accessToken(await signedIn(fx.stack.supabaseUrl, fx.stack.anonKey, 'proctor6@acme.test', SEED_PASSWORD));
    expect((await start(one, colleague)).status).toBe(200);
    expect((await start(two, colleague)).status).toBe(200);
    expect(await start(one, colleague)).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });

    // Another tenant is not affected.
    const northwind = await accessToken(await signInAs(fx.stack, 'proctor@northwind.test'));
    const other = { companyId: SEED.northwind.companyId, templateId: SEED.northwind.templateId, stationId: SEED.northwind.stationId, candidateRef: 'n-1', consent: acmeStart()['consent'] };
    expect((await start(two, northwind, other)).status).toBe(200);
  }, 60_000);

  it('does not let a recruiter spend the tenant\'s budget', async () => {
    const recruiter = await accessToken(await signInAs(fx.stack, 'recruiter@northwind.test'));
    for (let i = 0; i < 6; i++) expect((await start(fx.stack.functionsUrl, recruiter)).status).toBe(403);
    const northwind = await accessToken(await signInAs(fx.stack, 'proctor@northwind.test'));
    const other = { companyId: SEED.northwind.companyId, templateId: SEED.northwind.templateId, stationId: SEED.northwind.stationId, candidateRef: 'n-2', consent: acmeStart()['consent'] };
    expect((await start(fx.stack.functionsUrl, northwind, other)).status).toBe(200);
  });
});
