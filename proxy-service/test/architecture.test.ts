import { randomUUID } from 'node:crypto';
import { CONNECTION_ATTEMPTS_PER_MINUTE, RealtimeSessionResponseSchema } from '@interview-station/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RealtimeSimulatorHandle, startRealtimeSimulator } from '../../devstack/realtime/index';
import { type Harness, postJson, startHarness } from './support/harness';
import { ModeBySession } from './support/modes';
import { ProxyClient, refusedUpgrade } from './support/wsClient';

/**
 * A session uses one architecture, the one its row names, whatever the caller asks: a hybrid
 * session's renderer gets no OpenAI key (NOT_AUTHORIZED), a direct session gets no SDP proxy
 * socket; direct keys are short-lived and come one per connection attempt.
 */
let sim: RealtimeSimulatorHandle;
let h: Harness;
const modes = new ModeBySession();

beforeAll(async () => {
  sim = await startRealtimeSimulator();
  h = await startHarness({ openaiUrl: sim.url, apiKey: sim.apiKey, settings: modes });
});

afterAll(async () => {
  await h?.close();
  await sim?.close();
});

const mint = async (sessionId: string, token?: string) => postJson(`${h.url}/api/realtime/sessions`, { sessionId }, token ?? (await h.token({ sessionId })));

describe('the session row decides the architecture', () => {
  it('refuses an ephemeral key to a hybrid session (403 NOT_AUTHORIZED) and calls nothing upstream', async () => {
    const before = h.upstream.counts.mint;
    const res = await mint(randomUUID());
    expect([res.status, res.json.code, res.json.retryable]).toEqual([403, 'NOT_AUTHORIZED', false]);
    expect(h.upstream.counts.mint).toBe(before);
  });

  it('mints for a direct session a key that lives at most 60 s', async () => {
    const sessionId = modes.direct(randomUUID());
    const res = await mint(sessionId);
    expect(res.status).toBe(200);
    const body = RealtimeSessionResponseSchema.parse(res.json);
    expect(Date.parse(body.expiresAt) - Date.now()).toBeLessThanOrEqual(61_000);
  });

  it("gives a direct session a burst of twelve keys (the station's bound a minute), then 429 with Retry-After of about 5 s", async () => {
    const sessionId = modes.direct(randomUUID());
    const token = await h.token({ sessionId });
    for (let i = 0; i < CONNECTION_ATTEMPTS_PER_MINUTE; i += 1) expect((await mint(sessionId, token)).status).toBe(200);
    const over = await mint(sessionId, token);
    expect([over.status, over.json.code, over.json.retryable]).toEqual([429, 'RATE_LIMITED', true]);
    const retryAfter = Number(over.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(3);
    expect(retryAfter).toBeLessThanOrEqual(5);
  });

  it('refuses the SDP proxy socket to a direct session, and an offer from one', async () => {
    const sessionId = modes.direct(randomUUID());
    const token = await h.token({ sessionId });
    const refused = await refusedUpgrade(h.wsUrl, { authorization: `Bearer ${token}` });
    expect([refused.status, refused.body?.code]).toEqual([403, 'NOT_AUTHORIZED']);
    // A hybrid session's socket works as before.
    const hybrid = randomUUID();
    const client = await ProxyClient.open(h.wsUrl, await h.token({ sessionId: hybrid }));
    client.send({ type: 'session', sessionId: hybrid, data: {} });
    expect((await client.next('session_ready')).data.sessionId).toBe(hybrid);
    client.close();
  });
});
