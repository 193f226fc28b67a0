// Generated bad input at every edge function, through the local stack (gateway → Deno → Postgres):
// valid bodies mutated (a field replaced by random JSON, the wrong type, a huge string, NUL, an
// unpaired surrogate; a field removed or added), random JSON, non-JSON text and bytes, wrong
// content types, oversized bodies. Fixed seed, bounded runs. Every answer is a 200 for an input
// that is in fact valid, or a typed StationError with the contracts' 4xx status; never a 5xx; and a
// refused input writes nothing (row counts unchanged).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InterviewStartResponseSchema } from '../../contracts/edge';
import { httpStatusFor, StationErrorSchema } from '../../contracts/errors';
import { SEED } from '../../devstack/supabase/seedUsers';
import { invoke } from './support/clients';
import { accessToken, acmeStart, signInAs, startFunctionsFixture, written, type FunctionsFixture } from './support/functionsFixture';

const SEED_VALUE = 20261201;
const RUNS_PER_FUNCTION = 120;

let fx: FunctionsFixture;
let token: string;
let sessionId: string;
let endSessionId: string;

beforeAll(async () => {
  // Rate limits far away: this test is about bodies, not about how many.
  fx = await startFunctionsFixture({ functionEnv: { INTERVIEW_START_PER_USER: '100000', INTERVIEW_START_PER_TENANT: '100000' } });
  const proctor = await signInAs(fx.stack, 'proctor@acme.test');
  token = await accessToken(proctor);
  sessionId = InterviewStartResponseSchema.parse((await invoke(proctor, 'interview-start', acmeStart())).body).sessionId;
  endSessionId = InterviewStartResponseSchema.parse((await invoke(proctor, 'interview-start', acmeStart())).body).sessionId;
}, 60_000);
afterAll(async () => {
  await fx?.stop();
});

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface Input {
  readonly fn: string;
  readonly body: string | Uint8Array;
  readonly contentType: string | undefined;
}

const isoDate = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());

const entry = (session: () => string) =>
  fc.record({
    sessionId: fc.constant(null).map(() => session()),
    itemId: fc.stringMatching(/^[A-Za-z0-9_.-]{1,24}$/),
    contentIndex: fc.integer({ min: 0, max: 1000 }),
    speaker: fc.constantFrom('ai', 'candidate'),
    content: fc.string({ maxLength: 60 }),
    speechStartedAt: isoDate,
    source: fc.constantFrom('client', 'sideband'),
    receivedAt: isoDate,
    confidence: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
  });

/** A valid body of each function (bad inputs come from mutating these). */
const VALID: Record<string, fc.Arbitrary<Json>> = {
  'interview-start': fc.record({
    companyId: fc.constant(SEED.acme.companyId),
    templateId: fc.constant(SEED.acme.templateId),
    stationId: fc.constant(SEED.acme.stationId),
    candidateRef: fc.string({ minLength: 1, maxLength: 40 }),
    architecture: fc.constantFrom('hybrid', 'direct'),
    metadata: fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), fc.string({ maxLength: 20 }), { maxKeys: 3 }),
  }) as fc.Arbitrary<Json>,
  'interview-transcript': fc
    .array(entry(() => sessionId), { minLength: 1, maxLength: 4 })
    .map((entries) => JSON.parse(JSON.stringify({ sessionId, entries })) as Json),
  'interview-status': fc.record({ sessionId: fc.constant(null).map(() => sessionId), status: fc.constantFrom('connecting', 'live') }) as fc.Arbitrary<Json>,
  'interview-end': fc.record({
    sessionId: fc.constant(null).map(() => endSessionId),
    reason: fc.constantFrom('completed', 'candidate_left', 'proctor_ended', 'max_duration', 'connection_lost', 'error'),
    detail: fc.string({ maxLength: 50 }),
  }) as fc.Arbitrary<Json>,
  'station-context': fc.constant({}),
};

/** What a field is replaced with: anything JSON, wrong types, edge values, text Postgres cannot store. */
const replacement: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  fc.constantFrom<Json>(null, '', 0, -1, 1e308, -0, true, [], {}, 'x'.repeat(25_000), 'nul \u0000 inside', 'lone \uD800 surrogate', '\uDC00', '0000-01-01T00:00:00Z', '../../etc/passwd', crypto.randomUUID()),
  fc.string({ maxLength: 40 }),
  fc.integer(),
);

