import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RealtimeSimulatorHandle, startRealtimeSimulator } from './index';
import { NodeRealtimeClient } from './test/nodeClient';

/** The REST surface through real HTTP, the official `openai` SDK among the clients. */
let sim: RealtimeSimulatorHandle;
const logs: string[] = [];

beforeAll(async () => {
  sim = await startRealtimeSimulator({ script: { lines: ['x'], openOnConnect: false }, log: (e, f) => logs.push(JSON.stringify({ e, f })) });
});
afterAll(() => sim.close());

const post = (path: string, init: { key?: string; type?: string; body?: string } = {}) =>
  fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: {
      ...(init.key !== undefined ? { authorization: `Bearer ${init.key}` } : {}),
      ...(init.type !== undefined ? { 'content-type': init.type } : {}),
    },
    body: init.body,
  });

const mint = async (body: unknown = { session: { type: 'realtime' } }) => {
  const res = await post('/v1/realtime/client_secrets', { key: sim.apiKey, type: 'application/json', body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { value: string; expires_at: number } };
};

const openAIError = (type: string, code: string | null, param: string | null = null) => ({
  error: { type, code, param, message: expect.any(String) },
});

describe('client secrets', () => {
  it('are minted by the official openai SDK pointed at the simulator', async () => {
    const client = new OpenAI({ apiKey: sim.apiKey, baseURL: sim.baseUrl });
    const before = Math.floor(Date.now() / 1000);
    const secret = await client.realtime.clientSecrets.create({
      expires_after: { anchor: 'created_at', seconds: 120 },
      session: {
        type: 'realtime',
        model: 'gpt-realtime',
        instructions: 'Interview the candidate.',
        audio: {
          input: { transcription: { model: 'gpt-4o-transcribe' }, turn_detection: { type: 'server_vad', silence_duration_ms: 700 } },
          output: { voice: 'marin' },
        },
      },
    });
    expect(secret.value).toMatch(/^ek_[0-9a-f]{48}$/);
    expect(secret.expires_at).toBeGreaterThanOrEqual(before + 120);
    expect(secret.expires_at).toBeLessThanOrEqual(before + 121);
    expect(secret.session).toMatchObject({
      type: 'realtime',
      model: 'gpt-realtime',
      instructions: 'Interview the candidate.',
      audio: {
        input: { transcription: { model: 'gpt-4o-transcribe' }, turn_detection: { type: 'server_vad', silence_duration_ms: 700, threshold: 0.5 } },
        output: { voice: 'marin' },
      },
    });
  });

  it('default to 600 seconds with transcription off, as the real API does', async () => {
    const { status, body } = await mint({});
    expect(status).toBe(200);
    expect(body.expires_at - Math.floor(Date.now() / 1000)).toBeGreaterThan(590);
    expect(body['session']).toMatchObject({ audio: { input: { transcription: null } } });
  });

  it('refuse a missing or wrong standard key with 401, also through the SDK', async () => {
    const missing = await post('/v1/realtime/client_secrets', { type: 'application/json', body: '{}' });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual(openAIError('invalid_request_error', 'invalid_api_key'));
    const { value } = (await mint()).body;
    const withEphemeral = await post('/v1/realtime/client_secrets', { key: value, type: 'application/json', body: '{}' });
    expect(withEphemeral.status).toBe(401);

    const client = new OpenAI({ apiKey: 'sk-wrong', baseURL: sim.baseUrl, maxRetries: 0 });
    const failure = await client.realtime.clientSecrets.create({ session: { type: 'realtime' } }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(failure).toMatchObject({ status: 401, code: 'invalid_api_key', type: 'invalid_request_error' });
  });

  it.each([
    [{ session: { type: 'realtime', voice: 'alloy' } }, 'unknown_parameter', 'session.voice'],
    [{ session: { model: 'gpt-realtime' } }, 'missing_required_parameter', 'session.type'],
    [{ expires_after: { anchor: 'created_at', seconds: 5 } }, 'invalid_value', 'expires_after.seconds'],
    [{ expires_after: { anchor: 'created_at', seconds: 7201 } }, 'invalid_value', 'expires_after.seconds'],
    [{ session: { type: 'realtime', audio: { output: { voice: 'robot' } } } }, 'invalid_value', 'session.audio.output.voice'],
    [{ session: { type: 'realtime', audio: { input: { turn_detection: { type: 'server_vad', threshold: 2 } } } } }, 'invalid_value', 'session.audio.input.turn_detection.threshold'],
  ])('reject %j with 400 %s at %s', async (body, code, param) => {
    const res = await post('/v1/realtime/client_secrets', { key: sim.apiKey, type: 'application/json', body: JSON.stringify(body) });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual(openAIError('invalid_request_error', code, param));
  });

  it('reject a body that is not JSON, or not declared as JSON', async () => {
    const bad = await post('/v1/realtime/client_secrets', { key: sim.apiKey, type: 'application/json', body: '{"session":' });
    expect([bad.status, ((await bad.json()) as { error: { code: string } }).error.code]).toEqual([400, 'invalid_json']);
    const text = await post('/v1/realtime/client_secrets', { key: sim.apiKey, type: 'text/plain', body: '{}' });
    expect([text.status, ((await text.json()) as { error: { code: string } }).error.code]).toEqual([400, 'invalid_content_type']);
  });
});

describe('calls endpoint', () => {
  it('refuses bad keys, expired keys, non-SDP bodies and unknown calls in OpenAI error shape', async () => {
    const offer = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n';
    const wrong = await post('/v1/realtime/calls', { key: 'ek_0000', type: 'application/sdp', body: offer });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual(openAIError('invalid_request_error', 'invalid_api_key'));

    const { value } = (await mint()).body;
    const notSdp = await post('/v1/realtime/calls', { key: value, type: 'application/sdp', body: 'hello' });
    expect(notSdp.status).toBe(400);
    expect(await notSdp.json()).toEqual(openAIError('invalid_request_error', 'invalid_offer', 'sdp'));
    const noAudio = await post('/v1/realtime/calls', { key: value, type: 'application/sdp', body: 'v=0\r\ns=-\r\n' });
    expect(noAudio.status).toBe(400);
    // Looks like SDP, but no ICE credentials or fingerprint: nobody could connect to an answer.
    const callsBefore = sim.control.calls().length;
    const noIce = await post('/v1/realtime/calls', { key: value, type: 'application/sdp', body: offer });
    expect(noIce.status).toBe(400);
    expect(((await noIce.json()) as { error: { message: string } }).error.message).toMatch(/ICE credentials/);
    expect(sim.control.calls()).toHaveLength(callsBefore);
    const json = await post('/v1/realtime/calls', { key: value, type: 'application/json', body: '{}' });
    expect([json.status, ((await json.json()) as { error: { code: string } }).error.code]).toEqual([400, 'invalid_content_type']);

    expect(sim.control.expireKeys()).toBeGreaterThan(0);
    const expired = await post('/v1/realtime/calls', { key: value, type: 'application/sdp', body: offer });
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { error: { message: string } }).error.message).toMatch(/expired/);

    const hangup = await post('/v1/realtime/calls/rtc_unknown/hangup', { key: sim.apiKey });
    expect(hangup.status).toBe(404);
    expect(await hangup.json()).toEqual(openAIError('invalid_request_error', 'not_found'));
    const client = new OpenAI({ apiKey: sim.apiKey, baseURL: sim.baseUrl, maxRetries: 0 });
    await expect(client.realtime.calls.hangup('rtc_unknown')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('answers a preflight so browser pages on other origins can post offers', async () => {
    const res = await fetch(`${sim.url}/v1/realtime/calls`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:1', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect(res.headers.get('access-control-expose-headers')).toMatch(/location/);
  });

  it('answers unknown URLs with 404 "Invalid URL", as OpenAI does', async () => {
    const res = await fetch(`${sim.url}/v1/realtime/sessions`, { method: 'POST' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { type: 'invalid_request_error', code: null, param: null, message: 'Invalid URL (POST /v1/realtime/sessions)' } });
  });

  it('accepts the server-side multipart form with the standard key, session included', async () => {
    const client = new NodeRealtimeClient();
    try {
      const res = await client.call(sim.url, sim.apiKey, {
        body: (sdp) => {
          const form = new FormData();
          form.set('sdp', sdp);
          form.set('session', JSON.stringify({ type: 'realtime', instructions: 'From the form.', audio: { output: { voice: 'cedar' } } }));
          return form;
        },
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toMatch(/^\/v1\/realtime\/calls\/rtc_\w+$/);
      const created = await client.waitFor((e) => e.type === 'session.created');
      expect(created['session']).toMatchObject({ instructions: 'From the form.', audio: { output: { voice: 'cedar' } } });
    } finally {
      await client.close();
    }
  });

  it('returns 429 once a credential goes over the configured rate, and 200 for others', async () => {
    const limited = await startRealtimeSimulator({ rateLimitPerMinute: 2 });
    try {
      const req = (key: string) =>
        fetch(`${limited.url}/v1/realtime/client_secrets`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: '{}' });
      expect((await req(limited.apiKey)).status).toBe(200);
      expect((await req(limited.apiKey)).status).toBe(200);
      const third = await req(limited.apiKey);
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await third.json()).toEqual(openAIError('requests', 'rate_limit_exceeded'));
    } finally {
      await limited.close();
    }
  });
});

describe('logs', () => {
  it('never contain the standard key or an ek_ key', () => {
    expect(logs.length).toBeGreaterThan(3);
    const all = logs.join('\n');
    expect(all).not.toContain(sim.apiKey);
    expect(all).not.toMatch(/ek_[0-9a-f]{8}/);
  });
});
