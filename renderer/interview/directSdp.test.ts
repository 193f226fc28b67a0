import { describe, expect, it } from 'vitest';
import { callIdOf, postOfferToCalls } from './directSdp';

const offer = { callsUrl: 'https://api.openai.test/v1/realtime/calls', clientSecret: 'ek_test_123', offerSdp: 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n' };
const answerSdp = 'v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\n';

describe('direct SDP exchange', () => {
  it('posts the offer as application/sdp with the ephemeral key and returns the 201 answer and call id', async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const answer = await postOfferToCalls(async (url, init) => {
      seen.push({ url, init });
      return new Response(answerSdp, { status: 201, headers: { location: '/v1/realtime/calls/rtc_abc123' } });
    }, offer);
    expect(answer).toEqual({ sdp: answerSdp, callId: 'rtc_abc123' });
    expect(seen[0]!.url).toBe(offer.callsUrl);
    expect(seen[0]!.init).toMatchObject({ method: 'POST', body: offer.offerSdp, headers: { Authorization: 'Bearer ek_test_123', 'Content-Type': 'application/sdp' } });
  });

  it('reads the JSON error body of a refusal and types it for the retry policy', async () => {
    const refuse = (status: number, body: unknown) => postOfferToCalls(async () => new Response(JSON.stringify(body), { status }), offer);
    const bad = { error: { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Ephemeral key expired', param: null } };
    await expect(refuse(401, bad)).rejects.toMatchObject({ error: { code: 'SDP_EXCHANGE_FAILED', retryable: true, message: expect.stringContaining('Ephemeral key expired') } });
    const quota = { error: { type: 'insufficient_quota', code: 'insufficient_quota', message: 'You exceeded your current quota' } };
    await expect(refuse(429, quota)).rejects.toMatchObject({ error: { code: 'CONFIGURATION_INVALID', retryable: false } });
    await expect(refuse(503, { error: { type: 'server_error', message: 'overloaded' } })).rejects.toMatchObject({ error: { code: 'UPSTREAM_UNAVAILABLE', retryable: true } });
    await expect(refuse(400, { error: { type: 'invalid_request_error', message: 'ICE credentials missing' } })).rejects.toMatchObject({ error: { code: 'VALIDATION_FAILED', retryable: false } });
  });

  it('says so when the endpoint cannot be reached or answers something that is not SDP', async () => {
    await expect(postOfferToCalls(async () => Promise.reject(new TypeError('Failed to fetch')), offer)).rejects.toMatchObject({ error: { code: 'UPSTREAM_UNAVAILABLE', message: expect.stringContaining('Failed to fetch') } });
    await expect(postOfferToCalls(async () => new Response('<html>proxy</html>', { status: 502 }), offer)).rejects.toMatchObject({ error: { message: expect.stringContaining('answered 502') } });
    await expect(postOfferToCalls(async () => new Response('{}', { status: 201 }), offer)).rejects.toMatchObject({ error: { code: 'SDP_EXCHANGE_FAILED' } });
  });

  it('takes the call id from the Location header only when it is a plain id', () => {
    expect(callIdOf('https://api.openai.com/v1/realtime/calls/rtc_9?x=1')).toBe('rtc_9');
    expect(callIdOf(null)).toBeNull();
    expect(callIdOf('/calls/<script>')).toBeNull();
  });
});
