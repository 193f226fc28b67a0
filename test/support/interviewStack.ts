import path from 'node:path';
import type { Browser } from 'playwright-core';
import type postgres from 'postgres';
import { freePort } from '../../devstack/supabase/freePort';
import { SEED } from '../../devstack/supabase/seedUsers';
import { ROOT } from './paths';
import type { RealtimeModule, SimulatorHandle } from './simulatorModule';
import type { RunningComponent, StackComponent, StackModule } from './stackModule';
import { startGate, type Gate } from './tcpGate';
import { startWebHostProcess, type WebHostOptions, type WebHostProcess } from './webHostProcess';

/**
 * The local stack as the browser tests that run whole interviews set it up (a controlled realtime
 * simulator, a token service that can be restarted or cut off), and the web host wired to it.
 */

/** devstack/stack.ts, loaded by path (its Node-only sources stay out of the DOM-typed compilation). */
export async function importStackModule(): Promise<StackModule> {
  return (await import(path.join(ROOT, 'devstack', 'stack.ts'))) as StackModule;
}

/** devstack/realtime/index.ts, loaded by path like the stack. */
export async function importRealtimeModule(): Promise<RealtimeModule> {
  return (await import(path.join(ROOT, 'devstack', 'realtime', 'index.ts'))) as RealtimeModule;
}

/** The default script's first two lines, then `questions` more: "continued" and "started over" differ for a while. */
export function longScript(realtime: RealtimeModule, questions: number): readonly string[] {
  return [...realtime.DEFAULT_SCRIPT.lines.slice(0, 2), ...Array.from({ length: questions }, (_, i) => `Question ${i + 3}: tell me more about that, please.`)];
}

/** The realtime simulator on `script` (calls open on connect), as a stack component; `started` gets its handle. */
export function controlledSimulatorComponent(realtime: RealtimeModule, script: readonly string[], started: (sim: SimulatorHandle) => void): StackComponent {
  return {
    name: 'realtime (controlled)',
    async start() {
      const sim = await realtime.startRealtimeSimulator({ script: { lines: script, openOnConnect: true } });
      started(sim);
      return { info: { realtimeUrl: sim.url, realtimeApiKey: sim.apiKey }, stop: () => sim.close() };
    },
  };
}

/** A running token service that can be stopped and started again on the same port. */
export interface RestartableService {
  stop(): Promise<void>;
  start(): Promise<void>;
  restart(): Promise<void>;
}

/** The token service, restartable on the same port (interview-start hands out its URL); `started` gets the control. */
export function restartableTokenServiceComponent(stackModule: StackModule, started: (service: RestartableService) => void): StackComponent {
  return {
    name: 'token-service (restartable)',
    async start({ info, temp }) {
      let running: RunningComponent | null = await stackModule.tokenServiceComponent.start({ info, temp });
      const stop = async () => {
        await running?.stop();
        running = null;
      };
      const start = async () => {
        running ??= await stackModule.tokenServiceComponent.start({ info, temp });
      };
      started({ stop, start, restart: async () => (await stop(), await start()) });
      return { info: running.info, stop };
    },
  };
}

/**
 * The token service behind a TCP gate: interview-start hands out the URL the stack reserved, the
 * gate listens there and the service on a port of its own behind it; `started` gets the gate.
 */
export function gatedTokenServiceComponent(stackModule: StackModule, started: (gate: Gate) => void): StackComponent {
  return {
    name: 'token-service (behind a gate)',
    async start({ info, temp }) {
      const behind = `http://127.0.0.1:${await freePort()}`;
      const service = await stackModule.tokenServiceComponent.start({ info: { ...info, tokenServiceUrl: behind }, temp });
      const handedOut = String(info['tokenServiceUrl']);
      const gate = await startGate(behind, Number(new URL(handedOut).port));
      started(gate);
      return { info: { tokenServiceUrl: handedOut }, stop: async () => (await gate.close(), await service.stop()) };
    },
  };
}

/** Where a station finds the stack's services. */
export interface StationTargets {
  readonly supabaseUrl: string;
  readonly anonKey: string;
  readonly tokenServiceUrl: string;
  readonly realtimeUrl: string;
}

/** The STATION_* development overrides for Acme's seeded station against `targets`, in `mode`, then `extra`. */
export function stationEnv(targets: StationTargets, mode: 'hybrid' | 'direct', extra: Record<string, string> = {}): Record<string, string> {
  return {
    STATION_SUPABASE_URL: targets.supabaseUrl,
    STATION_SUPABASE_ANON_KEY: targets.anonKey,
    STATION_TOKEN_SERVICE_URL: targets.tokenServiceUrl,
    STATION_REALTIME_URL: targets.realtimeUrl,
    STATION_CONNECTION_MODE: mode,
    STATION_ID: SEED.acme.stationId,
    ...extra,
  };
}

/** The running stack's services, from what its components published. */
function stackTargets(info: Readonly<Record<string, unknown>>): StationTargets {
  return { supabaseUrl: String(info['supabaseUrl']), anonKey: String(info['anonKey']), tokenServiceUrl: String(info['tokenServiceUrl']), realtimeUrl: String(info['realtimeUrl']) };
}

export interface StationOptions extends Omit<WebHostOptions, 'env'> {
  readonly mode: 'hybrid' | 'direct';
  /** Supabase as the station reaches it, e.g. through a gate (default: the stack's). */
  readonly supabaseUrl?: string;
  /** More STATION_* overrides, e.g. a session cap or the web host's secret key. */
  readonly env?: Record<string, string>;
}

/** The built web host wired to the stack (ready timeout 60 s unless given: the machine may be loaded). */
export function startStation(info: Readonly<Record<string, unknown>>, options: StationOptions): Promise<WebHostProcess> {
  const { mode, supabaseUrl, env, ...host } = options;
  const targets = { ...stackTargets(info), ...(supabaseUrl === undefined ? {} : { supabaseUrl }) };
  return startWebHostProcess({ readyTimeoutMs: 60_000, ...host, env: stationEnv(targets, mode, env) });
}

/** What a browser suite started; any of it may be missing when its setup failed part way. */
export interface StartedForSuite {
  readonly browser: Browser | undefined;
  readonly hosts: readonly WebHostProcess[];
  readonly gates?: readonly (Gate | undefined)[];
  readonly sql?: postgres.Sql | undefined;
  readonly stack: RunningComponent | undefined;
}

/** Stops it all in order: the browser, the web hosts, the gates, the Postgres client, the stack. */
export async function stopSuite(started: StartedForSuite): Promise<void> {
  await started.browser?.close();
  for (const host of started.hosts) await host.stop();
  for (const gate of started.gates ?? []) await gate?.close();
  await started.sql?.end();
  await started.stack?.stop();
}
