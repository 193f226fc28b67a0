import { parseRealtimeEvent } from '@interview-station/contracts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RealtimeSimulatorHandle, startRealtimeSimulator } from './index';
import { CANDIDATE_FIXTURE_TEXT, DEFAULT_SCRIPT } from './script';
import { NodeRealtimeClient, candidatePackets } from './test/nodeClient';

/**
 * Calls end to end with a WebRTC client in Node (werift offering, as a browser does): what the
 * client hears and receives. The Chromium proofs are in test/browser.test.ts.
 */
let sim: RealtimeSimulatorHandle;
const clients: NodeRealtimeClient[] = [];
const logs: string[] = [];

beforeAll(async () => {
  sim = await startRealtimeSimulator({ transcriptionDelayMs: 50, log: (e, f) => logs.push(JSON.stringify({ e, f })) });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  sim.control.clearFaults();
});
afterAll(() => sim.close());

async function mint(session: Record<string, unknown> = {}): Promise<string> {
  const res = await fetch(`${sim.url}/v1/realtime/client_secrets`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sim.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ session: { type: 'realtime', ...session } }),
  });
  return ((await res.json()) as { value: string }).value;
}

async function connect(session: Record<string, unknown> = {}): Promise<NodeRealtimeClient> {
  const client = new NodeRealtimeClient();
  clients.push(client);
  const res = await client.call(sim.url, await mint(session));
  expect(res.status).toBe(201);
  return client;
}

const withTranscription = { audio: { input: { transcription: { model: 'gpt-4o-transcribe' } } } };

