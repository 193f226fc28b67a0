import type { NetworkState, Unsubscribe } from '@interview-station/contracts';
import type { Logger } from '../../log';
import { realTimers, type Timers } from './timers';

/**
 * What the sync engine needs to know about the network: whether Supabase can be reached now, a
 * way to hear when that changes, and a way to ask for a fresh look after a request failed.
 */
export interface NetworkSignal {
  state(): NetworkState;
  subscribe(listener: (state: NetworkState) => void): Unsubscribe;
  /** Probes now instead of at the next poll; resolves with the (possibly new) state. */
  checkNow(): Promise<NetworkState>;
}

/** Answers whether Supabase answered at all within the timeout. Never throws. */
export type ReachabilityProbe = (signal: AbortSignal) => Promise<boolean>;

export interface NetworkMonitorDeps {
  /** The OS's view (Electron's `net.isOnline()`); the web host passes `() => true`. */
  readonly isOnline: () => boolean;
  /** The Supabase project URL; probed unless `probe` is given. */
  readonly supabaseUrl: string;
  /** Sent as `apikey` on the probe (hosted Supabase refuses `/auth/v1/*` without it). */
  readonly anonKey?: string;
  readonly log: Logger;
  /** Told about every change (the host forwards it as `network:state-changed`). */
  readonly emit?: (state: NetworkState) => void;
  /** Overrides the HTTP probe (tests). */
  readonly probe?: ReachabilityProbe;
  readonly fetch?: typeof fetch;
  /** Poll interval while reachable (default 30 s). */
  readonly intervalMs?: number;
  /** Poll interval while unreachable, so a reconnect is noticed quickly (default 5 s). */
  readonly offlineIntervalMs?: number;
  /** A probe not answered within this counts as unreachable (default 5 s). */
  readonly probeTimeoutMs?: number;
  readonly timers?: Timers;
  readonly now?: () => Date;
}

/**
 * An HTTP probe of `<supabaseUrl>/auth/v1/health`. Any answer below 500 means the project is
 * reachable (the local stand-in answers 404 there, hosted Supabase 200): the question is whether
 * requests get through, not whether that route exists. A refused connection, a DNS failure, a
 * timeout or a 5xx from a gateway in front of it count as unreachable.
 */
export function httpProbe(supabaseUrl: string, anonKey: string | undefined, fetchImpl: typeof fetch = fetch): ReachabilityProbe {
  const url = new URL('auth/v1/health', supabaseUrl.endsWith('/') ? supabaseUrl : `${supabaseUrl}/`).toString();
  return async (signal) => {
    try {
      const response = await fetchImpl(url, { method: 'GET', headers: anonKey ? { apikey: anonKey } : {}, signal });
      // Drain the body so the connection is released for reuse.
      await response.arrayBuffer().catch(() => undefined);
      return response.status < 500;
    } catch {
      return false;
    }
  };
}

/**
 * Watches whether the station can reach Supabase: the OS says it is online AND a probe of the
 * Supabase URL answers. Polls (faster while unreachable), reports changes only, and can be asked
 * to check at once when a request has just failed.
 */
export class NetworkMonitor implements NetworkSignal {
  private current: NetworkState;
  private readonly listeners = new Set<(state: NetworkState) => void>();
  private readonly probe: ReachabilityProbe;
  private readonly timers: Timers;
  private readonly now: () => Date;
  private timer: unknown = null;
  private checking: Promise<NetworkState> | null = null;
  private disposed = false;

  constructor(private readonly deps: NetworkMonitorDeps) {
    this.probe = deps.probe ?? httpProbe(deps.supabaseUrl, deps.anonKey, deps.fetch);
    this.timers = deps.timers ?? realTimers;
    this.now = deps.now ?? (() => new Date());
    // Until the first probe answers, assume reachable: the sync engine's own requests fail fast
    // (and trigger a check) if not, while a pessimistic start would delay every start-up sync.
    const online = deps.isOnline();
    this.current = { online, supabaseReachable: online, checkedAt: this.now().toISOString() };
  }

  /** Runs the first check and starts polling. */
  start(): Promise<NetworkState> {
    return this.checkNow();
  }

  state(): NetworkState {
    return this.current;
  }

  subscribe(listener: (state: NetworkState) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Concurrent callers share one probe. */
  checkNow(): Promise<NetworkState> {
    if (this.disposed) return Promise.resolve(this.current);
    this.checking ??= this.check().finally(() => {
      this.checking = null;
      this.schedule();
    });
    return this.checking;
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private async check(): Promise<NetworkState> {
    const online = this.deps.isOnline();
    // With the OS reporting no network there is nothing to probe.
    const reachable = online ? await this.probeWithTimeout() : false;
    if (this.disposed) return this.current;
    const next: NetworkState = { online, supabaseReachable: reachable, checkedAt: this.now().toISOString() };
    const changed = next.online !== this.current.online || next.supabaseReachable !== this.current.supabaseReachable;
    this.current = next;
    if (changed) {
      this.deps.log.info('network state changed', { online: next.online, supabaseReachable: next.supabaseReachable });
      this.deps.emit?.(next);
      for (const listener of [...this.listeners]) listener(next);
    }
    return next;
  }

  private async probeWithTimeout(): Promise<boolean> {
    const controller = new AbortController();
    const timeout = this.timers.setTimeout(() => controller.abort(), this.deps.probeTimeoutMs ?? 5_000);
    try {
      // Race the abort too: an injected probe may ignore the signal, and a hung probe must still
      // count as unreachable rather than stall every later check.
      return await Promise.race([
        this.probe(controller.signal).catch(() => false),
        new Promise<boolean>((resolve) => controller.signal.addEventListener('abort', () => resolve(false), { once: true })),
      ]);
    } finally {
      this.timers.clearTimeout(timeout);
    }
  }

  private schedule(): void {
    if (this.disposed) return;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    const reachable = this.current.online && this.current.supabaseReachable;
    const delay = reachable ? (this.deps.intervalMs ?? 30_000) : (this.deps.offlineIntervalMs ?? 5_000);
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      void this.checkNow();
    }, delay);
  }
}

/** True when requests to Supabase can be expected to get through. */
export function isReachable(state: NetworkState): boolean {
  return state.online && state.supabaseReachable;
}
