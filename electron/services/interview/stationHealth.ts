import type { ConnectionMode, StationHealth } from '@interview-station/contracts';
import type { NetworkSignal } from '../network/networkMonitor';
import { isReachable } from '../network/networkMonitor';

export interface StationHealthDeps {
  /** Supabase's reachability (the network monitor, asked to probe now); null without a project. */
  readonly network: Pick<NetworkSignal, 'checkNow'> | null;
  /** The token service interviews use: the latest interview's, else the configuration's. */
  readonly tokenServiceUrl: () => string | undefined;
  /** The Realtime API the renderer posts its offer to in direct mode (the configuration's `realtimeUrl`). */
  readonly realtimeUrl: string;
  readonly connectionMode: ConnectionMode;
  readonly fetch?: typeof fetch;
  /** A probe not answered within this counts as down (default 3 s). */
  readonly timeoutMs?: number;
}

/**
 * The device check's readiness, probed now, each cheaply and without credentials:
 * - supabase: the network monitor's probe (any answer below 500 from the project);
 * - tokenService: its `/healthz` answers 200;
 * - realtime: the token service's `/readyz` (200 only when it reaches the Realtime API, which it
 *   needs in both modes), and in direct mode also the Realtime origin from this machine (the
 *   renderer posts its offer there): any answer below 500.
 */
export async function checkStationHealth(deps: StationHealthDeps): Promise<StationHealth> {
  const base = deps.tokenServiceUrl()?.replace(/\/$/, '');
  const get = (url: string) => answers(url, deps.fetch ?? fetch, deps.timeoutMs ?? 3_000);
  const [supabase, tokenService, upstreamReady, realtimeFromHere] = await Promise.all([
    deps.network ? deps.network.checkNow().then(isReachable, () => false) : Promise.resolve(false),
    base ? get(`${base}/healthz`).then((status) => status === 200) : Promise.resolve(false),
    base ? get(`${base}/readyz`).then((status) => status === 200) : Promise.resolve(false),
    deps.connectionMode === 'direct' ? get(new URL('/v1/models', deps.realtimeUrl).toString()).then((s) => s !== null && s < 500) : Promise.resolve(true),
  ]);
  return { supabase, tokenService, realtime: upstreamReady && realtimeFromHere };
}

/** The HTTP status a GET gets, or null when nothing answers in time. Never throws. */
async function answers(url: string, fetchImpl: typeof fetch, timeoutMs: number): Promise<number | null> {
  try {
    const response = await fetchImpl(url, { method: 'GET', signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel().catch(() => undefined);
    return response.status;
  } catch {
    return null;
  }
}
