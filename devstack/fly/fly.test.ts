import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { type FlyStandIn, startFlyStandIn } from './index';

/**
 * The Fly stand-in itself: the Machines API calls the token service makes, machines as processes
 * with the app's secrets, auto_destroy, and the proxy's `fly-replay` for HTTP and WebSockets.
 */
// A tiny "image": answers with its machine id and one secret's presence, echoes on a WebSocket, exits on /exit.
const IMAGE = `
const http = require('node:http');
const { WebSocketServer } = require(${JSON.stringify(require.resolve('ws'))});
const server = http.createServer((req, res) => {
  if (req.url === '/exit') { res.end('bye'); setTimeout(() => process.exit(0), 20); return; }
  res.end(JSON.stringify({ machine: process.env.FLY_MACHINE_ID, hasSecret: process.env.APP_SECRET === 's3cret', role: process.env.ROLE, replayed: req.headers['fly-replay-src'] ?? null }));
});
const wss = new WebSocketServer({ server });
wss.on('connection', (ws) => ws.on('message', (m) => ws.send('machine ' + process.env.FLY_MACHINE_ID + ': ' + m)));
server.listen(Number(process.env.PORT), process.env.HOST);
process.on('SIGTERM', () => process.exit(0));
`;

let fly: FlyStandIn;
let front: Server;
let replayTo = '';

beforeAll(async () => {
  fly = await startFlyStandIn({ image: { command: process.execPath, args: ['-e', IMAGE] }, secrets: { APP_SECRET: 's3cret' } });
  // The app's front instance: replays everything to the machine named in `replayTo`.
  front = createServer((_req, res) => res.writeHead(307, { 'fly-replay': `instance=${replayTo}` }).end());
  const wss = new WebSocketServer({ noServer: true });
  front.on('upgrade', (req, socket, head) => {
    if (req.url === '/front') return wss.handleUpgrade(req, socket, head, (ws) => ws.send('front'));
    socket.end(`HTTP/1.1 307 Temporary Redirect\r\nfly-replay: instance=${replayTo}\r\ncontent-length: 0\r\n\r\n`);
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', () => resolve()));
  fly.routeAppTo(`http://127.0.0.1:${(front.address() as AddressInfo).port}`);
});

afterAll(async () => {
  await fly?.close();
  front?.closeAllConnections();
  await new Promise<void>((resolve) => (front ? front.close(() => resolve()) : resolve()));
});

const api = (path: string, init: RequestInit = {}, token = fly.apiToken) =>
  fetch(`${fly.apiUrl}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });

describe('the Fly stand-in', () => {
  it('refuses a wrong token and an unknown app', async () => {
    expect((await api(`/v1/apps/${fly.app}/machines`, {}, 'wrong')).status).toBe(401);
    expect((await api('/v1/apps/some-other-app/machines')).status).toBe(404);
  });

  it('creates a machine that runs the image with the app secrets, routes to it by fly-replay, and auto-destroys it', async () => {
    const created = await api(`/v1/apps/${fly.app}/machines`, {
      method: 'POST',
      body: JSON.stringify({ config: { image: 'registry.fly.io/app:1', env: { ROLE: 'session' }, metadata: { session_id: 'abc' }, auto_destroy: true } }),
    });
    expect(created.status).toBe(200);
    const machine = (await created.json()) as { id: string };
    expect((await api(`/v1/apps/${fly.app}/machines/${machine.id}/wait?state=started&timeout=20`)).status).toBe(200);
    expect(((await (await api(`/v1/apps/${fly.app}/machines?metadata.session_id=abc`)).json()) as { id: string }[]).map((m) => m.id)).toEqual([machine.id]);
    expect((await (await api(`/v1/apps/${fly.app}/machines?metadata.session_id=zzz`)).json()) as unknown[]).toEqual([]);

    replayTo = machine.id;
    const viaProxy = (await (await fetch(`${fly.appUrl}/anything`)).json()) as Record<string, unknown>;
    expect(viaProxy).toEqual({ machine: machine.id, hasSecret: true, role: 'session', replayed: `instance=${machine.id}` });

    const ws = new WebSocket(`${fly.appUrl.replace('http', 'ws')}/socket`);
    const reply = await new Promise<string>((resolve, reject) => {
      ws.once('open', () => ws.send('hello'));
      ws.once('message', (data) => resolve(data.toString()));
      ws.once('error', reject);
    });
    expect(reply).toBe(`machine ${machine.id}: hello`);
    ws.close();
    // Upgrades the front keeps are not replayed.
    const kept = new WebSocket(`${fly.appUrl.replace('http', 'ws')}/front`);
    expect(await new Promise((resolve) => kept.once('message', (data) => resolve(data.toString())))).toBe('front');
    kept.close();

    await fetch(`${fly.appUrl}/exit`);
    expect((await api(`/v1/apps/${fly.app}/machines/${machine.id}/wait?state=destroyed&timeout=10`)).status).toBe(200);
    expect(fly.machines()).toEqual([]);
  });
});
