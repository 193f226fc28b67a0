import { describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS, StationFailure, stationError } from '@interview-station/contracts';
import { VALID_IPC_INPUTS } from '../../test/support/validIpcInputs';
import { createLogger, silentLogger } from '../log';
import { IpcRouter, type StationHandlers } from './router';
import { appOriginPolicy, type IpcSender } from './senderPolicy';

const APP = 'app://station';
const trusted: IpcSender = { url: `${APP}/index.html`, isMainFrame: true };
const SESSION = '4f1c2a52-7b4e-4c8f-9d0a-0b6c1d2e3f40';

const authState = { status: 'signed-out', storage: 'memory' } as const;

function routerWith(handlers: StationHandlers) {
  return new IpcRouter(handlers, appOriginPolicy(APP), silentLogger);
}

describe('IpcRouter', () => {
  it('primes the transcript:append-batch validation with a sample that fits its contract, running no handler', () => {
    const lines: string[] = [];
    const appendBatch = vi.fn(async () => ({ results: [] }));
    new IpcRouter({ 'transcript:append-batch': appendBatch }, appOriginPolicy(APP), createLogger('ipc', (line) => lines.push(line))).primeValidation();
    expect(lines).toEqual([]);
    expect(appendBatch).not.toHaveBeenCalled();
  });

  it('calls the handler with the validated input and answers its output', async () => {
    const signIn = vi.fn(async () => authState);
    const result = await routerWith({ 'auth:sign-in': signIn }).dispatch('auth:sign-in', { email: 'p@example.com', password: 'pw' }, trusted);
    expect(result).toEqual({ ok: true, value: authState });
    expect(signIn).toHaveBeenCalledWith({ email: 'p@example.com', password: 'pw' });
  });

  it('refuses a payload that fails its schema, naming the field, without calling the service', async () => {
    const signIn = vi.fn(async () => authState);
    const router = routerWith({ 'auth:sign-in': signIn });
    for (const bad of [{ email: 'p@example.com' }, { email: 'p@example.com', password: 'pw', admin: true }, 'p@example.com', null]) {
      const result = await router.dispatch('auth:sign-in', bad, trusted);
      expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', retryable: false } });
    }
    const missing = await router.dispatch('auth:sign-in', { email: 'p@example.com' }, trusted);
    expect(missing).toMatchObject({ ok: false, error: { field: 'password' } });
    expect(signIn).not.toHaveBeenCalled();
  });

  it.each<[string, IpcSender]>([
    ['a page from another origin', { url: 'https://evil.example/index.html', isMainFrame: true }],
    ['a subframe of the app', { url: `${APP}/index.html`, isMainFrame: false }],
    ['a file:// page', { url: 'file:///tmp/index.html', isMainFrame: true }],
    ['a frame without a URL', { url: undefined, isMainFrame: true }],
    ['a look-alike host', { url: 'app://station.evil/index.html', isMainFrame: true }],
  ])('refuses %s without calling the service', async (_name, sender) => {
    const append = vi.fn(async () => ({ key: 'k', duplicate: false }));
    const input = { sessionId: SESSION, itemId: 'item_1', contentIndex: 0, speaker: 'ai', content: 'Hi', speechStartedAt: '2026-11-21T10:00:00Z' };
    const result = await routerWith({ 'transcript:append': append }).dispatch('transcript:append', input, sender);
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    expect(append).not.toHaveBeenCalled();
  });

  it('refuses a channel that is not in the contract', async () => {
    const result = await routerWith({}).dispatch('shell:exec', { command: 'rm -rf /' }, trusted);
    expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(await routerWith({}).dispatch('__proto__', {}, trusted)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
  });

  it('answers NOT_IMPLEMENTED for a channel whose service does not exist yet', async () => {
    const result = await routerWith({}).dispatch('sync:status', {}, trusted);
    expect(result).toMatchObject({ ok: false, error: { code: 'NOT_IMPLEMENTED', message: expect.stringContaining('sync:status') } });
  });

  it('passes a typed service failure through unchanged', async () => {
    const failure = stationError('AUTHENTICATION_FAILED', 'Wrong email or password');
    const router = routerWith({ 'auth:sign-in': async () => Promise.reject(new StationFailure(failure)) });
    expect(await router.dispatch('auth:sign-in', { email: 'p@example.com', password: 'x' }, trusted)).toEqual({ ok: false, error: failure });
  });

  it('hides an unexpected exception behind INTERNAL', async () => {
    const router = routerWith({ 'auth:state': async () => Promise.reject(new Error('database password is hunter2')) });
    const result = await router.dispatch('auth:state', {}, trusted);
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL', retryable: true } });
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });

  it('never lets a handler answer outside its contract', async () => {
    const leaky = { ...authState, accessToken: 'eyJ.secret' };
    const router = routerWith({ 'auth:state': async () => leaky as typeof authState });
    const result = await router.dispatch('auth:state', {}, trusted);
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(result)).not.toContain('eyJ.secret');
  });
});

