import { randomBytes } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ImageCommand, MachineFleet, type MachineView } from './machines';
import { createMachinesApi } from './machinesApi';
import { RoundRobin } from './balancer';
import { createReplayProxy } from './replayProxy';

export type { ImageCommand, MachineView } from './machines';

/**
 * A LOCAL STAND-IN for Fly.io, for development and tests only (nothing in production uses it):
 * - the Machines API (`apiUrl`, the stand-in for `https://api.machines.dev`): each machine is a
 *   child process running `image` with the app's secrets in its environment;
 * - Fly's proxy (`appUrl`, the stand-in for `https://<app>.fly.dev`): load-balances round-robin
 *   over the app's started machines that have a service (or sends everything to one front instance
 *   given with `routeAppTo`), and honours `fly-replay: instance=<id>` and `elsewhere=true` once per
 *   request, WebSocket upgrades included.
 */
export interface FlyStandInOptions {
  readonly app?: string;
  readonly region?: string;
  /** The API token clients must present; random by default. */
  readonly apiToken?: string;
  /** What "running the image" means here. */
  readonly image: ImageCommand;
  /** The app's secrets (`fly secrets set`), given to every machine. */
  readonly secrets?: Record<string, string>;
  readonly log?: (line: string) => void;
}

export interface FlyStandIn {
  readonly app: string;
  readonly apiToken: string;
  /** Machines API base URL (`FLY_API_URL`). */
  readonly apiUrl: string;
  /** The app's public URL through the replaying proxy. */
  readonly appUrl: string;
  /**
   * Sends the app's ordinary traffic to one front instance (outside the fleet) instead of
   * load-balancing it over the app's machines.
   */
  routeAppTo(url: string): void;
  machines(metadata?: Record<string, string>): MachineView[];
  close(): Promise<void>;
}

export async function startFlyStandIn(options: FlyStandInOptions): Promise<FlyStandIn> {
  const app = options.app ?? 'interview-station-token-service';
  const apiToken = options.apiToken ?? `fly-standin-${randomBytes(16).toString('hex')}`;
  const fleet = new MachineFleet({ app, region: options.region ?? 'local', image: options.image, secrets: options.secrets ?? {}, log: options.log });
  const api = createMachinesApi(fleet, { app, token: apiToken });
  let front: { host: string; port: number } | null = null;
  const balancer = new RoundRobin(fleet);
  const proxy = createReplayProxy(fleet, (exclude) => front ?? balancer.next(exclude));

  const apiServer = createServer((req, res) => void api(req, res).catch(() => res.writeHead(500).end()));
  const proxyServer = createServer((req, res) => void proxy.http(req, res).catch(() => res.writeHead(502).end()));
  proxyServer.on('upgrade', (req, socket, head: Buffer) => proxy.upgrade(req, socket, head));
  const [apiUrl, appUrl] = await Promise.all([listen(apiServer), listen(proxyServer)]);

  return {
    app,
    apiToken,
    apiUrl,
    appUrl,
    routeAppTo(url) {
      const parsed = new URL(url);
      front = { host: parsed.hostname, port: Number(parsed.port) };
    },
    machines: (metadata) => fleet.list(metadata),
    async close() {
      await fleet.close();
      for (const server of [apiServer, proxyServer]) server.closeAllConnections();
      await Promise.all([apiServer, proxyServer].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}
