// Errors as data at the edge functions: every refusal carries the contract's code and is answered
// with the status the contracts' table gives that code, never one a function picked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupabaseClient } from '@supabase/supabase-js';
import { httpStatusFor } from '../../contracts/errors';
import { SEED } from '../../devstack/supabase/seedUsers';
import { invoke } from './support/clients';
import { accessToken, acmeStart, post, signInAs, startFunctionsFixture, written, type FunctionsFixture } from './support/functionsFixture';

let fx: FunctionsFixture;
let proctor: SupabaseClient;
let token: string;

beforeAll(async () => {
  fx = await startFunctionsFixture();
  proctor = await signInAs(fx.stack, 'proctor@acme.test');
  token = await accessToken(proctor);
});
afterAll(async () => {
  await fx?.stop();
});

describe('statuses come from the contracts\' table', () => {
  it('a missing reference is NOT_FOUND, a disabled station CONFLICT, each with the table\'s status', async () => {
    const before = await written(fx.sql);
    const missing = await invoke(proctor, 'interview-start', acmeStart({ stationId: crypto.randomUUID() }));
    expect(missing).toMatchObject({ status: httpStatusFor('NOT_FOUND'), body: { code: 'NOT_FOUND', field: 'stationId' } });
    const otherCompany = await invoke(proctor, 'interview-start', acmeStart({ companyId: SEED.northwind.companyId }));
    expect(otherCompany).toMatchObject({ status: 404, body: { code: 'NOT_FOUND', field: 'companyId' } });
    const [disabled] = await fx.sql<{ id: string }[]>`
      insert into public.stations (tenant_id, name, disabled_at) values (${SEED.acme.tenantId}, 'Retired', now()) returning id`;
    const refused = await invoke(proctor, 'interview-start', acmeStart({ stationId: disabled!.id }));
    expect(refused).toMatchObject({ status: httpStatusFor('CONFLICT'), body: { code: 'CONFLICT', field: 'stationId', retryable: false } });
    expect(await written(fx.sql)).toEqual(before);
  });

  it('a wrong method is METHOD_NOT_ALLOWED and a wrong content type UNSUPPORTED_MEDIA_TYPE', async () => {
    const url = `${fx.stack.supabaseUrl}/functions/v1/station-context`;
    const get = await fetch(url, { method: 'GET', headers: { authorization: `Bearer ${token}` } });
    expect(get.status).toBe(405);
    expect(await get.json()).toMatchObject({ code: 'METHOD_NOT_ALLOWED' });
    const text = await post(fx.stack.supabaseUrl, 'station-context', token, '{}', { 'content-type': 'text/plain' });
    expect(text).toMatchObject({ status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
  });

  it('a declared body over the limit is PAYLOAD_TOO_LARGE', async () => {
    const big = await post(fx.stack.supabaseUrl, 'station-context', token, { pad: 'x'.repeat(4096) });
    expect(big).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } });
  });
});
