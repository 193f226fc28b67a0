import { randomUUID } from 'node:crypto';
import { type ErrorCode, SDP_PROXY_MAX_PAYLOAD, StationErrorSchema, httpStatusFor } from '@interview-station/contracts';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RealtimeSimulatorHandle, startRealtimeSimulator } from '../../devstack/realtime/index';
import { type Harness, startHarness } from './support/harness';
import { ModeBySession } from './support/modes';
import { httpRequest, rawRequest, upgradeRequest } from './support/rawHttp';
import { ProxyClient } from './support/wsClient';

/**
 * Generated and mutated input at every SDP proxy message type and every HTTP route (targets,
 * methods, headers, bodies, upgrades), seeded and bounded: no crash, no unhandled rejection, no
 * 5xx, every refusal a StationError with the contracts' status (or a clean close with a policy
 * code), and nothing minted, called or ended. Prints one line with the counts.
 */
const SEED = 20261201;
let sim: RealtimeSimulatorHandle;
let h: Harness;
const modes = new ModeBySession();
const counts = { inputs: 0, refused: 0, accepted: 0, closes: 0, crashes: 0 };
const crashes: string[] = [];
const onCrash = (error: unknown) => {
  counts.crashes += 1;
  crashes.push(String(error));
};

beforeAll(async () => {
  process.on('unhandledRejection', onCrash);
  process.on('uncaughtException', onCrash);
  sim = await startRealtimeSimulator();
  h = await startHarness({ openaiUrl: sim.url, apiKey: sim.apiKey, settings: modes, env: { RATE_SESSION_PER_MINUTE: '10000', RATE_TENANT_PER_MINUTE: '100000' } });
});

afterAll(async () => {
  process.off('unhandledRejection', onCrash);
  process.off('uncaughtException', onCrash);
  await h?.close();
  await sim?.close();
});

/** A StationError whose code is a caller's mistake (4xx in the contracts' table). */
function typedRefusal(body: unknown): boolean {
  const parsed = StationErrorSchema.safeParse(body);
  return parsed.success && httpStatusFor(parsed.data.code) < 500;
}

// ---- the SDP proxy -------------------------------------------------------------------------

const SDP = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';
const templates = (sessionId: string): Record<string, unknown>[] => [
  { type: 'session', sessionId, data: {} },
  { type: 'offer', sessionId, data: { sdp: SDP } },
  { type: 'answer', sessionId, data: { sdp: SDP } },
  { type: 'ice_candidate', sessionId, data: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 } },
];

type Mutation = (message: Record<string, unknown>) => Record<string, unknown>;
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constantFrom('type', 'sessionId', 'data').map((key): Mutation => (m) => Object.fromEntries(Object.entries(m).filter(([k]) => k !== key))),
  fc.tuple(fc.constantFrom('type', 'sessionId', 'data'), fc.jsonValue()).map(([key, value]): Mutation => (m) => ({ ...m, [key]: value })),
  fc.tuple(fc.string({ maxLength: 12 }), fc.jsonValue()).map(([key, value]): Mutation => (m) => ({ ...m, [key]: value })),
  fc.tuple(fc.constantFrom('sdp', 'candidate', 'sdpMid', 'sdpMLineIndex', 'extra'), fc.jsonValue({ maxDepth: 2 })).map(
    ([key, value]): Mutation => (m) => ({ ...m, data: { ...(typeof m['data'] === 'object' && m['data'] !== null ? m['data'] : {}), [key]: value } }),
  ),
  fc.constant<Mutation>((m) => ({ ...m, sessionId: randomUUID() })),
  fc.string({ maxLength: 20 }).map((type): Mutation => (m) => ({ ...m, type })),
);

type WsInput = { kind: 'text'; text: string } | { kind: 'binary'; bytes: Uint8Array } | { kind: 'oversize'; size: number };
const wsInput = (sessionId: string): fc.Arbitrary<WsInput> =>
  fc.oneof(
    { weight: 5, arbitrary: fc.tuple(fc.nat({ max: 3 }), fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([index, ms]): WsInput => ({ kind: 'text', text: JSON.stringify(ms.reduce((m, f) => f(m), templates(sessionId)[index] ?? {})) })) },
    { weight: 2, arbitrary: fc.jsonValue().map((value): WsInput => ({ kind: 'text', text: JSON.stringify(value) })) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((text): WsInput => ({ kind: 'text', text })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes): WsInput => ({ kind: 'binary', bytes })) },
    { weight: 1, arbitrary: fc.integer({ min: SDP_PROXY_MAX_PAYLOAD + 1, max: SDP_PROXY_MAX_PAYLOAD * 2 }).map((size): WsInput => ({ kind: 'oversize', size })) },
  );

