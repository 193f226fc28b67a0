import { randomUUID } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RealtimeSimulatorHandle, startRealtimeSimulator } from '../../devstack/realtime/index';
import { type Harness, postJson, startHarness } from './support/harness';
import { ModeBySession } from './support/modes';
import { OfferingPeer } from './support/offerer';
import { ProxyClient } from './support/wsClient';

/**
 * Upstream failures become the contract's codes with the right retryable flag: 5xx, timeouts and
 * unreachable are retryable; 429 is RATE_LIMITED; a refused key (401) is not retryable.
 */
let OFFER = '';

let sim: RealtimeSimulatorHandle;
let fake: Server;
let fakeUrl = '';
/** What the fake OpenAI answers to a mint next. */
let mintAnswer: 'hang' | number = 503;

beforeAll(async () => {
  // A real offer (the simulator checks ICE credentials and fingerprints); no peer ever answers it.
  const peer = new OfferingPeer();
  OFFER = await peer.offer();
  await peer.close();
  sim = await startRealtimeSimulator();
  fake = createServer((req, res) => {
    req.resume();
    if (mintAnswer === 'hang') return; // never answers: the service's timeout must fire
    res.writeHead(mintAnswer, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { type: 'server_error', code: mintAnswer === 401 ? 'invalid_api_key' : null, message: 'nope', param: null } }));
  });
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', () => resolve()));
  fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
});

afterAll(async () => {
  fake?.closeAllConnections();
  await new Promise<void>((resolve) => (fake ? fake.close(() => resolve()) : resolve()));
  await sim?.close();
});

async function mintThrough(h: Harness) {
  const sessionId = randomUUID();
  return postJson(`${h.url}/api/realtime/sessions`, { sessionId }, await h.token({ sessionId }));
}

describe('minting when OpenAI fails', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ openaiUrl: fakeUrl, apiKey: 'sk-test-0123456789', env: { UPSTREAM_TIMEOUT_MS: '300', METRICS_PUBLIC: 'true', DEFAULT_ARCHITECTURE: 'direct' } });
  });
  afterAll(() => h?.close());

  it.each([
    [503, 502, 'TOKEN_MINT_FAILED', true],
    [500, 502, 'TOKEN_MINT_FAILED', true],
    ['hang', 502, 'TOKEN_MINT_FAILED', true],
    [429, 429, 'RATE_LIMITED', true],
    [401, 500, 'CONFIGURATION_INVALID', false],
  ] as const)('upstream %s → %i %s (retryable: %s)', async (answer, status, code, retryable) => {
    mintAnswer = answer;
    const res = await mintThrough(h);
    expect([res.status, res.json.code, res.json.retryable]).toEqual([status, code, retryable]);
    // OpenAI's own message is not passed on: it can echo what was sent.
    expect(res.text).not.toContain('nope');
  });

  it('counts upstream errors by code in /metrics', async () => {
    const text = await (await fetch(`${h.url}/metrics`)).text();
    expect(text).toMatch(/token_service_upstream_errors_total\{operation="mint",code="TOKEN_MINT_FAILED"\} 3/);
    expect(text).toMatch(/token_service_upstream_errors_total\{operation="mint",code="CONFIGURATION_INVALID"\} 1/);
    expect(text).toMatch(/token_service_mint_duration_seconds_bucket/);
  });

  it('says not ready when OpenAI cannot be reached, and mints fail retryably', async () => {
    const down = await startHarness({ openaiUrl: 'http://127.0.0.1:9', apiKey: 'sk-test-0123456789', env: { DEFAULT_ARCHITECTURE: 'direct' } });
    try {
      const res = await mintThrough(down);
      expect([res.status, res.json.code, res.json.retryable]).toEqual([502, 'TOKEN_MINT_FAILED', true]);
      expect((await fetch(`${down.url}/readyz`)).status).toBe(503);
      expect((await fetch(`${down.url}/healthz`)).status).toBe(200);
    } finally {
      await down.close();
    }
  });
});

describe('SDP exchange when OpenAI fails (the simulator’s faults)', () => {
  it('a 5xx answer → SDP_EXCHANGE_FAILED, retryable', async () => {
    const h = await startHarness({ openaiUrl: sim.url, apiKey: sim.apiKey });
    try {
      sim.control.addFault({ fault: { kind: 'refuse-sdp', status: 503 } });
      const sessionId = randomUUID();
      const client = await ProxyClient.open(h.wsUrl, await h.token({ sessionId }));
      client.send({ type: 'offer', sessionId, data: { sdp: OFFER } });
      expect((await client.next('error')).data).toMatchObject({ code: 'SDP_EXCHANGE_FAILED', retryable: true });
      expect((await fetch(`${h.url}/readyz`)).status).toBe(200);
      client.close();
    } finally {
      await h.close();
    }
  });

  it('no answer in time → SDP_EXCHANGE_FAILED, retryable', async () => {
    const h = await startHarness({ openaiUrl: sim.url, apiKey: sim.apiKey, env: { UPSTREAM_TIMEOUT_MS: '300' } });
    try {
      sim.control.addFault({ fault: { kind: 'delay-answer', ms: 2_000 } });
      const sessionId = randomUUID();
      const client = await ProxyClient.open(h.wsUrl, await h.token({ sessionId }));
      client.send({ type: 'offer', sessionId, data: { sdp: OFFER } });
      expect((await client.next('error')).data).toMatchObject({ code: 'SDP_EXCHANGE_FAILED', retryable: true });
      client.close();
    } finally {
      await h.close();
    }
  });

  it('a refused key (401) → CONFIGURATION_INVALID, not retryable; the same at mint', async () => {
    const modes = new ModeBySession();
    const h = await startHarness({ openaiUrl: sim.url, apiKey: 'sk-wrong-key-0123456789', settings: modes });
    try {
      const sessionId = randomUUID();
      const token = await h.token({ sessionId });
      const client = await ProxyClient.open(h.wsUrl, token);
      client.send({ type: 'offer', sessionId, data: { sdp: OFFER } });
      expect((await client.next('error')).data).toMatchObject({ code: 'CONFIGURATION_INVALID', retryable: false });
      const direct = modes.direct(randomUUID());
      const mint = await postJson(`${h.url}/api/realtime/sessions`, { sessionId: direct }, await h.token({ sessionId: direct }));
      expect([mint.status, mint.json.code, mint.json.retryable]).toEqual([500, 'CONFIGURATION_INVALID', false]);
      client.close();
    } finally {
      await h.close();
    }
  });

  it('an offer OpenAI cannot apply → VALIDATION_FAILED naming data.sdp, not retryable', async () => {
    const h = await startHarness({ openaiUrl: sim.url, apiKey: sim.apiKey });
    try {
      const sessionId = randomUUID();
      const client = await ProxyClient.open(h.wsUrl, await h.token({ sessionId }));
      client.send({ type: 'offer', sessionId, data: { sdp: 'this is not an SDP' } });
      expect((await client.next('error')).data).toMatchObject({ code: 'VALIDATION_FAILED', retryable: false, field: 'data.sdp' });
      client.close();
    } finally {
      await h.close();
    }
  });
});
