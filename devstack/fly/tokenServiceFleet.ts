import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type FlyStandIn, startFlyStandIn } from './index';

const here = path.dirname(fileURLToPath(import.meta.url));
const SERVICE_ENTRY = path.resolve(here, '../../proxy-service/src/main.ts');

/**
 * The token service as Fly runs it, locally: N machines of the app (each a process running the
 * service's bundle, as the image does) behind the stand-in's proxy, which load-balances them and
 * honours `fly-replay`. Machines are created, killed, drained and replaced through the stand-in's
 * Machines API, as `fly deploy` and a crash would. For tests and benchmarks only.
 */
export interface TokenServiceFleet {
  readonly fly: FlyStandIn;
  /** The app's public URL (`https://<app>.fly.dev`): what stations use. */
  readonly appUrl: string;
  /** The app's machines now running, oldest first. */
  machines(): string[];
  /** A new machine of the app, started and in the balancer's rotation. */
  addMachine(): Promise<string>;
  /** SIGKILL, as a crash or a host failure: no drain. */
  kill(id: string): Promise<void>;
  /** Fly's stop: SIGTERM (the service drains), then the process is gone. */
  drain(id: string): Promise<void>;
  /** A rolling deploy: for each machine, start its replacement, then drain it. */
  rollingRestart(ids?: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export interface TokenServiceFleetOptions {
  readonly machines: number;
  /** The app's environment and secrets (OPENAI_*, SESSION_JWT_SECRET, DATABASE_URL, …). */
  readonly env: Record<string, string>;
  readonly log?: (line: string) => void;
}

/** Bundles the service as `npm run build -w proxy-service` does, into a folder of its own. */
async function bundle(dir: string): Promise<string> {
  const outfile = path.join(dir, 'main.cjs');
  await build({ entryPoints: [SERVICE_ENTRY], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile, logLevel: 'warning', legalComments: 'none' });
  return outfile;
}

export async function startTokenServiceFleet(options: TokenServiceFleetOptions): Promise<TokenServiceFleet> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'token-service-fleet-'));
  const main = await bundle(dir);
  const fly = await startFlyStandIn({ image: { command: process.execPath, args: [main] }, secrets: options.env, ...(options.log ? { log: options.log } : {}) });
  const api = async (route: string, init: RequestInit = {}): Promise<unknown> => {
    const res = await fetch(`${fly.apiUrl}/v1/apps/${fly.app}/machines${route}`, {
      ...init,
      headers: { authorization: `Bearer ${fly.apiToken}`, 'content-type': 'application/json' },
    });
    if (!res.ok) throw new Error(`Machines API ${init.method ?? 'GET'} ${route}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const running = () => fly.machines({ role: 'app' }).filter((m) => m.state === 'started' || m.state === 'starting').map((m) => m.id);

  const addMachine = async (): Promise<string> => {
    const machine = (await api('', {
      method: 'POST',
      body: JSON.stringify({
        config: {
          image: 'registry.fly.io/interview-station-token-service:local',
          env: { PUBLIC_URL: fly.appUrl },
          metadata: { role: 'app' },
          services: [{ protocol: 'tcp', internal_port: 8080, ports: [{ port: 443, handlers: ['tls', 'http'] }] }],
        },
      }),
    })) as { id: string };
    await api(`/${machine.id}/wait?state=started&timeout=30`);
    return machine.id;
  };
  const stop = async (id: string, signal: 'SIGTERM' | 'SIGKILL') => {
    await api(`/${id}/stop`, { method: 'POST', body: JSON.stringify({ signal }) });
  };

  try {
    await Promise.all(Array.from({ length: options.machines }, addMachine));
  } catch (error) {
    await fly.close();
    throw error;
  }
  return {
    fly,
    appUrl: fly.appUrl,
    machines: running,
    addMachine,
    kill: (id) => stop(id, 'SIGKILL'),
    drain: (id) => stop(id, 'SIGTERM'),
    async rollingRestart(ids = running()) {
      for (const id of ids) {
        await addMachine();
        await stop(id, 'SIGTERM');
      }
    },
    async close() {
      await fly.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
