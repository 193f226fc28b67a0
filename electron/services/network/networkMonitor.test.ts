import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { NetworkStateSchema, type NetworkState } from '@interview-station/contracts';
import { silentLogger } from '../../log';
import { ManualTimers } from './manualTimers.fixture';
import { httpProbe, NetworkMonitor } from './networkMonitor';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function monitorWith(options: { osOnline?: () => boolean; probe?: (signal: AbortSignal) => Promise<boolean> } = {}) {
  const timers = new ManualTimers();
  const emitted: NetworkState[] = [];
  const heard: NetworkState[] = [];
  let reachable = true;
  let probes = 0;
  const monitor = new NetworkMonitor({
    isOnline: options.osOnline ?? (() => true),
    supabaseUrl: 'http://supabase.invalid',
    log: silentLogger,
    emit: (state) => emitted.push(NetworkStateSchema.parse(state)),
    probe:
      options.probe ??
      (async () => {
        probes += 1;
        return reachable;
      }),
    intervalMs: 30_000,
    offlineIntervalMs: 2_000,
    probeTimeoutMs: 1_000,
    timers,
  });
  monitor.subscribe((state) => heard.push(state));
  cleanups.push(() => monitor.dispose());
  return { monitor, timers, emitted, heard, setReachable: (value: boolean) => (reachable = value), probes: () => probes };
}

/** Fires the next poll and lets its probe settle. */
async function poll(timers: ManualTimers, monitor: NetworkMonitor, ms: number): Promise<NetworkState> {
  timers.fire(ms);
  return monitor.checkNow();
}

describe('NetworkMonitor', () => {
  it('reports each change once (unreachable, back), and polls faster while unreachable', async () => {
    const { monitor, timers, emitted, heard, setReachable } = monitorWith();
    await monitor.start();
    expect(emitted).toEqual([]); // assumed reachable until told otherwise: no change to report
    expect(timers.delays()).toEqual([30_000]);

    setReachable(false);
    expect(await poll(timers, monitor, 30_000)).toMatchObject({ online: true, supabaseReachable: false });
    expect(timers.delays()).toEqual([2_000]);
    await poll(timers, monitor, 2_000); // still down: nothing new to say
    expect(emitted.map((s) => s.supabaseReachable)).toEqual([false]);

    setReachable(true);
    await poll(timers, monitor, 2_000);
    expect(emitted.map((s) => s.supabaseReachable)).toEqual([false, true]);
    expect(heard).toEqual(emitted);
    expect(monitor.state()).toMatchObject({ online: true, supabaseReachable: true });
    expect(timers.delays()).toEqual([30_000]);
  });

  it('does not probe while the OS says offline, and reports offline as unreachable', async () => {
    let osOnline = true;
    const { monitor, emitted, probes } = monitorWith({ osOnline: () => osOnline });
    await monitor.start();
    const before = probes();
    osOnline = false;
    expect(await monitor.checkNow()).toMatchObject({ online: false, supabaseReachable: false });
    expect(probes()).toBe(before);
    osOnline = true;
    expect(await monitor.checkNow()).toMatchObject({ online: true, supabaseReachable: true });
    expect(emitted.map((s) => [s.online, s.supabaseReachable])).toEqual([
      [false, false],
      [true, true],
    ]);
  });

  it('counts a probe that never answers as unreachable once the timeout fires', async () => {
    const { monitor, timers } = monitorWith({ probe: () => new Promise<boolean>(() => undefined) });
    const check = monitor.checkNow();
    expect(timers.delays()).toEqual([1_000]);
    timers.fire(1_000);
    expect(await check).toMatchObject({ supabaseReachable: false });
  });

  it('shares one probe between concurrent checks, and stops polling and reporting once disposed', async () => {
    const { monitor, timers, emitted, setReachable, probes } = monitorWith();
    await Promise.all([monitor.checkNow(), monitor.checkNow(), monitor.checkNow()]);
    expect(probes()).toBe(1);
    monitor.dispose();
    expect(timers.size).toBe(0);
    setReachable(false);
    await monitor.checkNow();
    expect(probes()).toBe(1);
    expect(emitted).toEqual([]);
  });
});

describe('httpProbe', () => {
  async function server(handler: http.RequestListener): Promise<string> {
    const s = http.createServer(handler);
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    );
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  }

  it('calls any answer below 500 reachable, and a 5xx, a refused connection or silence unreachable', async () => {
    const seen: (string | undefined)[] = [];
    const notFound = await server((req, res) => {
      seen.push(`${req.url} ${String(req.headers['apikey'])}`);
      res.writeHead(404).end();
    });
    const broken = await server((_req, res) => res.writeHead(503).end());
    const silent = await server(() => undefined);
    const closed = await server(() => undefined);
    await cleanups.pop()!(); // `closed` now refuses connections on a port that was just in use

    const signal = () => AbortSignal.timeout(300);
    expect(await httpProbe(notFound, 'anon-key')(signal())).toBe(true);
    expect(seen).toEqual(['/auth/v1/health anon-key']);
    expect(await httpProbe(broken, undefined)(signal())).toBe(false);
    expect(await httpProbe(closed, undefined)(signal())).toBe(false);
    expect(await httpProbe(silent, undefined)(signal())).toBe(false);
  });

  it('drives a real monitor: a closed port is unreachable', async () => {
    const url = await server((_req, res) => res.writeHead(200).end());
    const monitor = new NetworkMonitor({ isOnline: () => true, supabaseUrl: url, log: silentLogger, probeTimeoutMs: 500 });
    cleanups.push(() => monitor.dispose());
    expect(await monitor.start()).toMatchObject({ online: true, supabaseReachable: true });
    await cleanups.splice(0, 1)[0]!(); // close the server
    expect(await monitor.checkNow()).toMatchObject({ online: true, supabaseReachable: false });
  });
});
