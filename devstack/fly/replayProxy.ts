import { type IncomingMessage, type ServerResponse, request } from 'node:http';
import { type Socket, connect } from 'node:net';
import type { Duplex } from 'node:stream';
import type { MachineFleet } from './machines';

export interface Target {
  readonly host: string;
  readonly port: number;
  /** The machine's id, when the target is a machine of the fleet. */
  readonly id?: string;
}

/**
 * Where the app's ordinary traffic goes: the next target of the load balancer, other than
 * `exclude` (the machine that answered `elsewhere=true`) when there is another.
 */
export type AppTarget = (exclude?: string) => Target | null;

const REPLAY = 'fly-replay';

/**
 * Where a `fly-replay` header sends the request: `instance=<id>` to that machine, `elsewhere=true`
 * to another machine of the app (here: the front instance). `region=` is not simulated.
 */
function replayTarget(header: string | string[] | undefined): { instance: string } | 'elsewhere' | null {
  const value = (Array.isArray(header) ? header[0] : header) ?? '';
  const instance = /(?:^|[;,\s])instance=([A-Za-z0-9]+)/.exec(value)?.[1];
  if (instance) return { instance };
  return /(?:^|[;,\s])elsewhere=true/.test(value) ? 'elsewhere' : null;
}

function rawHead(req: IncomingMessage, extra: Record<string, string> = {}): string {
  let head = `${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1\r\n`;
  for (let i = 0; i < req.rawHeaders.length; i += 2) head += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
  for (const [name, value] of Object.entries(extra)) head += `${name}: ${value}\r\n`;
  return `${head}\r\n`;
}

/**
 * The part of Fly's proxy the `fly-machines` strategy relies on: requests go to the app; when the
 * app answers with `fly-replay: instance=<id>`, the proxy sends the original request (WebSocket
 * upgrades included) to that machine instead and the client sees only the machine's answer.
 */
export function createReplayProxy(fleet: MachineFleet, appTarget: AppTarget) {
  const machineTarget = (id: string | null): Target | null => {
    const port = id ? fleet.portOf(id) : undefined;
    return id && port ? { host: '127.0.0.1', port, id } : null;
  };
  const resolve = (replay: ReturnType<typeof replayTarget>, from: Target) =>
    replay === 'elsewhere' ? appTarget(from.id) : machineTarget(replay?.instance ?? null);
  const srcOf = (replay: ReturnType<typeof replayTarget>) => (replay === 'elsewhere' ? 'elsewhere=true' : `instance=${replay?.instance ?? ''}`);

  async function http(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const forced = req.headers['fly-force-instance-id'];
    const first = forced ? machineTarget(String(forced)) : appTarget();
    if (!first) return void res.writeHead(503, { 'content-type': 'text/plain' }).end('no machine to route to');
    const send = (target: Target, extra: Record<string, string>) => {
      const headers = { ...req.headers, ...extra };
      const out = request({ host: target.host, port: target.port, method: req.method, path: req.url, headers }, (answer) => {
        const replay = replayTarget(answer.headers[REPLAY]);
        // One replay per request, as a loop guard.
        if (replay && !extra['fly-replay-src']) {
          answer.resume();
          const next = resolve(replay, target);
          if (!next) return void res.writeHead(502, { 'content-type': 'text/plain' }).end('replay target not running');
          return send(next, { 'fly-replay-src': srcOf(replay) });
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      out.on('error', () => res.headersSent ? res.destroy() : res.writeHead(502).end());
      out.end(body);
    };
    send(first, {});
  }

  function upgrade(req: IncomingMessage, client: Duplex, head: Buffer): void {
    client.on('error', () => undefined);
    const target = appTarget();
    if (!target) return void client.end('HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n');
    const front = connect(target.port, target.host, () => front.write(Buffer.concat([Buffer.from(rawHead(req)), head])));
    let received = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      front.off('data', onData);
      const headText = received.subarray(0, end).toString('latin1');
      const replay = replayTarget(/^fly-replay:\s*(.+)$/im.exec(headText)?.[1]);
      if (!replay) {
        client.write(received);
        pipeBoth(client, front);
        return;
      }
      front.destroy();
      const next = resolve(replay, target);
      if (!next) return void client.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n');
      const replayed = connect(next.port, next.host, () => {
        replayed.write(Buffer.concat([Buffer.from(rawHead(req, { 'fly-replay-src': srcOf(replay) })), head]));
        pipeBoth(client, replayed);
      });
      replayed.on('error', () => client.destroy());
    };
    front.on('data', onData);
    front.on('error', () => client.destroy());
  }

  return { http, upgrade };
}

function pipeBoth(client: Duplex, server: Socket): void {
  client.pipe(server).pipe(client);
  server.on('close', () => client.destroy());
  client.on('close', () => server.destroy());
}
