// One bad entry must not stop all uploads: text or values Postgres refuses are answered with a
// 400 VALIDATION_FAILED naming the entry (never a retryable 500), and nothing of the batch is written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupabaseClient } from '@supabase/supabase-js';
import { InterviewStartResponseSchema } from '../../contracts/edge';
import { invoke } from './support/clients';
import { acmeStart, entries, signInAs, startFunctionsFixture, written, type FunctionsFixture } from './support/functionsFixture';

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

describe('database input errors', () => {
  it('text Postgres cannot store is a 400 naming the entry, not a retryable 500', async () => {
    const sessionId = await newSession();
    const before = await written(fx.sql);
    const batch = entries(sessionId, 3);
    batch[1] = { ...batch[1]!, content: 'nul \u0000 inside' };
    expect(await invoke(proctor, 'interview-transcript', { sessionId, entries: batch })).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED', field: 'entries[1].content', retryable: false },
    });
    batch[1] = { ...batch[1]!, content: 'lone \uD800 surrogate' };
    expect(await invoke(proctor, 'interview-transcript', { sessionId, entries: batch })).toMatchObject({ status: 400, body: { field: 'entries[1].content' } });
    expect(await written(fx.sql)).toEqual(before);
  });

  it('a value the contract allows but the database refuses is a 400 naming the entry and field', async () => {
    const sessionId = await newSession();
    const before = await written(fx.sql);
    const batch = entries(sessionId, 3);
    // Year 0 is a valid ISO date-time, but Postgres has no year 0.
    batch[2] = { ...batch[2]!, speechStartedAt: '0000-01-01T00:00:00Z' };
    const answer = await invoke(proctor, 'interview-transcript', { sessionId, entries: batch });
    expect(answer).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', field: 'entries[2].speechStartedAt', retryable: false } });
    expect(await written(fx.sql)).toEqual(before);
    // The rest of the batch is fine once the bad entry is fixed.
    batch[2] = { ...batch[2]!, speechStartedAt: new Date().toISOString() };
    expect(await invoke(proctor, 'interview-transcript', { sessionId, entries: batch })).toMatchObject({ status: 200, body: { accepted: 3 } });
  });
});
