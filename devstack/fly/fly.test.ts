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
  if (req.url.startsWith('/to/') && !req.headers['fly-replay-src']) { res.writeHead(307, { 'fly-replay': 'instance=' + req.url.slice(4) }).end(); return; }
  if (req.url.startsWith('/always/')) { res.writeHead(307, { 'fly-replay': 'instance=' + req.url.slice(8) }).end(); return; }
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

describe('the Fly stand-in without a front instance: the proxy balances the app\'s machines', () => {
  let balanced: FlyStandIn;
  beforeAll(async () => {
    balanced = await startFlyStandIn({ image: { command: process.execPath, args: ['-e', IMAGE] }, secrets: { APP_SECRET: 's3cret' } });
  });
  afterAll(async () => {
    await balanced?.close();
  });
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${balanced.apiUrl}/v1/apps/${balanced.app}/machines${path}`, { ...init, headers: { authorization: `Bearer ${balanced.apiToken}`, 'content-type': 'application/json' } });
  const machine = async (services: boolean) => {
    const created = (await (await call('', { method: 'POST', body: JSON.stringify({ config: { image: 'app:1', ...(services ? { services: [{ internal_port: 8080, protocol: 'tcp' }] } : {}) } }) })).json()) as { id: string };
    expect((await call(`/${created.id}/wait?state=started&timeout=20`)).status).toBe(200);
    return created.id;
  };
  const served = async (path = '/') => ((await (await fetch(`${balanced.appUrl}${path}`)).json()) as { machine: string; replayed: string | null });

  it('spreads requests round-robin over started machines with a service, still replays once, and drops a killed machine', async () => {
    expect((await fetch(`${balanced.appUrl}/`)).status).toBe(503);
    const [a, b, c] = [await machine(true), await machine(true), await machine(true)];
    await machine(false); // no service: Fly's proxy never routes to it
    const seen = await Promise.all(Array.from({ length: 9 }, () => served()));
    const counts = new Map<string, number>();
    for (const answer of seen) counts.set(answer.machine, (counts.get(answer.machine) ?? 0) + 1);
    expect(counts).toEqual(new Map([[a, 3], [b, 3], [c, 3]]));
    // Wherever a request lands, fly-replay sends it to the named machine, once.
    for (let i = 0; i < 3; i++) expect(await served(`/to/${b}`)).toEqual({ machine: b, hasSecret: true, replayed: `instance=${b}` });
    const looping = await fetch(`${balanced.appUrl}/always/${c}`);
    expect([looping.status, looping.headers.get('fly-replay')]).toEqual([307, `instance=${c}`]);
    // A machine killed with SIGKILL (Fly: stop with { signal }) leaves the rotation at once.
    expect((await call(`/${a}/stop`, { method: 'POST', body: JSON.stringify({ signal: 'SIGKILL' }) })).status).toBe(200);
    const after = new Set((await Promise.all(Array.from({ length: 6 }, () => served()))).map((answer) => answer.machine));
    expect(after).toEqual(new Set([b, c]));
    expect((await call(`/${b}/stop`, { method: 'POST', body: JSON.stringify({ signal: 'SIGHUP' }) })).status).toBe(400);
  });
});