describe('a call', () => {
  it('opens with session.created, then the interviewer speaks audible audio with its transcript, in order', async () => {
    const client = await connect();
    const stopped = await client.waitFor((e) => e.type === 'output_audio_buffer.stopped');
    const types = client.types();
    expect(types[0]).toBe('session.created');
    const order = ['response.created', 'output_audio_buffer.started', 'response.output_audio_transcript.delta', 'response.output_audio_transcript.done', 'response.done', 'rate_limits.updated', 'output_audio_buffer.stopped'];
    const positions = order.map((t) => types.indexOf(t));
    expect(positions.every((p) => p > 0), types.join(' ')).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);

    const deltas = client.events.filter((e) => e.type === 'response.output_audio_transcript.delta').map((e) => e['delta']).join('');
    const done = client.events.find((e) => e.type === 'response.output_audio_transcript.done');
    expect(done?.['transcript']).toBe('Hello, and welcome. Please tell me about yourself.');
    expect(deltas).toBe(done?.['transcript']);
    expect(stopped['response_id']).toBe(done?.['response_id']);
    // The audio a person would hear: ~3.8 s of speech at a normal level, not silence.
    expect(client.heard.packets).toBeGreaterThan(150);
    expect(client.heard.peakDbfs).toBeGreaterThan(-30);
    // Every event the station reads parses with the station's own contract.
    for (const event of client.events) expect(parseRealtimeEvent(event).kind).not.toBe('invalid');
  }, 60_000);

  it('hears the candidate: speech_started, speech_stopped and an honest transcription, then the next question', async () => {
    const client = await connect(withTranscription);
    await client.waitFor((e) => e.type === 'output_audio_buffer.stopped');
    await client.speak(candidatePackets());
    const started = await client.waitFor((e) => e.type === 'input_audio_buffer.speech_started');
    const stopped = await client.waitFor((e) => e.type === 'input_audio_buffer.speech_stopped');
    const completed = await client.waitFor((e) => e.type === 'conversation.item.input_audio_transcription.completed');
    expect(stopped['item_id']).toBe(started['item_id']);
    expect(completed['item_id']).toBe(started['item_id']);
    expect(Number(stopped['audio_end_ms'])).toBeGreaterThan(Number(started['audio_start_ms']));
    // No recogniser: the transcript describes the sound, and never claims the words.
    const transcript = String(completed['transcript']);
    expect(transcript).toMatch(/^\[candidate speech, \d+\.\d s\]$/);
    const seconds = Number(/([\d.]+) s/.exec(transcript)?.[1]);
    expect(seconds).toBeGreaterThan(2);
    expect(seconds).toBeLessThan(4.5);
    for (const word of CANDIDATE_FIXTURE_TEXT.toLowerCase().match(/[a-z]{4,}/g) ?? []) expect(transcript.toLowerCase()).not.toContain(word);

    const next = await client.waitFor((e) => e.type === 'response.output_audio_transcript.done' && e['transcript'] !== 'Hello, and welcome. Please tell me about yourself.');
    expect(next['transcript']).toBe('What is a project you are proud of, and why?');
    const snapshot = sim.control.call(client.callId ?? '');
    expect(snapshot?.inbound.turns).toBe(1);
    expect(snapshot?.inbound.peakDbfs).toBeGreaterThan(-30);
  }, 60_000);

  it('applies session.update from the data channel and answers bad client events with error events', async () => {
    const client = await connect();
    await client.waitFor((e) => e.type === 'session.created');
    client.send({ type: 'session.update', session: { type: 'realtime', instructions: 'Be brief.', audio: { input: withTranscription.audio.input } } });
    const updated = await client.waitFor((e) => e.type === 'session.updated');
    expect(updated['session']).toMatchObject({ instructions: 'Be brief.', audio: { input: { transcription: { model: 'gpt-4o-transcribe' } } } });

    client.send({ type: 'session.update', event_id: 'evt_bad', session: { type: 'realtime', instructions: 42 } });
    const error = await client.waitFor((e) => e.type === 'error');
    expect(error['error']).toMatchObject({ type: 'invalid_request_error', code: 'invalid_value', param: 'session.instructions', event_id: 'evt_bad' });
    client.channel.send('not json');
    client.send({ type: 'session.explode' });
    await client.waitFor((e) => e.type === 'error' && (e['error'] as { param?: string }).param === 'type');
    expect(client.events.filter((e) => e.type === 'error').map((e) => (e['error'] as { code: string }).code)).toEqual(['invalid_value', 'invalid_json', 'invalid_value']);
    // Nothing changed: the next session.updated still carries the good update.
    client.send({ type: 'session.update', session: { type: 'realtime' } });
    await client.waitFor((e) => e.type === 'session.updated' && e !== updated);
    expect(client.events.filter((e) => e.type === 'session.updated').at(-1)?.['session']).toMatchObject({ instructions: 'Be brief.' });
  });

  it('ends at the session maximum with error session_expired', async () => {
    const short = await startRealtimeSimulator({ sessionMaxSeconds: 3, script: { lines: ['x'], openOnConnect: false } });
    const client = new NodeRealtimeClient();
    clients.push(client);
    try {
      const key = await (await fetch(`${short.url}/v1/realtime/client_secrets`, { method: 'POST', headers: { authorization: `Bearer ${short.apiKey}`, 'content-type': 'application/json' }, body: '{}' })).json();
      expect((await client.call(short.url, (key as { value: string }).value)).status).toBe(201);
      const error = await client.waitFor((e) => e.type === 'error', 10_000);
      expect(error['error']).toMatchObject({ type: 'invalid_request_error', code: 'session_expired', message: 'Your session hit the maximum duration of 3 seconds.' });
      await expect.poll(() => short.control.call(client.callId ?? '')?.endReason, { timeout: 5_000 }).toBe('session_expired');
    } finally {
      await short.close();
    }
  });
});

