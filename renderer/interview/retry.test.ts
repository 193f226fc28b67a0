import { describe, expect, it } from 'vitest';
import { StationFailure } from '@interview-station/contracts';
import { stationError } from '@interview-station/contracts';
import { backoffDelay, CONNECT_RETRY, isOutage, withRetry } from './retry';

const noSleep = { sleep: async () => undefined, random: () => 0.5, cancelled: () => false };

describe('retry policy', () => {
  it('backs off exponentially with jitter between half and the whole ceiling, capped', () => {
    const policy = { attempts: 3, baseDelayMs: 500, maxDelayMs: 1_500 };
    expect([1, 2, 3].map((n) => backoffDelay(n, policy, () => 0))).toEqual([250, 500, 750]);
    expect([1, 2, 3].map((n) => backoffDelay(n, policy, () => 1))).toEqual([500, 1_000, 1_500]);
  });

  it('makes three attempts on retryable failures and reports each, sleeping between them', async () => {
    const slept: number[] = [];
    const seen: number[] = [];
    const attempt = async () => {
      throw StationFailure.of('SDP_EXCHANGE_FAILED', 'no answer');
    };
    const outcome = withRetry(attempt, CONNECT_RETRY, { ...noSleep, sleep: async (ms) => void slept.push(ms), onAttempt: (n) => seen.push(n) });
    await expect(outcome).rejects.toMatchObject({ error: { code: 'SDP_EXCHANGE_FAILED' } });
    expect(seen).toEqual([1, 2, 3]);
    expect(slept).toHaveLength(2);
    expect(slept[1]!).toBeGreaterThan(slept[0]!);
  });

  it('succeeds on a later attempt and stops at once on a non-retryable error', async () => {
    let calls = 0;
    await expect(withRetry(async (n) => (n < 2 ? Promise.reject(new Error('ICE failed')) : 'open'), CONNECT_RETRY, noSleep)).resolves.toBe('open');
    const refused = withRetry(
      async () => {
        calls += 1;
        throw StationFailure.of('SESSION_ENDED', 'the interview has ended');
      },
      CONNECT_RETRY,
      noSleep,
    );
    await expect(refused).rejects.toMatchObject({ error: { code: 'SESSION_ENDED' } });
    expect(calls).toBe(1);
  });

  it('stops retrying when cancelled', async () => {
    let cancelled = false;
    let calls = 0;
    const outcome = withRetry(
      async () => {
        calls += 1;
        cancelled = true;
        throw StationFailure.of('WEBRTC_CONNECTION_FAILED', 'dropped');
      },
      CONNECT_RETRY,
      { ...noSleep, cancelled: () => cancelled },
    );
    await expect(outcome).rejects.toBeInstanceOf(StationFailure);
    expect(calls).toBe(1);
  });

  it('gives up early when told the network is gone, without sleeping or trying again', async () => {
    let calls = 0;
    const slept: number[] = [];
    const asked: string[] = [];
    const outcome = withRetry(
      async () => {
        calls += 1;
        throw StationFailure.of('UPSTREAM_UNAVAILABLE', 'connect ECONNREFUSED');
      },
      CONNECT_RETRY,
      { ...noSleep, sleep: async (ms) => void slept.push(ms), giveUp: async (error) => (asked.push(error.code), true) },
    );
    await expect(outcome).rejects.toMatchObject({ error: { code: 'UPSTREAM_UNAVAILABLE' } });
    expect({ calls, slept, asked }).toEqual({ calls: 1, slept: [], asked: ['UPSTREAM_UNAVAILABLE'] });
    // Told to go on (the services answer): all three attempts.
    calls = 0;
    await expect(withRetry(async () => (calls += 1, Promise.reject(new Error('ICE failed'))), CONNECT_RETRY, { ...noSleep, giveUp: async () => false })).rejects.toBeInstanceOf(StationFailure);
    expect(calls).toBe(3);
  });
});

describe('outage or failure', () => {
  it('treats unreachable services and dropped calls as the network gone, refusals as failures', () => {
    for (const code of ['UPSTREAM_UNAVAILABLE', 'NETWORK_OFFLINE', 'SDP_EXCHANGE_FAILED', 'WEBRTC_CONNECTION_FAILED', 'TOKEN_MINT_FAILED', 'RATE_LIMITED', 'HOST_DISCONNECTED'] as const) {
      expect([code, isOutage(stationError(code, 'x'))]).toEqual([code, true]);
    }
    for (const code of ['AUTHENTICATION_FAILED', 'NOT_AUTHORIZED', 'SESSION_ENDED', 'SESSION_EXPIRED', 'SESSION_NOT_FOUND', 'VALIDATION_FAILED', 'CONFIGURATION_INVALID'] as const) {
      expect([code, isOutage(stationError(code, 'x'))]).toEqual([code, false]);
    }
  });
});
