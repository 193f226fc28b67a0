import { randomUUID } from 'node:crypto';
import type { SessionJwtClaims } from '@interview-station/contracts';
import { describe, expect, it } from 'vitest';
import { isFleetMember, loadConfig } from '../src/config';
import { Fleet } from '../src/fleet/fleet';
import type { FleetStore } from '../src/fleet/store';
import { createLogger } from '../src/logger';
import { createMetrics } from '../src/metrics';
import { FleetRateLimits } from '../src/rateLimit';
import { SessionRegistry } from '../src/sessions';
import { FixedSessionSettings } from '../src/sessionSettings';
import type { RealtimeUpstream } from '../src/upstream/openai';

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

describe('the fleet heartbeat', () => {
  it('lets a session go that another machine took over (sockets closed with 1012, nothing hung up), never one it just claimed', async () => {
    let owned = new Set<string>();
    let claimDuringHeartbeat: (() => Promise<void>) | null = null;
    const store: FleetStore = {
      claim: async (request, machine) => ({ owner: machine, callId: null, takenOver: false }),
      heartbeat: async () => {
        const answer = new Set(owned);
        // A claim that lands while this heartbeat's answer is on its way.
        await claimDuringHeartbeat?.();
        return answer;
      },
      recordCall: async () => undefined,
      release: async () => 0,
      sweep: async () => [],
      take: async () => 0,
      close: async () => undefined,
    };
    const hangups: string[] = [];
    const upstream = { hangup: async (callId: string) => void hangups.push(callId) } as unknown as RealtimeUpstream;
    const log = createLogger({ level: 'silent', secrets: [] });
    const registry = new SessionRegistry({ upstream, forwarder: null, log, metrics: createMetrics({ defaultMetrics: false }) });
    const settings = new FixedSessionSettings({ architecture: 'hybrid', model: 'm', voice: 'marin', instructions: 'i', maxDurationSeconds: 60 });
    const fleet = new Fleet({ store, machineId: 'm1', leaseSeconds: 5, heartbeatMs: 200, sweepMs: 60_000, registry, settings, jwtSecret: 'x'.repeat(32), log });
    const claims = (): SessionJwtClaims => ({ sub: randomUUID(), tenant_id: randomUUID(), session_id: randomUUID(), permissions: ['realtime:connect'], iat: 1, exp: 4_000_000_000 });
    const closes: number[] = [];
    const open = async (c: SessionJwtClaims) => {
      expect(await fleet.route(c, false)).toEqual({ kind: 'local', callId: null });
      registry.open(c, 'token').clients.add({ send: () => undefined, close: (code) => void closes.push(code) });
    };
    const kept = claims();
    const lost = claims();
    await open(kept);
    await open(lost);
    owned = new Set([kept.session_id]);
    const late = claims();
    claimDuringHeartbeat = async () => {
      claimDuringHeartbeat = null;
      await open(late);
      owned.add(late.session_id); // the store has it from now on; this heartbeat's answer does not

    };
    fleet.start();
    try {
      await expect.poll(() => registry.ids().sort(), { timeout: 5_000 }).toEqual([kept.session_id, late.session_id].sort());
      await new Promise((resolve) => setTimeout(resolve, 500)); // two more heartbeats change nothing
      expect(registry.ids().sort()).toEqual([kept.session_id, late.session_id].sort());
      expect(closes).toEqual([1012]);
      expect(hangups).toEqual([]);
    } finally {
      await fleet.close();
      registry.dispose();
    }
  });
});
