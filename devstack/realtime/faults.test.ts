import { parseRealtimeEvent } from '@interview-station/contracts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RealtimeSimulatorHandle, startRealtimeSimulator } from './index';
import { NodeRealtimeClient, candidatePackets } from './test/nodeClient';

/** Injected faults, by option, by the in-process control and by the control endpoint. */
let sim: RealtimeSimulatorHandle;
const clients: NodeRealtimeClient[] = [];

beforeAll(async () => {
  sim = await startRealtimeSimulator({
    script: { lines: ['x'], openOnConnect: false },
    transcriptionDelayMs: 50,
    faults: [{ fault: { kind: 'refuse-sdp', status: 503 } }],
  });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  sim.control.clearFaults();
});
afterAll(() => sim.close());

const control = (path: string, body: unknown, key = sim.apiKey) =>
  fetch(`${sim.url}/__sim${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function mint(): Promise<string> {
  const res = await fetch(`${sim.url}/v1/realtime/client_secrets`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sim.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ session: { type: 'realtime', audio: { input: { transcription: { model: 'whisper-1' } } } } }),
  });
  return ((await res.json()) as { value: string }).value;
}

function client(): NodeRealtimeClient {
  const c = new NodeRealtimeClient();
  clients.push(c);
  return c;
}

describe('faults', () => {
  it('refuses the SDP of the next call (queued by option) with a 5xx in OpenAI shape, then answers again', async () => {
    const key = await mint();
    const refused = await client().call(sim.url, key);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual({ error: { type: 'server_error', code: null, param: null, message: expect.stringMatching(/injected/) } });
    expect((await client().call(sim.url, key)).status).toBe(201);
  });

  it('delays the answer by the configured time', async () => {
    sim.control.addFault({ fault: { kind: 'delay-answer', ms: 1_000 } });
    const c = client();
    const started = Date.now();
    expect((await c.call(sim.url, await mint())).status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
  });

  it('drops the peer connection mid-call, and closes the data channel alone', async () => {
    expect((await control('/faults', { fault: { kind: 'drop-peer', afterMs: 1_500 } })).status).toBe(200);
    const dropped = client();
    expect((await dropped.call(sim.url, await mint())).status).toBe(201);
    await dropped.waitFor((e) => e.type === 'session.created');
    await expect.poll(() => dropped.channel.readyState, { timeout: 10_000 }).toBe('closed');
    expect(sim.control.call(dropped.callId ?? '')?.endReason).toBe('fault: drop-peer');

    const quiet = client();
    expect((await quiet.call(sim.url, await mint())).status).toBe(201);
    await quiet.waitFor((e) => e.type === 'session.created');
    expect((await control(`/calls/${quiet.callId}/faults`, { kind: 'close-data-channel' })).status).toBe(200);
    await expect.poll(() => quiet.channel.readyState, { timeout: 10_000 }).toBe('closed');
    expect(sim.control.call(quiet.callId ?? '')?.state).toBe('open');
  });

  it('makes the call\'s transcriptions fail with conversation.item.input_audio_transcription.failed', async () => {
    const c = client();
    expect((await c.call(sim.url, await mint())).status).toBe(201);
    await c.waitFor((e) => e.type === 'session.created');
    sim.control.faultCall(c.callId ?? '', { kind: 'transcription-failed' });
    await c.speak(candidatePackets());
    const failed = await c.waitFor((e) => e.type === 'conversation.item.input_audio_transcription.failed');
    const stopped = await c.waitFor((e) => e.type === 'input_audio_buffer.speech_stopped');
    expect(failed).toMatchObject({ item_id: stopped['item_id'], content_index: 0, error: { type: 'transcription_error', code: expect.any(String) } });
    expect(parseRealtimeEvent(failed).kind).toBe('event');
    expect(c.types()).not.toContain('conversation.item.input_audio_transcription.completed');
  }, 60_000);

  it('expires keys early, while a call already started with one goes on', async () => {
    sim.control.addFault({ fault: { kind: 'expire-key', afterMs: 2_000 } });
    const key = await mint();
    const running = client();
    expect((await running.call(sim.url, key)).status).toBe(201);
    await running.waitFor((e) => e.type === 'session.created');
    await new Promise((resolve) => setTimeout(resolve, 2_200));
    const late = await client().call(sim.url, key);
    expect(late.status).toBe(401);
    running.send({ type: 'session.update', session: { type: 'realtime', instructions: 'still here' } });
    expect((await running.waitFor((e) => e.type === 'session.updated'))['session']).toMatchObject({ instructions: 'still here' });
  });

  it('validates the control endpoint like any other: key, body, call id', async () => {
    expect((await control('/faults', { fault: { kind: 'drop-peer' } }, 'sk-wrong')).status).toBe(401);
    const bad = await control('/faults', { fault: { kind: 'explode' } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { type: 'invalid_request_error', param: 'fault.kind' } });
    expect((await control('/calls/rtc_nope/faults', { kind: 'drop-peer' })).status).toBe(404);
    // Nothing was queued by the refused requests: the next call connects normally.
    expect((await client().call(sim.url, await mint())).status).toBe(201);
  });
});