describe('sideband and hangup', () => {
  it('streams the call events to a sideband with the standard key, which can update the session; hangup ends the call', async () => {
    const { WebSocket } = await import('ws');
    const client = await connect();
    await client.waitFor((e) => e.type === 'session.created');
    const wsUrl = `${sim.url.replace('http', 'ws')}/v1/realtime?call_id=${client.callId}`;

    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(wsUrl, { headers: { authorization: 'Bearer ek_wrong' } });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    expect(refused).toBe(401);
    const unknown = await new Promise<number>((resolve) => {
      const ws = new WebSocket(wsUrl.replace(/call_id=\w+/, 'call_id=rtc_nope'), { headers: { authorization: `Bearer ${sim.apiKey}` } });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    });
    expect(unknown).toBe(404);

    const ws = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${sim.apiKey}` } });
    const received: { type: string; session?: { instructions?: string } }[] = [];
    ws.on('message', (data) => received.push(JSON.parse(data.toString())));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime', instructions: 'From the sideband.' } }));
    const onChannel = await client.waitFor((e) => e.type === 'session.updated');
    expect(onChannel['session']).toMatchObject({ instructions: 'From the sideband.' });
    await expect.poll(() => received.find((e) => e.type === 'session.updated')?.session?.instructions).toBe('From the sideband.');
    await client.waitFor((e) => e.type === 'output_audio_buffer.started');
    await expect.poll(() => received.some((e) => e.type === 'output_audio_buffer.started')).toBe(true);

    const closed = new Promise<number>((resolve) => ws.once('close', resolve));
    const hangup = await fetch(`${sim.url}/v1/realtime/calls/${client.callId}/hangup`, { method: 'POST', headers: { authorization: `Bearer ${sim.apiKey}` } });
    expect(hangup.status).toBe(200);
    expect(await closed).toBe(1000);
    expect(sim.control.call(client.callId ?? '')).toMatchObject({ state: 'ended', endReason: 'hangup' });
    await expect.poll(() => [client.channel.readyState, client.pc.connectionState], { timeout: 10_000 }).toEqual(['closed', expect.any(String)]);
  });
});

describe('rapid turns (benchmarks only)', () => {
  it('runs the turn pairs back to back: short interviewer lines with their whole text, then text-only candidate turns', async () => {
    sim.control.setScript({ ...DEFAULT_SCRIPT, rapidTurns: { pairs: 4 } });
    try {
      const client = await connect(withTranscription);
      await expect.poll(() => client.types().filter((t) => t === 'conversation.item.input_audio_transcription.completed').length, { timeout: 30_000 }).toBe(4);
      const done = client.events.filter((e) => e.type === 'response.output_audio_transcript.done').map((e) => e['transcript']);
      expect(done).toEqual([...DEFAULT_SCRIPT.lines, DEFAULT_SCRIPT.lines[0]]);
      // Each interviewer line is followed by one candidate turn, whose item the transcription names.
      const turns = client.events.filter((e) => e.type === 'response.output_audio_transcript.done' || e.type === 'input_audio_buffer.speech_started').map((e) => e.type);
      expect(turns).toEqual(Array.from({ length: 4 }, () => ['response.output_audio_transcript.done', 'input_audio_buffer.speech_started']).flat());
      const started = client.events.filter((e) => e.type === 'input_audio_buffer.speech_started').map((e) => e['item_id']);
      const completed = client.events.filter((e) => e.type === 'conversation.item.input_audio_transcription.completed');
      expect(completed.map((e) => e['item_id'])).toEqual(started);
      expect(completed.every((e) => /^\[candidate speech, \d+\.\d s\]$/.test(String(e['transcript'])))).toBe(true);
      // Short audio: four lines carry less than one real line's audio (the greeting alone is ~190 packets).
      expect(client.heard.packets).toBeGreaterThan(0);
      expect(client.heard.packets).toBeLessThan(150);
      for (const event of client.events) expect(parseRealtimeEvent(event).kind).not.toBe('invalid');
    } finally {
      sim.control.setScript(DEFAULT_SCRIPT);
    }
  }, 60_000);

  it('is off by default: a new call after it greets with the full recorded line', async () => {
    const client = await connect();
    await client.waitFor((e) => e.type === 'output_audio_buffer.stopped');
    expect(client.heard.packets).toBeGreaterThan(150);
    expect(sim.control.call(client.callId ?? '')?.linesSpoken).toEqual([0]);
  }, 60_000);
});

describe('logs', () => {
  it('never contain the standard key or an ek_ key', () => {
    const all = logs.join('\n');
    expect(all).toContain('call.started');
    expect(all).not.toContain(sim.apiKey);
    expect(all).not.toMatch(/ek_[0-9a-f]{8}/);
  });
});
