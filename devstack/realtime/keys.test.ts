import { describe, expect, it } from 'vitest';
import { FaultQueue } from './faults';
import { KeyStore, RateLimiter, keyRef } from './keys';
import { jsonLogger, redact } from './log';
import { ApiError } from './openaiErrors';
import { defaultSession } from './session';

const failure = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error instanceof ApiError ? { status: error.status, code: error.code, message: error.message } : error;
  }
  return null;
};

describe('KeyStore', () => {
  it('lets an ek_ key start calls until it expires, then answers 401 "expired"', () => {
    let now = 1_000_000;
    const keys = new KeyStore('sk-standard', () => now);
    const { value } = keys.mint(defaultSession(0), 10_000);
    expect(keys.sessionFor(value).type).toBe('realtime');
    now += 10_000;
    expect(failure(() => keys.sessionFor(value))).toMatchObject({ status: 401, code: 'invalid_api_key', message: expect.stringMatching(/expired/) });
    expect(failure(() => keys.sessionFor('ek_other'))).toMatchObject({ status: 401, message: 'Incorrect API key provided.' });
    expect(failure(() => keys.sessionFor(null))).toMatchObject({ status: 401, message: expect.stringMatching(/didn't provide/) });
  });

  it('recognises only the exact standard key, and refers to keys in logs by a hash', () => {
    const keys = new KeyStore('sk-standard');
    expect(keys.isStandardKey('sk-standard')).toBe(true);
    expect(keys.isStandardKey('sk-standarD')).toBe(false);
    expect(keys.isStandardKey('sk-standard-longer')).toBe(false);
    expect(failure(() => keys.requireStandardKey({ authorization: 'Basic sk-standard' }))).toMatchObject({ status: 401 });
    expect(keyRef('sk-standard')).toMatch(/^key#[0-9a-f]{8}$/);
    expect(keyRef('sk-standard')).not.toContain('standard');
  });
});

describe('RateLimiter', () => {
  it('allows N requests per minute per credential, then 429 until the window slides', () => {
    let now = 0;
    const limiter = new RateLimiter(2, () => now);
    limiter.check('a');
    limiter.check('a');
    limiter.check('b');
    expect(failure(() => limiter.check('a'))).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
    now += 60_001;
    expect(failure(() => limiter.check('a'))).toBeNull();
  });
});

describe('FaultQueue', () => {
  it('applies a rule to the next N calls, "all" forever, and keeps mint faults for mints', () => {
    const queue = new FaultQueue();
    queue.add({ fault: { kind: 'drop-peer', afterMs: 5 }, calls: 2 });
    queue.add({ fault: { kind: 'transcription-failed' }, calls: 'all' });
    queue.add({ fault: { kind: 'expire-key', afterMs: 1 } });
    expect(queue.take('call').map((f) => f.kind)).toEqual(['drop-peer', 'transcription-failed']);
    expect(queue.take('call').map((f) => f.kind)).toEqual(['drop-peer', 'transcription-failed']);
    expect(queue.take('call').map((f) => f.kind)).toEqual(['transcription-failed']);
    expect(queue.take('mint').map((f) => f.kind)).toEqual(['expire-key']);
    expect(queue.take('mint')).toEqual([]);
    expect(queue.pending()).toEqual([{ fault: { kind: 'transcription-failed' }, calls: 'all' }]);
  });
});

describe('jsonLogger', () => {
  it('scrubs ek_ keys, sk- keys and the configured standard key from every line', () => {
    const lines: string[] = [];
    const log = jsonLogger((line) => lines.push(line), () => ['custom-standard-key-123']);
    log('oops', { header: 'Bearer ek_0123456789abcdef', other: 'sk-live-abc_DEF', mine: 'x custom-standard-key-123 y', call: 'rtc_1' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/ek_0123|sk-live|custom-standard-key/);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ event: 'oops', call: 'rtc_1', service: 'realtime-sim' });
    expect(redact('plain text')).toBe('plain text');
  });
});