/** Every path into a JSON value (objects and arrays), the root excluded. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return keys.flatMap((key) => [[...prefix, key], ...paths((value as Record<string, Json>)[key] as Json, [...prefix, key])]);
}

function mutate(value: Json, pick: number, kind: 'replace' | 'delete' | 'add', by: Json): Json {
  const copy = structuredClone(value);
  const all = paths(copy);
  if (all.length === 0 || kind === 'add') {
    if (copy !== null && typeof copy === 'object' && !Array.isArray(copy)) (copy as Record<string, Json>)['unexpected'] = by;
    return copy === null || typeof copy !== 'object' ? by : copy;
  }
  const target = all[pick % all.length] as (string | number)[];
  const parent = target.slice(0, -1).reduce<Json>((node, key) => (node as Record<string, Json>)[key] as Json, copy) as Record<string, Json> | Json[];
  const last = target[target.length - 1] as string | number;
  if (kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last as string];
  } else {
    (parent as Record<string | number, Json>)[last] = by;
  }
  return copy;
}

const contentTypes = fc.constantFrom<string | undefined>(
  'application/json',
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  undefined,
);

function inputs(fn: string): fc.Arbitrary<Input> {
  const mutated = fc
    .tuple(VALID[fn] as fc.Arbitrary<Json>, fc.nat(), fc.constantFrom<'replace' | 'delete' | 'add'>('replace', 'replace', 'replace', 'delete', 'add'), replacement)
    .map(([body, pick, kind, by]): Input => ({ fn, body: JSON.stringify(mutate(body, pick, kind, by)), contentType: 'application/json' }));
  const randomJson = fc.jsonValue({ maxDepth: 3 }).map((body): Input => ({ fn, body: JSON.stringify(body), contentType: 'application/json' }));
  const text = fc.string({ maxLength: 80 }).map((body): Input => ({ fn, body, contentType: 'application/json' }));
  const bytes = fc.uint8Array({ maxLength: 64 }).map((body): Input => ({ fn, body, contentType: 'application/json' }));
  const wrongType = fc.tuple(VALID[fn] as fc.Arbitrary<Json>, contentTypes).map(([body, contentType]): Input => ({ fn, body: JSON.stringify(body), contentType }));
  return fc.oneof({ arbitrary: mutated, weight: 6 }, { arbitrary: randomJson, weight: 2 }, { arbitrary: text, weight: 1 }, { arbitrary: bytes, weight: 1 }, { arbitrary: wrongType, weight: 1 });
}

/** One oversized body per function, just past its limit (the transcript batch limit is ~20 MB). */
const OVERSIZED: Input[] = [
  { fn: 'station-context', body: JSON.stringify({ pad: 'x'.repeat(2_000) }), contentType: 'application/json' },
  { fn: 'interview-status', body: JSON.stringify({ pad: 'x'.repeat(2_000) }), contentType: 'application/json' },
  { fn: 'interview-end', body: JSON.stringify({ pad: 'x'.repeat(9_000) }), contentType: 'application/json' },
  { fn: 'interview-start', body: JSON.stringify({ pad: 'x'.repeat(17_000) }), contentType: 'application/json' },
  { fn: 'interview-transcript', body: JSON.stringify({ pad: 'x'.repeat(21_000_000) }), contentType: 'application/json' },
];

async function send(input: Input): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (input.contentType !== undefined) headers['content-type'] = input.contentType;
  const response = await fetch(`${fx.stack.supabaseUrl}/functions/v1/${input.fn}`, {
    method: 'POST',
    headers,
    body: typeof input.body === 'string' ? new TextEncoder().encode(input.body) : input.body,
  });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) as unknown };
  } catch {
    return { status: response.status, body: text };
  }
}

describe('fuzz: edge functions', () => {
  it('answer every generated input with 200 (valid) or a typed 4xx, never a 5xx, and refusals write nothing', async () => {
    const all: Input[] = [...OVERSIZED];
    for (const fn of Object.keys(VALID)) all.push(...fc.sample(inputs(fn), { seed: SEED_VALUE, numRuns: RUNS_PER_FUNCTION }));
    const problems: string[] = [];
    let refused = 0;
    let accepted = 0;
    let serverErrors = 0;
    const started = Date.now();
    for (const input of all) {
      const before = await written(fx.sql);
      const answer = await send(input);
      const shown = `${input.fn} ${input.contentType ?? '(no type)'} ${typeof input.body === 'string' ? input.body.slice(0, 160) : `bytes ${input.body.length}`}`;
      if (answer.status >= 500) {
        serverErrors++;
        problems.push(`${answer.status} for ${shown}: ${JSON.stringify(answer.body).slice(0, 200)}`);
        continue;
      }
      if (answer.status === 200) {
        accepted++;
        continue;
      }
      const error = StationErrorSchema.safeParse(answer.body);
      if (!error.success || httpStatusFor(error.data.code) !== answer.status || answer.status < 400) {
        problems.push(`untyped ${answer.status} for ${shown}: ${JSON.stringify(answer.body).slice(0, 200)}`);
        continue;
      }
      refused++;
      const after = await written(fx.sql);
      if (JSON.stringify(after) !== JSON.stringify(before)) problems.push(`refused (${error.data.code}) but wrote ${JSON.stringify(before)} → ${JSON.stringify(after)}: ${shown}`);
    }
    console.log(
      `fuzz edge-functions: ${all.length} inputs, ${refused} refused with a typed error, ${accepted} valid and accepted, ${serverErrors} server errors (seed ${SEED_VALUE}, ${Date.now() - started} ms)`,
    );
    expect(problems).toEqual([]);
    expect(serverErrors).toBe(0);
    // The generators mostly produce bad input: the suite is not just replaying valid bodies.
    expect(refused).toBeGreaterThan(all.length / 2);
  }, 120_000);
});
