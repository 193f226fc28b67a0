// What a function accepts as a user token, checked by the function itself (straight to the Deno
// runtime, not through the gateway): signed with the project's secret is not enough; it must expire,
// be meant for signed-in users (`aud` authenticated) and come from this project's Auth (`iss`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handSignedProctorToken, post, startFunctionsFixture, written, type FunctionsFixture } from './support/functionsFixture';

let fx: FunctionsFixture;
let issuer: string;

beforeAll(async () => {
  fx = await startFunctionsFixture();
  issuer = `${fx.stack.supabaseUrl}/auth/v1`;
});
afterAll(async () => {
  await fx?.stop();
});

const now = () => Math.floor(Date.now() / 1000);

describe('user tokens at the functions', () => {
  it('accepts a token shaped as Auth issues it', async () => {
    const token = await handSignedProctorToken(fx.stack.jwtSecret, issuer);
    expect(await post(fx.stack.functionsUrl, 'station-context', token, {})).toMatchObject({ status: 200 });
  });

  const refused: [string, Record<string, unknown>][] = [
    ['without exp', { exp: undefined }],
    ['with aud anon', { aud: 'anon' }],
    ['without aud', { aud: undefined }],
    ['with another issuer', { iss: 'https://evil.example/auth/v1' }],
    ['without iss', { iss: undefined }],
    ['issued in the future', { iat: now() + 3600, exp: now() + 7200 }],
  ];
  for (const [label, overrides] of refused) {
    it(`refuses a correctly signed token ${label} with 401, writing nothing`, async () => {
      const before = await written(fx.sql);
      const token = await handSignedProctorToken(fx.stack.jwtSecret, issuer, overrides);
      for (const name of ['station-context', 'interview-start']) {
        const body = name === 'station-context' ? {} : { companyId: crypto.randomUUID(), templateId: crypto.randomUUID(), stationId: crypto.randomUUID(), candidateRef: 'c' };
        expect(await post(fx.stack.functionsUrl, name, token, body), name).toMatchObject({ status: 401, body: { code: 'AUTHENTICATION_FAILED' } });
      }
      expect(await written(fx.sql)).toEqual(before);
    });
  }
});
