import { randomUUID } from 'node:crypto';
import { RealtimeSessionResponseSchema, type TranscriptEntry } from '@interview-station/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RealtimeSimulatorHandle, startRealtimeSimulator } from '../../devstack/realtime/index';
import { FixedSessionSettings } from '../src/sessionSettings';
import { type Harness, newSecret, postJson, startHarness } from './support/harness';
import { OfferingPeer } from './support/offerer';
import { ModeBySession } from './support/modes';
import { TranscriptSink } from './support/transcriptSink';
import { ProxyClient } from './support/wsClient';

/**
 * The two connection modes end to end against the Realtime simulator: direct (a minted key that
 * really starts a call) and hybrid (offer → answer through the proxy, sideband transcripts to the
 * client and to `interview-transcript`, stored once even when the station delivers them too).
 */
let sim: RealtimeSimulatorHandle;
let sink: TranscriptSink;
let h: Harness;
const peers: OfferingPeer[] = [];
/** Every secret and transcript text the tests saw; none may appear in a log line or an error body. */
const secrets: string[] = [];
const settings = new ModeBySession({ model: 'gpt-realtime', voice: 'cedar', instructions: 'Interview politely.', maxDurationSeconds: 600 });

beforeAll(async () => {
  sim = await startRealtimeSimulator();
  const secret = newSecret();
  sink = await new TranscriptSink(secret).start();
  h = await startHarness({ openaiUrl: sim.url, apiKey: sim.apiKey, secret, settings, env: { TRANSCRIPT_FUNCTION_URL: sink.url, SUPABASE_ANON_KEY: sink.anonKey } });
});

afterAll(async () => {
  for (const peer of peers) await peer.close();
  await h?.close();
  await sink?.close();
  await sim?.close();
});

