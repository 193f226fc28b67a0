import type { ServiceChecks } from './ports';
import { backoffDelay, type RetryPolicy } from './retry';

/**
 * While an interview is paused (the network is gone), how the station finds out it is back: it
 * asks main whether its services answer, after 1 s and then at growing intervals up to 5 s (with
 * jitter), and at once when the operating system says the network is back (`online`). Pure: the
 * probe, sleep, randomness and cancellation are injected so it is tested without timers.
 */
export const NETWORK_PROBE: RetryPolicy = { attempts: Number.POSITIVE_INFINITY, baseDelayMs: 1_000, maxDelayMs: 5_000 };

/**
 * Whether a new realtime call can be made: the token service answers (it mints the keys and relays
 * the offers) and so does the Realtime API behind it. Supabase is not needed for the call: the
 * transcript waits in this machine's journal and syncs when Supabase answers.
 */
export function callReachable(checks: ServiceChecks): boolean {
  return checks.tokenService === true && checks.realtime === true;
}

export interface NetworkWaitDeps {
  /** True when a new call can be made now (e.g. `callReachable` of main's `station:health`); may reject. */
  readonly probe: () => Promise<boolean>;
  /** Resolves after `ms`, or earlier when the operating system says the network is back. */
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  /** The interview ended or the room closed: stop asking. */
  readonly cancelled: () => boolean;
}

/**
 * Resolves true once a probe says the network is back, false when cancelled first. It waits before
 * the first probe: it is called right after a connection attempt failed.
 */
export async function waitForNetwork(deps: NetworkWaitDeps, policy: RetryPolicy = NETWORK_PROBE): Promise<boolean> {
  for (let round = 1; ; round += 1) {
    await deps.sleep(backoffDelay(round, policy, deps.random));
    if (deps.cancelled()) return false;
    const back = await deps.probe().catch(() => false);
    if (deps.cancelled()) return false;
    if (back) return true;
  }
}

/**
 * Sleeps `ms`, or less when `target` (the window) reports the network back with `online`. The
 * event alone never resumes anything: the probe still decides, it only comes sooner.
 */
export function sleepUnlessOnline(ms: number, target: EventTarget): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      target.removeEventListener('online', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    target.addEventListener('online', done);
  });
}
