import { describe, expect, it } from 'vitest';
import { stationError } from '@interview-station/contracts';
import { allowedMics, canStart, levelFromTimeDomain, micConstraints, readinessChecks, type ReadinessInput } from './deviceCheck';

const session = { sessionId: '4f1c2a52-7b4e-4c8f-9d0a-0b6c1d2e3f40', architecture: 'hybrid' as const, model: 'gpt-realtime', maxDurationSeconds: 1800, startedAt: '2026-12-01T10:00:00.000Z' };
const ready: ReadinessInput = {
  micError: null,
  micLive: true,
  soundHeard: true,
  session: { status: 'ready', session },
  services: { supabase: true, tokenService: null, realtime: null },
  keyMinted: null,
};

describe('device check', () => {
  it('asks for echo cancellation, noise suppression and auto gain on the chosen microphone', () => {
    expect(micConstraints('mic-2')).toEqual({
      audio: { deviceId: { exact: 'mic-2' }, echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 },
      video: false,
    });
    expect(micConstraints(null).audio).not.toHaveProperty('deviceId');
  });

  it('offers only the microphones the configuration allows', () => {
    const devices = [
      { kind: 'audioinput' as const, deviceId: 'a', label: 'Jabra Evolve2 65' },
      { kind: 'audioinput' as const, deviceId: 'b', label: 'Built-in Microphone' },
      { kind: 'audiooutput' as const, deviceId: 'c', label: 'Jabra Evolve2 65' },
      { kind: 'audioinput' as const, deviceId: 'd', label: '' },
    ];
    expect(allowedMics(devices, ['jabra']).map((m) => m.deviceId)).toEqual(['a']);
    expect(allowedMics(devices, []).map((m) => m.label)).toEqual(['Jabra Evolve2 65', 'Built-in Microphone', 'Microphone 3']);
  });

  it('measures silence as zero and speech-level input as clearly above it', () => {
    expect(levelFromTimeDomain(new Uint8Array(256).fill(128))).toBe(0);
    const tone = Uint8Array.from({ length: 256 }, (_, i) => 128 + Math.round(40 * Math.sin(i / 4)));
    expect(levelFromTimeDomain(tone)).toBeGreaterThan(0.6);
    expect(levelFromTimeDomain(Uint8Array.from({ length: 256 }, (_, i) => (i % 2 ? 255 : 0)))).toBeCloseTo(1, 2);
  });

  it('enables Start only when the microphone works, sound was heard and the interview is prepared', () => {
    expect(canStart(readinessChecks(ready))).toBe(true);
    expect(canStart(readinessChecks({ ...ready, soundHeard: false }))).toBe(false);
    expect(canStart(readinessChecks({ ...ready, micError: 'Permission denied', micLive: false }))).toBe(false);
    expect(canStart(readinessChecks({ ...ready, session: { status: 'pending' } }))).toBe(false);
    const failed = readinessChecks({ ...ready, session: { status: 'failed', error: stationError('UPSTREAM_UNAVAILABLE', 'The token service is down.') } });
    expect(failed.find((c) => c.id === 'session')).toMatchObject({ state: 'fail', detail: 'The token service is down.' });
  });

  it('treats services this station cannot check as informative, and a failed key mint as blocking in direct mode', () => {
    const checks = readinessChecks(ready);
    expect(checks.find((c) => c.id === 'tokenService')).toMatchObject({ state: 'unknown', required: false });
    expect(canStart(readinessChecks({ ...ready, keyMinted: false }))).toBe(false);
    expect(readinessChecks({ ...ready, keyMinted: true }).find((c) => c.id === 'realtime')).toMatchObject({ state: 'pass' });
  });

  it('blocks Start while main finds the token service down, in either mode, and lets it through once it answers', () => {
    const down = readinessChecks({ ...ready, services: { supabase: true, tokenService: false, realtime: false } });
    expect(down.find((c) => c.id === 'tokenService')).toMatchObject({ state: 'fail', required: true });
    expect(canStart(down)).toBe(false);
    expect(canStart(readinessChecks({ ...ready, services: { supabase: true, tokenService: true, realtime: true } }))).toBe(true);
  });
});
