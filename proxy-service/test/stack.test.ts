import { InterviewStartResponseSchema, type TranscriptEntry } from '@interview-station/contracts';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type RealtimeSimulatorHandle, startRealtimeSimulator } from '../../devstack/realtime/index';
import { freePort } from '../../devstack/supabase/freePort';
import { SEED, SEED_PASSWORD } from '../../devstack/supabase/seedUsers';
import { type SupabaseStack, startSupabaseStack } from '../../devstack/supabase/supabaseStack';
import { type Harness, postJson, startHarness } from './support/harness';
import { OfferingPeer } from './support/offerer';
import { ProxyClient } from './support/wsClient';

/**
 * The token service on the local stack: real Postgres, the real edge functions under Deno, the
 * auth stand-in, the Realtime simulator. The station's start flow (sign in, `interview-start`)
 * gives the session JWT; the token service reads the session's model, voice and instructions from
 * Postgres and stores sideband transcripts through the real `interview-transcript`.
 */
let stack: SupabaseStack;
let sim: RealtimeSimulatorHandle;
let h: Harness;
let sql: postgres.Sql;
let proctor: SupabaseClient;
const peers: OfferingPeer[] = [];

beforeAll(async () => {
  // As `npm run stack` would wire it: interview-start hands stations this token service's URL.
  const port = await freePort();
  [stack, sim] = await Promise.all([startSupabaseStack({ tokenServiceUrl: `http://127.0.0.1:${port}` }), startRealtimeSimulator()]);
  sql = postgres(stack.dbUrl, { max: 2, onnotice: () => undefined });
  h = await startHarness({
    openaiUrl: sim.url,
    apiKey: sim.apiKey,
    secret: stack.sessionJwtSecret,
    env: { PORT: String(port), DATABASE_URL: stack.dbUrl, SUPABASE_URL: stack.supabaseUrl, SUPABASE_ANON_KEY: stack.anonKey },
  });
  proctor = createClient(stack.supabaseUrl, stack.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: WebSocket as never },
  });
  const { error } = await proctor.auth.signInWithPassword({ email: 'proctor@acme.test', password: SEED_PASSWORD });
  if (error) throw new Error(`sign-in failed: ${error.message}`);
}, 120_000);

afterAll(async () => {
  for (const peer of peers) await peer.close();
  await h?.close();
  await sql?.end({ timeout: 1 });
  await sim?.close();
  await stack?.stop();
});

async function startInterview(architecture: 'hybrid' | 'direct' = 'hybrid') {
  const { data, error } = await proctor.functions.invoke('interview-start', {
    body: { companyId: SEED.acme.companyId, templateId: SEED.acme.templateId, stationId: SEED.acme.stationId, candidateRef: 'cand-7', architecture, consent: { noticeVersion: '2026-12-v1', acceptedAt: new Date().toISOString() } },
  });
  if (error) throw new Error(`interview-start failed: ${String(error)}`);
  return InterviewStartResponseSchema.parse(data);
}

describe('on the local stack', () => {
  it('mints for a direct session with the session JWT from interview-start, configured from the session row, not the request', async () => {
    const started = await startInterview('direct');
    expect(started.webrtcConfig.tokenServiceUrl).toBe(h.url);
    const res = await postJson(`${started.webrtcConfig.tokenServiceUrl}/api/realtime/sessions`, { sessionId: started.sessionId }, started.sessionToken);
    expect(res.status).toBe(200);
    expect(res.json['model']).toBe(started.webrtcConfig.model);
    const peer = new OfferingPeer();
    peers.push(peer);
    const call = await fetch(String(res.json['callsUrl']), {
      method: 'POST',
      headers: { authorization: `Bearer ${String(res.json['clientSecret'])}`, 'content-type': 'application/sdp' },
      body: await peer.offer(),
    });
    expect(call.status).toBe(201);
    await peer.accept(await call.text());
    const created = await peer.waitFor((e) => e.type === 'session.created');
    const session = created['session'] as { instructions: string; audio: { output: { voice: string } } };
    expect(session.instructions).toBe(started.webrtcConfig.instructions);
    expect(session.audio.output.voice).toBe(started.webrtcConfig.voice);
    // The row says direct: no SDP proxy socket for this session.
    await expect(ProxyClient.open(h.wsUrl, started.sessionToken)).rejects.toThrow(/403/);
  });

  it('refuses a key to a hybrid session, as its row says', async () => {
    const started = await startInterview('hybrid');
    const res = await postJson(`${h.url}/api/realtime/sessions`, { sessionId: started.sessionId }, started.sessionToken);
    expect([res.status, res.json.code]).toEqual([403, 'NOT_AUTHORIZED']);
  });

  it('stores sideband transcripts once in Postgres even when the station uploads the same utterance', async () => {
    const started = await startInterview();
    const { sessionId, sessionToken } = started;
    const client = await ProxyClient.open(h.wsUrl, sessionToken);
    const peer = new OfferingPeer();
    peers.push(peer);
    client.send({ type: 'offer', sessionId, data: { sdp: await peer.offer() } });
    const answer = await client.next('answer');
    await peer.accept(answer.data.sdp);
    const heard = (await client.next('transcript', 20_000)).data;

    // The sideband path, through the real interview-transcript, authenticated with the session JWT.
    const stored = async () =>
      sql<{ source: string; content: string }[]>`select source::text, content from public.transcript_entries where session_id = ${sessionId}`;
    await expect.poll(async () => (await stored()).length, { timeout: 10_000 }).toBe(1);
    expect(await stored()).toEqual([{ source: 'sideband', content: heard.content }]);

    // The station's path delivers the same utterance: one row still.
    const fromStation: TranscriptEntry = { ...heard, source: 'client', receivedAt: new Date().toISOString() };
    const { data, error } = await proctor.functions.invoke('interview-transcript', { body: { sessionId, entries: [fromStation] } });
    expect(error).toBeNull();
    expect(data).toEqual({ accepted: 0, duplicates: 1 });
    expect(await stored()).toHaveLength(1);
    client.close();
  });
});