describe('fuzz: the SDP proxy', () => {
  it('answers every generated message with a typed error or its reply, or closes with a policy code', async () => {
    const sessionId = randomUUID();
    const token = await h.token({ sessionId, permissions: ['realtime:connect'] });
    let client = await ProxyClient.open(h.wsUrl, token);
    await fc.assert(
      fc.asyncProperty(wsInput(sessionId), async (input) => {
        counts.inputs += 1;
        if (client.ws.readyState !== client.ws.OPEN) client = await ProxyClient.open(h.wsUrl, token);
        client.messages.length = 0;
        if (input.kind === 'oversize') client.send('x'.repeat(input.size));
        else if (input.kind === 'binary') client.ws.send(input.bytes);
        else client.send(input.text);
        if (input.kind === 'oversize') {
          const closed = await client.closed;
          counts.closes += 1;
          expect([1008, 1009]).toContain(closed.code);
          return;
        }
        // A probe after the input: everything before its answer is the input's answer.
        client.send({ type: 'session', sessionId, data: {} });
        await client.next('session_ready', 10_000);
        for (const message of client.messages.splice(0)) {
          if (message.type === 'error') {
            expect(typedRefusal(message.data), JSON.stringify(message.data)).toBe(true);
            counts.refused += 1;
          } else {
            // A valid ice_candidate is accepted silently; a valid session answers session_ready.
            expect(['session_ready']).toContain(message.type);
            counts.accepted += 1;
          }
        }
      }),
      { seed: SEED, numRuns: 250, interruptAfterTimeLimit: 8_000, endOnFailure: true },
    );
    client.close();
    // Nothing was minted and no call was adopted.
    expect(h.upstream.counts.mint).toBe(0);
    expect(h.service.registry.get(sessionId)?.callId ?? null).toBeNull();
  }, 30_000);
});

// ---- HTTP routes -----------------------------------------------------------------------------

const visible = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 });
const escapes = fc.array(fc.oneof(fc.constantFrom('%', '%E0%A4%A', '%FF', '%00', '%2F', '%25', '//', '/..', '?', '#', '&token='), visible), { maxLength: 6 }).map((parts) => parts.join(''));
const routes = ['/api/realtime/sessions', `/api/realtime/sessions/${randomUUID()}/end`, '/healthz', '/readyz', '/metrics', '/ws', '/'];
const target = fc.oneof(
  fc.tuple(fc.constantFrom(...routes), escapes).map(([route, tail]) => `${route}${tail}`),
  fc.tuple(escapes, fc.constantFrom(...routes)).map(([head, route]) => `/${head}${route}`),
  escapes.map((text) => `/${text}`),
  fc.integer({ min: 4000, max: 9000 }).map((n) => `/${'a'.repeat(n)}`),
  // Bytes the HTTP parser itself refuses (control characters, DEL, non-ASCII): still a StationError.
  fc.tuple(fc.constantFrom(...routes), fc.string({ unit: fc.constantFrom('\u0001', '\u007f', '\u00e9', '\t', '\u0000'), minLength: 1, maxLength: 3 })).map(([route, bad]) => `${route}${bad}x`),
  fc.integer({ min: 17_000, max: 40_000 }).map((n) => `/${'b'.repeat(n)}`),
);
const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD');
const body = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.uuid().map((sessionId) => JSON.stringify({ sessionId })),
  fc.string({ maxLength: 200 }),
  fc.integer({ min: 4000, max: 12_000 }).map((n) => JSON.stringify({ pad: 'x'.repeat(n) })),
);
const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'APPLICATION/JSON', '', 'multipart/form-data; boundary=x');

describe('fuzz: HTTP routes and upgrades', () => {
  it('answers every generated request with a StationError 4xx (or a health answer), never a 5xx', async () => {
    // Tokens that may not end a session, for hybrid sessions (no key), plus forged ones.
    const good = await h.token({ permissions: ['realtime:connect'] });
    const mutatedToken = fc.oneof(
      fc.constant(good),
      fc.nat({ max: good.length - 1 }).map((i) => `${good.slice(0, i)}${good[i] === 'A' ? 'B' : 'A'}${good.slice(i + 1)}`),
      visible,
    );
    const authorization = fc.oneof(mutatedToken.map((t) => `Bearer ${t}`), visible, fc.constant(''));
    const request = fc.record({ method, target, authorization, contentType, body, upgrade: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        counts.inputs += 1;
        const headers: Record<string, string> = {};
        if (r.authorization) headers['authorization'] = r.authorization;
        if (r.contentType) headers['content-type'] = r.contentType;
        const text = r.upgrade ? upgradeRequest(r.target, headers) : httpRequest(r.method, r.target, headers, r.method === 'GET' || r.method === 'HEAD' ? '' : r.body);
        const answer = await rawRequest(h.url, text);
        expect(answer.status, `${r.method} ${r.target.slice(0, 80)} → ${answer.status} ${answer.body.slice(0, 200)}`).toBeLessThan(500);
        if (answer.status === 101) return void (counts.accepted += 1);
        if (answer.status < 300) {
          expect(r.method === 'HEAD' || ['/healthz', '/readyz'].some((p) => r.target === p)).toBe(true);
          return void (counts.accepted += 1);
        }
        if (r.method === 'HEAD') return void (counts.refused += 1);
        expect(typedRefusal(answer.json), answer.body.slice(0, 200)).toBe(true);
        expect(answer.status).toBe(httpStatusFor(answer.json?.code as ErrorCode));
        counts.refused += 1;
      }),
      { seed: SEED, numRuns: 300, interruptAfterTimeLimit: 8_000, endOnFailure: true },
    );
    expect(h.upstream.counts.mint).toBe(0);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
  }, 30_000);

  it('still serves, with no crash and no error-level log line', async () => {
    const errorLines = h.logs.lines.filter((line) => (JSON.parse(line) as { level: number }).level >= 50);
    expect(errorLines).toEqual([]);
    expect(crashes).toEqual([]);
    const sessionId = randomUUID();
    const client = await ProxyClient.open(h.wsUrl, await h.token({ sessionId }));
    client.send({ type: 'session', sessionId, data: {} });
    expect((await client.next('session_ready')).data.sessionId).toBe(sessionId);
    client.close();
    console.log(`fuzz token-service: ${counts.inputs} inputs, ${counts.refused} refused with a typed error, ${counts.closes} closed with a policy code, ${counts.accepted} accepted as valid, ${counts.crashes} crashes`);
  });
});
