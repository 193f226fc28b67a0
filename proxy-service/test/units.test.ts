import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { upstreamFailure } from '../src/errors';
import { createLogger, scrub } from '../src/logger';
import { RateLimits, TokenBuckets } from '../src/rateLimit';
import { LogCapture } from './support/harness';

describe('log redaction', () => {
  it('censors secret-named fields and scrubs key- and JWT-shaped strings from every line', () => {
    const logs = new LogCapture();
    const log = createLogger({ level: 'info', secrets: ['the-exact-openai-key-123'], destination: logs });
    log.info({ token: 'abc', nested: { clientSecret: 'ek_zzzzzzzz', content: 'I once worked at Initech' }, note: 'key the-exact-openai-key-123' }, 'x');
    log.info({ url: '/ws?token=eyJhbGciOi.eyJzdWIiOiJ4.c2lnbmF0dXJl&x=1', msg2: 'Bearer sk-proj-abcdef123456 and ek_abcdef123456' }, 'y');
    const text = logs.text();
    for (const leaked of ['abc"', 'ek_', 'Initech', 'the-exact-openai-key-123', 'sk-proj', 'eyJhbGciOi']) expect(text).not.toContain(leaked);
    expect(text).toContain('[redacted]');
    expect(text).toContain('?token=[redacted]&x=1');
  });

  it('scrub leaves ordinary text alone', () => {
    expect(scrub('{"sessionId":"5d2c","msg":"call started"}', ['longer-secret'])).toBe('{"sessionId":"5d2c","msg":"call started"}');
  });
});

describe('rate limits', () => {
  it('a token bucket allows its burst, then refills at its rate', () => {
    let now = 0;
    const buckets = new TokenBuckets(60, () => now);
    for (let i = 0; i < 60; i += 1) expect(buckets.take('t')).toBe(0);
    expect(buckets.take('t')).toBe(1);
    now += 1000;
    expect(buckets.take('t')).toBe(0);
    expect(buckets.take('other')).toBe(0);
  });

  it('the tenant bucket limits every session of the tenant together', () => {
    const limits = new RateLimits({ tenantPerMinute: 3, sessionPerMinute: 10 }, () => 0);
    limits.check('tenant', 's1');
    limits.check('tenant', 's2');
    limits.check('tenant', 's3');
    expect(() => limits.check('tenant', 's4')).toThrow(/too many requests/);
  });

  it('a session over its own limit does not use up its tenant', () => {
    const limits = new RateLimits({ tenantPerMinute: 5, sessionPerMinute: 2 }, () => 0);
    limits.check('tenant', 'greedy');
    limits.check('tenant', 'greedy');
    for (let i = 0; i < 10; i++) expect(() => limits.check('tenant', 'greedy')).toThrow(/too many requests/);
    for (const session of ['a', 'b', 'c']) limits.check('tenant', session);
  });
});

describe('upstream failures', () => {
  it.each([
    ['mint', { kind: 'http', status: 500, upstreamCode: null }, 'TOKEN_MINT_FAILED', true],
    ['mint', { kind: 'timeout' }, 'TOKEN_MINT_FAILED', true],
    ['call', { kind: 'network' }, 'SDP_EXCHANGE_FAILED', true],
    ['call', { kind: 'http', status: 502, upstreamCode: null }, 'SDP_EXCHANGE_FAILED', true],
    ['call', { kind: 'http', status: 401, upstreamCode: 'invalid_api_key' }, 'CONFIGURATION_INVALID', false],
    ['call', { kind: 'http', status: 429, upstreamCode: null }, 'RATE_LIMITED', true],
    ['hangup', { kind: 'http', status: 404, upstreamCode: 'not_found' }, 'SESSION_ENDED', false],
    ['hangup', { kind: 'http', status: 503, upstreamCode: null }, 'UPSTREAM_UNAVAILABLE', true],
  ] as const)('%s %o → %s', (operation, problem, code, retryable) => {
    const failure = upstreamFailure(operation, problem);
    expect([failure.error.code, failure.error.retryable]).toEqual([code, retryable]);
  });
});

describe('configuration', () => {
  it('names a missing or bad variable, never its value', () => {
    expect(() => loadConfig({ OPENAI_API_KEY: 'sk-1234567890', SESSION_JWT_SECRET: 'short-secret-value' })).toThrow(/SESSION_JWT_SECRET/);
    try {
      loadConfig({ OPENAI_API_KEY: 'sk-1234567890', SESSION_JWT_SECRET: 'short-secret-value' });
    } catch (error) {
      expect((error as Error).message).not.toContain('short-secret-value');
    }
    expect(() => loadConfig({ OPENAI_API_KEY: 'sk-1234567890', SESSION_JWT_SECRET: 'x'.repeat(32), ISOLATION: 'fly-machines' })).toThrow(/FLY_API_TOKEN/);
    const config = loadConfig({ OPENAI_API_KEY: 'sk-1234567890', SESSION_JWT_SECRET: 'x'.repeat(32), ICE_SERVERS: '[{"urls":"stun:stun.example.org"}]' });
    expect(config.ICE_SERVERS).toEqual([{ urls: 'stun:stun.example.org' }]);
    expect(config.HOST).toBe('127.0.0.1');
  });
});
