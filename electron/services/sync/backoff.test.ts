import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter, type BackoffPolicy } from './backoff';

const policy: BackoffPolicy = { baseMs: 1_000, capMs: 60_000, minMs: 100 };

describe('backoffDelay', () => {
  it('grows exponentially: the ceiling doubles with each attempt', () => {
    const highest = [0, 1, 2, 3, 4].map((attempt) => backoffDelay(attempt, policy, () => 1));
    expect(highest).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
  });

  it('is jittered over the whole range between the floor and the ceiling', () => {
    expect(backoffDelay(3, policy, () => 0)).toBe(100);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(4_050);
    const samples = new Set(Array.from({ length: 200 }, () => backoffDelay(3, policy)));
    expect(samples.size).toBeGreaterThan(100);
    for (const delay of samples) {
      expect(delay).toBeGreaterThanOrEqual(100);
      expect(delay).toBeLessThanOrEqual(8_000);
    }
  });

  it('never exceeds the cap, even after very many attempts, and never goes below the floor', () => {
    for (const attempt of [6, 10, 100, 5_000]) {
      expect(backoffDelay(attempt, policy, () => 0.999_999)).toBeLessThanOrEqual(60_000);
      expect(backoffDelay(attempt, policy, () => 0)).toBe(100);
    }
    // A broken random source cannot push it out of bounds either.
    expect(backoffDelay(2, policy, () => 7)).toBe(4_000);
    expect(backoffDelay(2, policy, () => -1)).toBe(100);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, bounds them to ten minutes, and ignores garbage', () => {
    const now = Date.parse('2026-11-21T12:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7_000);
    expect(parseRetryAfter('Sat, 21 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sat, 21 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('86400', now)).toBe(600_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
