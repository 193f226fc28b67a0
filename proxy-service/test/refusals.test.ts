import { randomUUID } from 'node:crypto';
import { type ErrorCode, SDP_PROXY_MAX_PAYLOAD, SESSION_JWT_MAX_SECONDS, httpStatusFor } from '@interview-station/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RealtimeSimulatorHandle, startRealtimeSimulator } from '../../devstack/realtime/index';
import { type Harness, claimsOf, newSecret, postJson, signSession, startHarness, unsignedToken } from './support/harness';
import { ProxyClient, refusedUpgrade } from './support/wsClient';

/**
 * Every refusal answers a contract code with the right retryable flag and calls nothing upstream
 * (the counting upstream stays at zero for the whole file).
 */
let sim: RealtimeSimulatorHandle;
let h: Harness;
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  sim = await startRealtimeSimulator();
  h = await startHarness({ openaiUrl: sim.url, apiKey: sim.apiKey });
});

afterAll(async () => {
  // Nothing above reached OpenAI: not a mint, not a call, not a sideband.
  expect(h.upstream.total).toBe(0);
  await h?.close();
  await sim?.close();
});

/** Tokens that must be refused, and why. */
async function badTokens(sessionId: string): Promise<[string, string, number, string][]> {
  const good = await h.token({ sessionId });
  return [
    ['bad signature', await signSession({ secret: newSecret(), sessionId }), 401, 'AUTHENTICATION_FAILED'],
    ['alg: none', unsignedToken(claimsOf(good)), 401, 'AUTHENTICATION_FAILED'],
    ['another algorithm (HS512, right secret)', await signSession({ secret: h.secret, sessionId, alg: 'HS512' }), 401, 'AUTHENTICATION_FAILED'],
    ['expired', await h.token({ sessionId, iat: now() - 7200, exp: now() - 3600 }), 401, 'AUTHENTICATION_FAILED'],
    // The longest interview (2 h) plus its margin is the most a session token may live.
    ['lifetime over the longest interview', await h.token({ sessionId, iat: now(), exp: now() + SESSION_JWT_MAX_SECONDS + 60 }), 401, 'AUTHENTICATION_FAILED'],
    ['garbage', 'not-a-jwt', 401, 'AUTHENTICATION_FAILED'],
    ['no realtime:connect permission', await h.token({ sessionId, permissions: ['transcript:write'] }), 403, 'NOT_AUTHORIZED'],
  ];
}

describe('POST /api/realtime/sessions refusals', () => {
  it('refuses a request without a token', async () => {
    const res = await postJson(`${h.url}/api/realtime/sessions`, { sessionId: randomUUID() });
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ code: 'AUTHENTICATION_FAILED', retryable: false });
  });

  it('refuses bad, forged, expired and under-privileged tokens', async () => {
    const sessionId = randomUUID();
    for (const [why, token, status, code] of await badTokens(sessionId)) {
      const res = await postJson(`${h.url}/api/realtime/sessions`, { sessionId }, token);
      expect([why, res.status, res.json.code, res.json.retryable]).toEqual([why, status, code, false]);
    }
  });

  it("refuses another session's id", async () => {
    const res = await postJson(`${h.url}/api/realtime/sessions`, { sessionId: randomUUID() }, await h.token());
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ code: 'NOT_AUTHORIZED', retryable: false, field: 'sessionId' });
  });

  it('refuses malformed, oversized and over-specified bodies, naming the field', async () => {
    const sessionId = randomUUID();
    const token = await h.token({ sessionId });
    const cases: [unknown, string, string | undefined][] = [
      ['{not json', 'VALIDATION_FAILED', undefined],
      [{}, 'VALIDATION_FAILED', 'sessionId'],
      [{ sessionId: 'not-a-uuid' }, 'VALIDATION_FAILED', 'sessionId'],
      // Model, voice and instructions come from the signed session, never from the body.
      [{ sessionId, model: 'gpt-4o-mini-realtime' }, 'VALIDATION_FAILED', 'model'],
      [{ sessionId, instructions: 'x'.repeat(5000) }, 'PAYLOAD_TOO_LARGE', undefined],
    ];
    for (const [body, code, field] of cases) {
      const res = await postJson(`${h.url}/api/realtime/sessions`, body, token);
      expect([res.status, res.json.code, res.json.retryable]).toEqual([httpStatusFor(code as ErrorCode), code, false]);
      if (field) expect(res.json['field']).toBe(field);
    }
  });

  it('refuses to end a session without the session:end permission or for another session', async () => {
    const sessionId = randomUUID();
    const noEnd = await h.token({ sessionId, permissions: ['realtime:connect'] });
    expect((await postJson(`${h.url}/api/realtime/sessions/${sessionId}/end`, {}, noEnd)).json.code).toBe('NOT_AUTHORIZED');
    const other = await postJson(`${h.url}/api/realtime/sessions/${randomUUID()}/end`, {}, await h.token({ sessionId }));
    expect([other.status, other.json.code]).toEqual([403, 'NOT_AUTHORIZED']);
  });
});

