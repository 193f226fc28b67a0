import { randomUUID } from 'node:crypto';
import { ErrorCodeSchema, httpStatusFor } from '@interview-station/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RealtimeSimulatorHandle, startRealtimeSimulator } from '../../devstack/realtime/index';
import { type Harness, startHarness } from './support/harness';
import { httpRequest, rawRequest, upgradeRequest } from './support/rawHttp';

/**
 * Input the service must parse (request targets, escapes, headers, bodies) answers a typed 4xx,
 * with the status the contracts' table gives its code, and never an error-level log line: a
 * malformed request is the caller's mistake, not the service's failure.
 */
let sim: RealtimeSimulatorHandle;
let h: Harness;

beforeAll(async () => {
  sim = await startRealtimeSimulator();
  h = await startHarness({ openaiUrl: sim.url, apiKey: sim.apiKey });
});

afterAll(async () => {
  expect(h.upstream.total).toBe(0);
  await h?.close();
  await sim?.close();
});

/** pino's numeric levels: 50 error, 60 fatal. */
const errorLines = () => h.logs.lines.filter((line) => (JSON.parse(line) as { level: number }).level >= 50);

function expectTyped(answer: { status: number; json: { code?: string } | null }, code: string) {
  expect(ErrorCodeSchema.safeParse(answer.json?.code).success, JSON.stringify(answer)).toBe(true);
  expect([answer.json?.code, answer.status]).toEqual([code, httpStatusFor(code as never)]);
}

describe('request targets', () => {
  it('answers 4xx, never 500, for bad escapes, // oddities and absurd lengths', async () => {
    const token = await h.token();
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const cases: [string, string, string][] = [
      ['POST', '/api/realtime/sessions/%E0%A4%A/end', 'VALIDATION_FAILED'],
      ['POST', '/api/realtime/sessions/%/end', 'VALIDATION_FAILED'],
      ['POST', `/api/realtime/sessions/${'%FF'.repeat(20)}/end`, 'VALIDATION_FAILED'],
      ['GET', '//[', 'NOT_FOUND'],
      ['GET', '//healthz', 'NOT_FOUND'],
      // A protocol-relative target must not be read as host `api` and path `/realtime/sessions`.
      ['POST', '//api/realtime/sessions', 'NOT_FOUND'],
      ['GET', 'http://[::1/healthz', 'VALIDATION_FAILED'],
      ['GET', `/${'a'.repeat(12_000)}`, 'VALIDATION_FAILED'],
      ['GET', '/api/realtime/sessions', 'METHOD_NOT_ALLOWED'],
      ['GET', '/nowhere', 'NOT_FOUND'],
    ];
    for (const [method, target, code] of cases) {
      const answer = await rawRequest(h.url, httpRequest(method, target, auth, method === 'POST' ? '{}' : ''));
      expectTyped(answer, code);
    }
    expect(errorLines()).toEqual([]);
  });

  it('refuses bodies by what is wrong with them: media type 415, size 413, JSON 400', async () => {
    const sessionId = randomUUID();
    const token = await h.token({ sessionId });
    const post = (headers: Record<string, string>, body: string) =>
      rawRequest(h.url, httpRequest('POST', '/api/realtime/sessions', { authorization: `Bearer ${token}`, ...headers }, body));
    expectTyped(await post({ 'content-type': 'text/plain' }, JSON.stringify({ sessionId })), 'UNSUPPORTED_MEDIA_TYPE');
    expectTyped(await post({ 'content-type': 'application/json' }, JSON.stringify({ sessionId, pad: 'x'.repeat(10_000) })), 'PAYLOAD_TOO_LARGE');
    expectTyped(await post({ 'content-type': 'application/json' }, '{"sessionId": "'), 'VALIDATION_FAILED');
    expectTyped(await post({ 'content-type': 'application/json; charset=utf-8' }, '\u0000'), 'VALIDATION_FAILED');
    expect(errorLines()).toEqual([]);
  });
});

describe('WebSocket upgrades', () => {
  it('answers malformed upgrade targets with a typed 4xx', async () => {
    const token = await h.token();
    const cases: [string, Record<string, string>, string][] = [
      ['//[', { authorization: `Bearer ${token}` }, 'NOT_FOUND'],
      ['//ws', { authorization: `Bearer ${token}` }, 'NOT_FOUND'],
      ['/ws?token=%E0%A4%A', {}, 'AUTHENTICATION_FAILED'],
      ['/ws?token=a&token=b', {}, 'AUTHENTICATION_FAILED'],
      [`/ws?token=${'x'.repeat(12_000)}`, {}, 'VALIDATION_FAILED'],
      ['/ws', { authorization: 'Bearer' }, 'AUTHENTICATION_FAILED'],
      ['/ws', { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }, 'AUTHENTICATION_FAILED'],
    ];
    for (const [target, headers, code] of cases) expectTyped(await rawRequest(h.url, upgradeRequest(target, headers)), code);
    expect(errorLines()).toEqual([]);
  });
});
