import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TranscriptEntry } from '@interview-station/contracts';
import { DEFAULT_COMPONENTS, startStack, type RunningStack } from '../../../devstack/stack';
import { SEED, SEED_PASSWORD } from '../../../devstack/supabase/seedUsers';
import { OfferingPeer } from '../../../proxy-service/test/support/offerer';
import { silentLogger } from '../../log';
import { AuthService } from '../auth/authService';
import { MemorySecretStore } from '../secrets/secretStore';
import { InterviewService } from './interviewService';

/**
 * Main's side of an interview against the whole local stack: Supabase, the token service and the
 * Realtime simulator, with a werift peer standing in for the renderer's RTCPeerConnection.
 */
let stack: RunningStack;
let auth: AuthService;
const CONSENT = { noticeVersion: '2026-12-v1', acceptedAt: new Date().toISOString() };
const peers: OfferingPeer[] = [];

beforeAll(async () => {
  stack = await startStack(DEFAULT_COMPONENTS, { temp: true });
  auth = new AuthService({
    supabaseUrl: String(stack.info['supabaseUrl']),
    anonKey: String(stack.info['anonKey']),
    secrets: new MemorySecretStore(),
    isOffline: () => false,
    onChange: () => undefined,
    log: silentLogger,
  });
  await auth.signIn('proctor@acme.test', SEED_PASSWORD);
}, 120_000);

afterAll(async () => {
  await Promise.all(peers.map((peer) => peer.close()));
  auth?.dispose();
  await stack?.stop();
});

function interviews(
  options: { stationId?: string; sideband?: TranscriptEntry[]; signedIn?: boolean; active?: boolean[]; connectionMode?: 'direct' | 'hybrid' } = {},
): InterviewService {
  return new InterviewService({
    connectionMode: options.connectionMode ?? 'hybrid',
    supabaseUrl: String(stack.info['supabaseUrl']),
    anonKey: String(stack.info['anonKey']),
    stationId: 'stationId' in options ? options.stationId : SEED.acme.stationId,
    getAccessToken: options.signedIn === false ? async () => null : () => auth.accessToken(),
    onSidebandTranscript: (entry) => options.sideband?.push(entry),
    onActiveChange: (active) => options.active?.push(active),
    log: silentLogger,
  });
}

describe('InterviewService on the local stack', () => {
  it('starts an interview and gets an ephemeral key for direct mode, without the renderer seeing the session JWT', async () => {
    const service = interviews({ connectionMode: 'direct' });
    const started = await service.start({ templateId: SEED.acme.templateId, candidateRef: 'stack-direct', consent: CONSENT });
    expect(started).toMatchObject({ architecture: 'direct', model: 'gpt-realtime', voice: 'marin' });
    const token = await service.realtimeToken({ sessionId: started.sessionId });
    expect(token.clientSecret).toMatch(/^ek_/);
    expect(token.callsUrl).toBe(`${String(stack.info['realtimeUrl'])}/v1/realtime/calls`);
    expect(JSON.stringify({ started, token })).not.toMatch(/eyJ/);
    service.dispose();
  });

  it('exchanges SDP through the token service in hybrid mode, receives sideband transcripts, and ends', async () => {
    const sideband: TranscriptEntry[] = [];
    const active: boolean[] = [];
    const service = interviews({ sideband, active });
    const { sessionId } = await service.start({ templateId: SEED.acme.templateId, candidateRef: 'stack-hybrid', consent: CONSENT });
    const peer = new OfferingPeer();
    peers.push(peer);
    // Hybrid: the renderer holds no credential at all.
    await expect(service.realtimeToken({ sessionId })).rejects.toMatchObject({ error: { code: 'NOT_AUTHORIZED' } });
    const answer = await service.sdpOffer({ sessionId, sdp: await peer.offer() });
    expect(answer.callId).toMatch(/^rtc_/);
    await peer.accept(answer.sdp);
    await peer.waitFor((event) => event.type === 'session.created');
    // What the renderer reports once its data channel is open.
    expect(await service.live({ sessionId })).toEqual({ sessionId, status: 'live' });
    await expect.poll(() => sideband.length, { timeout: 20_000 }).toBeGreaterThan(0);
    expect(sideband[0]).toMatchObject({ sessionId, speaker: 'ai', source: 'sideband' });

    const ended = await service.end({ sessionId, reason: 'completed' });
    expect(ended.sessionId).toBe(sessionId);
    expect(ended.status).toBe('ended');
    expect(active).toEqual([true, false]);
    await expect(service.realtimeToken({ sessionId })).rejects.toMatchObject({ error: { code: 'NOT_AUTHORIZED' } });
    await expect(service.live({ sessionId })).rejects.toMatchObject({ error: { code: 'SESSION_NOT_FOUND' } });
  });

  it('refuses to start on a station that is not enrolled, or when nobody is signed in', async () => {
    await expect(interviews({ stationId: undefined }).start({ templateId: SEED.acme.templateId, candidateRef: 'x', consent: CONSENT })).rejects.toMatchObject({
      error: { code: 'CONFIGURATION_INVALID' },
    });
    await expect(interviews({ signedIn: false }).start({ templateId: SEED.acme.templateId, candidateRef: 'x', consent: CONSENT })).rejects.toMatchObject({
      error: { code: 'AUTHENTICATION_FAILED' },
    });
    await expect(interviews().start({ templateId: SEED.northwind.templateId, candidateRef: 'x', consent: CONSENT })).rejects.toMatchObject({
      error: { code: 'VALIDATION_FAILED', field: 'templateId' },
    });
  });
});