describe('the interview channels of issue 10', () => {
  const NOW = '2026-12-01T10:00:00.000Z';
  const entry = (sessionId = SESSION, itemId = 'item_1') => ({ sessionId, itemId, contentIndex: 0, speaker: 'ai', content: 'Hi', speechStartedAt: NOW });

  it.each<[string, string, unknown, string]>([
    ['interview:start without consent', 'interview:start', { templateId: SESSION, candidateRef: 'C-1' }, 'consent'],
    ['interview:start with consent not yet accepted', 'interview:start', { templateId: SESSION, candidateRef: 'C-1', consent: { noticeVersion: 'v1' } }, 'consent.acceptedAt'],
    ['interview:start with a notice version that is markup', 'interview:start', { templateId: SESSION, candidateRef: 'C-1', consent: { noticeVersion: '<b>v1</b>', acceptedAt: NOW } }, 'consent.noticeVersion'],
    ['interview:start with consent carrying more', 'interview:start', { templateId: SESSION, candidateRef: 'C-1', consent: { noticeVersion: 'v1', acceptedAt: NOW, by: 'proctor' } }, 'consent.by'],
    ['interview:templates with a filter', 'interview:templates', { companyId: SESSION }, 'companyId'],
    ['station:health with a target', 'station:health', { url: 'http://169.254.169.254/' }, 'url'],
    ['transcript:append-batch with another session\'s entry', 'transcript:append-batch', { sessionId: SESSION, entries: [entry(), entry('0b6c1d2e-3f40-4f1c-8a52-7b4e4c8f9d0a', 'item_2')] }, 'entries[1].sessionId'],
    ['transcript:append-batch with no entries', 'transcript:append-batch', { sessionId: SESSION, entries: [] }, 'entries'],
    ['transcript:append-batch past its size', 'transcript:append-batch', { sessionId: SESSION, entries: Array.from({ length: 101 }, (_, i) => entry(SESSION, `item_${i}`)) }, 'entries'],
    ['transcript:append-batch with a bad entry', 'transcript:append-batch', { sessionId: SESSION, entries: [{ ...entry(), speaker: 'proctor' }] }, 'entries[0].speaker'],
  ])('refuses %s, naming the field, without calling the service', async (_name, channel, input, field) => {
    const service = vi.fn();
    const router = routerWith({ [channel]: service } as StationHandlers);
    expect(await router.dispatch(channel, input, trusted)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', field } });
    expect(service).not.toHaveBeenCalled();
  });

  it('never lets interview:start hand the session JWT to the renderer', async () => {
    const started = { sessionId: SESSION, architecture: 'hybrid' as const, model: 'gpt-realtime', voice: 'marin' as const, maxDurationSeconds: 600, startedAt: NOW, iceServers: [] };
    const router = routerWith({ 'interview:start': async () => ({ ...started, sessionToken: 'eyJ.session' }) as typeof started });
    const result = await router.dispatch('interview:start', VALID_IPC_INPUTS['interview:start'], trusted);
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(result)).not.toContain('eyJ');
  });
});

describe('every channel', () => {
  const channels = IPC_CHANNELS.map((channel) => [channel] as const);

  it.each(channels)('%s refuses a payload outside its schema without calling its service', async (channel) => {
    const service = vi.fn();
    const router = routerWith({ [channel]: service } as StationHandlers);
    const withExtraKey = { ...(VALID_IPC_INPUTS[channel] as object), unexpected: true };
    for (const bad of [withExtraKey, 'text', 42, null, []]) {
      expect(await router.dispatch(channel, bad, trusted)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    }
    expect(service).not.toHaveBeenCalled();
  });

  it.each(channels)('%s refuses a foreign sender without calling its service', async (channel) => {
    const service = vi.fn();
    const router = routerWith({ [channel]: service } as StationHandlers);
    const foreign: IpcSender = { url: 'https://evil.example/', isMainFrame: true };
    expect(await router.dispatch(channel, VALID_IPC_INPUTS[channel], foreign)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    expect(service).not.toHaveBeenCalled();
  });

  it('refuses calls past its in-flight bound with RATE_LIMITED, without running them, and takes calls again once answered', async () => {
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const state = vi.fn(async () => {
      await held;
      return authState;
    });
    const router = new IpcRouter({ 'auth:state': state }, appOriginPolicy(APP), silentLogger, 4);
    const calls = Array.from({ length: 6 }, () => router.dispatch('auth:state', {}, trusted));
    expect(await Promise.race([calls[5], new Promise((resolve) => setTimeout(resolve, 50, 'pending'))])).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED', retryable: true },
    });
    expect(state).toHaveBeenCalledTimes(4);
    release();
    expect((await Promise.all(calls)).filter((r) => r.ok)).toHaveLength(4);
    expect(await router.dispatch('auth:state', {}, trusted)).toEqual({ ok: true, value: authState });
  });
});
