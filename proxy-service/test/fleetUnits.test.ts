import { describe, expect, it } from 'vitest';
import { isFleetMember, loadConfig } from '../src/config';
import { FleetRateLimits } from '../src/rateLimit';

const BASE = { OPENAI_API_KEY: 'sk-test-12345678', SESSION_JWT_SECRET: 'x'.repeat(32) };

describe('fleet configuration', () => {
  it('is one of a fleet only on Fly (a machine id) with the shared store, as a front machine', () => {
    expect(isFleetMember(loadConfig({ ...BASE, FLY_MACHINE_ID: 'abc123', DATABASE_URL: 'postgres://x' }))).toBe(true);
    expect(isFleetMember(loadConfig({ ...BASE, DATABASE_URL: 'postgres://x' }))).toBe(false);
    expect(isFleetMember(loadConfig({ ...BASE, FLY_MACHINE_ID: 'abc123' }))).toBe(false);
    expect(isFleetMember(loadConfig({ ...BASE, FLY_MACHINE_ID: 'abc123', DATABASE_URL: 'postgres://x', SESSION_ONLY: '5d2c0c9e-6a4f-4a38-9d64-1f6a0f3b2c11' }))).toBe(false);
  });

  it('refuses a machine id that cannot go into a fly-replay header and a heartbeat no shorter than the lease, naming the variable', () => {
    expect(() => loadConfig({ ...BASE, FLY_MACHINE_ID: 'a;instance=evil' })).toThrow(/FLY_MACHINE_ID/);
    expect(() => loadConfig({ ...BASE, FLEET_LEASE_SECONDS: '5', FLEET_HEARTBEAT_MS: '5000' })).toThrow(/FLEET_HEARTBEAT_MS/);
    expect(() => loadConfig({ ...BASE, FLEET_LEASE_SECONDS: '1' })).toThrow(/FLEET_LEASE_SECONDS/);
  });
});

describe('fleet rate limits', () => {
  /** The shared store's buckets, as app.token_service_take keeps them, at a frozen clock. */
  function store() {
    const tokens = new Map<string, number>();
    const keys: string[] = [];
    const take = async (key: string, _perMinute: number, burst: number) => {
      keys.push(key);
      const left = tokens.get(key) ?? burst;
      if (left < 1) return 7;
      tokens.set(key, left - 1);
      return 0;
    };
    return { take, keys };
  }

  it('draws from one bucket per session and per tenant: a session over its limit spends none of its tenant\'s', async () => {
    const shared = store();
    const limits = new FleetRateLimits({ tenantPerMinute: 3, sessionPerMinute: 2 }, shared.take);
    await limits.check('t', 's1');
    await limits.check('t', 's1');
    await expect(limits.check('t', 's1')).rejects.toMatchObject({ retryAfterSeconds: 7 });
    await limits.check('t', 's2');
    await expect(limits.check('t', 's3')).rejects.toThrow(/too many requests/);
    expect(shared.keys.filter((k) => k === 'tenant:t')).toHaveLength(4);
  });

  it('mints use their own per-session bucket, then the tenant\'s', async () => {
    const shared = store();
    const limits = new FleetRateLimits({ tenantPerMinute: 100, sessionPerMinute: 60, mintBurst: 2, mintPerMinute: 3 }, shared.take);
    await limits.checkMint('t', 's');
    await limits.checkMint('t', 's');
    await expect(limits.checkMint('t', 's')).rejects.toThrow(/too many requests/);
    expect(new Set(shared.keys)).toEqual(new Set(['mint:s', 'tenant:t']));
  });
});