describe('WebSocket upgrade refusals', () => {
  it('refuses an upgrade without a token, on another path, or with a bad token', async () => {
    expect(await refusedUpgrade(h.wsUrl)).toMatchObject({ status: 401, body: { code: 'AUTHENTICATION_FAILED', retryable: false } });
    const elsewhere = await refusedUpgrade(h.wsUrl.replace('/ws', '/socket'), { authorization: `Bearer ${await h.token()}` });
    expect(elsewhere.status).toBe(404);
    const sessionId = randomUUID();
    for (const [why, token, status, code] of await badTokens(sessionId)) {
      const viaHeader = await refusedUpgrade(h.wsUrl, { authorization: `Bearer ${token}` });
      expect([why, viaHeader.status, viaHeader.body?.code]).toEqual([why, status, code]);
      const viaQuery = await refusedUpgrade(`${h.wsUrl}?token=${encodeURIComponent(token)}`);
      expect([why, viaQuery.status, viaQuery.body?.code]).toEqual([why, status, code]);
    }
  });
});

describe('WebSocket message refusals', () => {
  it('answers each bad message with a typed error and keeps the socket usable', async () => {
    const sessionId = randomUUID();
    const client = await ProxyClient.open(h.wsUrl, await h.token({ sessionId }), { via: 'query' });
    const cases: [unknown, string, string | undefined][] = [
      ['{not json', 'VALIDATION_FAILED', undefined],
      [{ type: 'teleport', sessionId, data: {} }, 'VALIDATION_FAILED', 'type'],
      [{ sessionId, data: {} }, 'VALIDATION_FAILED', 'type'],
      [{ type: 'offer', sessionId, data: {} }, 'VALIDATION_FAILED', 'data.sdp'],
      [{ type: 'offer', sessionId, data: { sdp: 'v=0' }, model: 'x' }, 'VALIDATION_FAILED', 'model'],
      [{ type: 'session', sessionId: 'nope', data: {} }, 'VALIDATION_FAILED', 'sessionId'],
      [{ type: 'session', sessionId: randomUUID(), data: {} }, 'NOT_AUTHORIZED', 'sessionId'],
      [{ type: 'answer', sessionId, data: { sdp: 'v=0' } }, 'VALIDATION_FAILED', 'type'],
    ];
    for (const [message, code, field] of cases) {
      client.send(message);
      const error = await client.next('error');
      expect(error.data).toMatchObject({ code, retryable: false });
      expect(error.data.field).toBe(field);
    }
    client.ws.send(Buffer.from([1, 2, 3]));
    expect((await client.next('error')).data.code).toBe('VALIDATION_FAILED');
    // Still open and serving its own session.
    client.send({ type: 'session', sessionId, data: {} });
    expect((await client.next('session_ready')).data.sessionId).toBe(sessionId);
    client.close();
  });

  it('closes the socket on an oversized message (1009)', async () => {
    const sessionId = randomUUID();
    const client = await ProxyClient.open(h.wsUrl, await h.token({ sessionId }));
    client.send({ type: 'offer', sessionId, data: { sdp: 'v'.repeat(SDP_PROXY_MAX_PAYLOAD) } });
    expect((await client.closed).code).toBe(1009);
  });

  it('re-checks the token on every message: one that expired since the upgrade is refused and the socket closed', async () => {
    const sessionId = randomUUID();
    const client = await ProxyClient.open(h.wsUrl, await h.token({ sessionId, iat: now() - 3598, exp: now() + 2 }));
    client.send({ type: 'session', sessionId, data: {} });
    await client.next('session_ready');
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    client.send({ type: 'session', sessionId, data: {} });
    expect((await client.next('error')).data).toMatchObject({ code: 'AUTHENTICATION_FAILED', retryable: false });
    expect((await client.closed).code).toBe(1008);
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After once a direct session spends its mint bucket', async () => {
    const limited = await startHarness({ openaiUrl: sim.url, apiKey: sim.apiKey, env: { DEFAULT_ARCHITECTURE: 'direct', MINT_SESSION_BURST: '2' } });
    try {
      const sessionId = randomUUID();
      const token = await limited.token({ sessionId });
      for (let i = 0; i < 2; i += 1) expect((await postJson(`${limited.url}/api/realtime/sessions`, { sessionId }, token)).status).toBe(200);
      const over = await postJson(`${limited.url}/api/realtime/sessions`, { sessionId }, token);
      expect(over.status).toBe(429);
      expect(over.json).toMatchObject({ code: 'RATE_LIMITED', retryable: true });
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(limited.upstream.counts.mint).toBe(2);
      // Another session of the same tenant has its own bucket.
      const other = randomUUID();
      expect((await postJson(`${limited.url}/api/realtime/sessions`, { sessionId: other }, await limited.token({ sessionId: other }))).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('socket hygiene', () => {
  it('terminates a client that stops answering pings', async () => {
    const quick = await startHarness({ openaiUrl: sim.url, apiKey: sim.apiKey, env: { HEARTBEAT_MS: '150' } });
    try {
      const silent = await ProxyClient.open(quick.wsUrl, await quick.token(), { autoPong: false });
      const lively = await ProxyClient.open(quick.wsUrl, await quick.token());
      expect((await silent.closed).code).toBe(1006);
      expect(lively.ws.readyState).toBe(lively.ws.OPEN);
      lively.close();
    } finally {
      await quick.close();
    }
  });
});

describe('slow consumers', () => {
  it('drops a client that stops reading while replies pile up', async () => {
    // The waiting-queue bound (backpressure.test.ts) is opened wide here: this is about the send side.
    const strict = await startHarness({ openaiUrl: sim.url, apiKey: sim.apiKey, env: { SLOW_CONSUMER_BYTES: '65536', SLOW_CONSUMER_MS: '0', SDP_PROXY_QUEUE_MESSAGES: '10000', SDP_PROXY_QUEUE_BYTES: '67108864' } });
    try {
      const sessionId = randomUUID();
      const slow = await ProxyClient.open(strict.wsUrl, await strict.token({ sessionId }));
      // Stop reading: the proxy's replies fill the kernel buffers, then its own send buffer.
      (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      const bad = JSON.stringify({ type: 'session', sessionId: randomUUID(), data: {} });
      for (let i = 0; i < 200_000 && slow.ws.readyState === slow.ws.OPEN; i += 1) {
        slow.ws.send(bad);
        if (i % 2000 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
      expect((await slow.closed).code).toBe(1006);
      expect(strict.logs.text()).toContain('slow consumer dropped');
    } finally {
      await strict.close();
    }
  });
});