describe('direct mode', () => {
  it('mints an ephemeral key that starts a call at the simulator, with the signed session’s model', async () => {
    const sessionId = settings.direct(randomUUID());
    const token = await h.token({ sessionId });
    const res = await postJson(`${h.url}/api/realtime/sessions`, { sessionId }, token);
    expect(res.status).toBe(200);
    const body = RealtimeSessionResponseSchema.parse(res.json);
    secrets.push(token, body.clientSecret);
    expect(body.clientSecret).toMatch(/^ek_/);
    expect(body.model).toBe('gpt-realtime');
    expect(body.callsUrl).toBe(`${sim.url}/v1/realtime/calls`);
    expect(body.websocketUrl).toBe(h.wsUrl);
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());

    const peer = new OfferingPeer();
    peers.push(peer);
    const call = await fetch(body.callsUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${body.clientSecret}`, 'content-type': 'application/sdp' },
      body: await peer.offer(),
    });
    expect(call.status).toBe(201);
    await peer.accept(await call.text());
    // The session the key was minted with: the signed session's voice and instructions, transcription on.
    const created = await peer.waitFor((e) => e.type === 'session.created');
    const session = created['session'] as { audio: { output: { voice: string }; input: { transcription: unknown } }; instructions: string };
    expect(session.audio.output.voice).toBe('cedar');
    expect(session.instructions).toBe('Interview politely.');
    expect(session.audio.input.transcription).not.toBeNull();
  });
});

describe('hybrid mode', () => {
  it('answers an offer, forwards sideband transcripts to the client and stores each utterance once', async () => {
    const sessionId = randomUUID();
    const token = await h.token({ sessionId });
    secrets.push(token);
    const client = await ProxyClient.open(h.wsUrl, token);
    client.send({ type: 'session', sessionId, data: {} });
    expect((await client.next('session_ready')).data.sessionId).toBe(sessionId);

    const peer = new OfferingPeer();
    peers.push(peer);
    client.send({ type: 'offer', sessionId, data: { sdp: await peer.offer() } });
    const answer = await client.next('answer');
    expect(answer.data.sdp).toMatch(/^v=0/);
    await peer.accept(answer.data.sdp);
    // The first upload of the sideband path fails: it is retried.
    sink.failSideband = 1;
    client.send({ type: 'ice_candidate', sessionId, data: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 } });

    // The interviewer's first line, final, from the sideband…
    const viaProxy = (await client.next('transcript', 20_000)).data;
    expect(viaProxy).toMatchObject({ sessionId, speaker: 'ai', source: 'sideband' });
    // …and the same utterance on the station's own data channel.
    const done = await peer.waitFor((e) => e.type === 'response.output_audio_transcript.done' && e['item_id'] === viaProxy.itemId);
    expect(viaProxy.content).toBe(done['transcript']);
    secrets.push(viaProxy.content);
    expect(viaProxy.contentIndex).toBe(done['content_index']);
    expect(sim.control.call(answer.data.callId)?.sidebands).toBe(1);

    // The station's path delivers it as well; the store keeps one row per key whichever came first.
    const fromStation: TranscriptEntry = { ...viaProxy, source: 'client', receivedAt: new Date().toISOString() };
    expect((await sink.upload(token, [fromStation])).status).toBe(200);
    await expect.poll(() => sink.requests.filter((r) => r.source === 'sideband' && r.status === 200).length, { timeout: 5_000 }).toBeGreaterThan(0);
    expect(sink.requests.filter((r) => r.source === 'sideband').map((r) => r.status).slice(0, 2)).toEqual([503, 200]);
    const keys = [...sink.rows.keys()].filter((k) => k.startsWith(`${sessionId}/`));
    expect(keys).toEqual([`${sessionId}/${viaProxy.itemId}/${viaProxy.contentIndex}`]);

    // Ending: the call is hung up, the client told, and a second end changes nothing.
    const end = await postJson(`${h.url}/api/realtime/sessions/${sessionId}/end`, {}, token);
    expect(end.json).toEqual({ sessionId, ended: true, alreadyEnded: false });
    expect((await client.next('session_ended')).data.reason).toBe('ended_by_client');
    expect((await client.closed).code).toBe(1000);
    expect(sim.control.call(answer.data.callId)?.state).toBe('ended');
    const again = await postJson(`${h.url}/api/realtime/sessions/${sessionId}/end`, {}, token);
    expect(again.json).toEqual({ sessionId, ended: true, alreadyEnded: true });
    const mintAfter = await postJson(`${h.url}/api/realtime/sessions`, { sessionId }, token);
    expect(mintAfter.status).toBe(409);
    expect(mintAfter.json.code).toBe('SESSION_ENDED');
  });

  it('enforces the session’s maximum duration by hanging up, then says session_ended', async () => {
    const short = await startHarness({
      openaiUrl: sim.url,
      apiKey: sim.apiKey,
      settings: new FixedSessionSettings({ architecture: 'hybrid', model: 'gpt-realtime', voice: 'marin', instructions: '', maxDurationSeconds: 1 }),
    });
    try {
      const sessionId = randomUUID();
      const client = await ProxyClient.open(short.wsUrl, await short.token({ sessionId }));
      const peer = new OfferingPeer();
      peers.push(peer);
      client.send({ type: 'offer', sessionId, data: { sdp: await peer.offer() } });
      const answer = await client.next('answer');
      await peer.accept(answer.data.sdp);
      const ended = await client.next('session_ended', 10_000);
      expect(ended.data).toEqual({ sessionId, reason: 'max_duration' });
      expect(short.upstream.counts.hangup).toBe(1);
      await expect.poll(() => sim.control.call(answer.data.callId)?.state).toBe('ended');
    } finally {
      await short.close();
    }
  });
});

describe('secrets', () => {
  it('never puts the OpenAI key, an ephemeral key, a JWT or transcript text in a log line or an error body', async () => {
    // Refusals that carry tokens, in the header and in `?token=`.
    const sessionId = randomUUID();
    const expired = await h.token({ sessionId, iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 });
    const wrongSession = await h.token();
    secrets.push(expired, wrongSession);
    const bodies: string[] = [];
    bodies.push((await postJson(`${h.url}/api/realtime/sessions`, { sessionId }, expired)).text);
    bodies.push((await postJson(`${h.url}/api/realtime/sessions`, { sessionId }, wrongSession)).text);
    bodies.push((await postJson(`${h.url}/api/realtime/sessions/${sessionId}/end`, {}, expired)).text);
    await ProxyClient.open(h.wsUrl, expired, { via: 'query' }).catch(() => undefined);
    for (const path of ['/healthz', '/readyz', '/metrics']) bodies.push(await (await fetch(`${h.url}${path}`)).text());

    expect(secrets.length).toBeGreaterThanOrEqual(6);
    expect(h.logs.lines.length).toBeGreaterThan(5);
    const exact = [sim.apiKey, h.secret, ...secrets];
    for (const line of [...h.logs.lines, ...bodies]) {
      for (const secret of exact) expect(line.includes(secret), `a secret leaked into: ${line.slice(0, 200)}`).toBe(false);
      expect(line).not.toMatch(/ek_[A-Za-z0-9]{6,}|sk-sim-|eyJ[\w-]{5,}\.[\w-]{5,}/);
    }
    // The logs still say whose session each line is about.
    expect(h.logs.lines.some((l) => l.includes('"sessionId"') && l.includes('"tenantId"'))).toBe(true);
  });
});
