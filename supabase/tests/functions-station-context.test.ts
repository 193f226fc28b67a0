// station-context through the unmodified supabase-js client against the local stack: the role
// comes from tenant_members, the tenant from app_metadata, and RLS limits the lists to the tenant.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StationContextResponseSchema } from '../../contracts/edge';
import { SEED } from '../../devstack/supabase/seedUsers';
import { invoke, supabaseClient } from './support/clients';
import { expiredProctorToken, signInAs, startFunctionsFixture, type FunctionsFixture } from './support/functionsFixture';

let fx: FunctionsFixture;

beforeAll(async () => {
  fx = await startFunctionsFixture();
});
afterAll(async () => {
  await fx?.stop();
});

describe('station-context', () => {
  it.each([
    ['proctor@acme.test', 'proctor', SEED.acme, 'Acme Assessment Centre'],
    ['recruiter@northwind.test', 'recruiter', SEED.northwind, 'Northwind Testing'],
  ] as const)('tells %s their role and shows only their tenant', async (email, role, tenant, tenantName) => {
    const client = await signInAs(fx.stack, email);
    const { status, body } = await invoke(client, 'station-context', {});
    expect(status).toBe(200);
    const context = StationContextResponseSchema.parse(body);
    expect(context.user).toMatchObject({ email, role, tenantId: tenant.tenantId });
    expect(context.tenantName).toBe(tenantName);
    expect(context.companies.map((c) => c.id)).toEqual([tenant.companyId]);
    expect(context.templates.map((t) => t.id)).toEqual([tenant.templateId]);
  });

  it('refuses a missing or expired token and a body with fields', async () => {
    const anonymous = supabaseClient(fx.stack.supabaseUrl, fx.stack.anonKey);
    expect((await invoke(anonymous, 'station-context', {})).status).toBe(401);
    const expired = supabaseClient(fx.stack.supabaseUrl, fx.stack.anonKey);
    const token = await expiredProctorToken(fx.stack);
    expect((await invoke(expired, 'station-context', {}, { Authorization: `Bearer ${token}` })).status).toBe(401);
    const proctor = await signInAs(fx.stack, 'proctor@acme.test');
    expect(await invoke(proctor, 'station-context', { tenantId: SEED.northwind.tenantId })).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED', field: 'tenantId' },
    });
  });
});
