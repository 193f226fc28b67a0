import { mkdtemp, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BRIDGE_PROTOCOL, StationConfigSchema } from '@interview-station/contracts';
import { IpcRouter } from '../ipc/router';
import { appOriginPolicy } from '../ipc/senderPolicy';
import { silentLogger } from '../log';
import { MemorySecretStore } from '../services/secrets/secretStore';
import { createStation, type Station } from '../station';
import { nodePlatformInfo } from './nodePlatform';
import { MAX_CALLS_IN_FLIGHT, startWebHost, type WebHost } from './server';

let host: WebHost;
let station: Station;
let token: string;

beforeAll(async () => {
  const rendererDir = await mkdtemp(path.join(tmpdir(), 'station-webhost-'));
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><html><head><title>t</title></head><body></body></html>');
  station = await createStation({
    platform: nodePlatformInfo(path.resolve(__dirname, '../../package.json')),
    config: StationConfigSchema.parse({}),
    log: silentLogger,
    dataDir: rendererDir,
    secrets: new MemorySecretStore(),
    kiosk: { exitKiosk: () => undefined, quit: () => undefined },
  });
  host = await startWebHost({
    rendererDir,
    port: 0,
    events: station.events,
    createRouter: (origin) => new IpcRouter(station.handlers, appOriginPolicy(origin), silentLogger),
    log: silentLogger,
  });
  token = new URL(host.url).hash.replace('#token=', '');
});

afterAll(async () => {
  await host.close();
});

/** Opens the bridge the way a page would; resolves with the socket or the HTTP status that refused it. */
function attempt(options: { origin?: string; protocols?: string[]; host?: string }): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${host.origin.replace('http', 'ws')}/bridge`, options.protocols ?? [BRIDGE_PROTOCOL, `token.${token}`], {
      origin: options.origin ?? host.origin,
      ...(options.host ? { headers: { host: options.host } } : {}),
    });
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.once('error', reject);
  });
}

async function connect(): Promise<WebSocket> {
  const socket = await attempt({});
  if (typeof socket === 'number') throw new Error(`the bridge refused the trusted page with ${socket}`);
  return socket;
}

/** A GET with the Host header a browser would send for `hostHeader` (fetch cannot set Host). */
function getWithHost(hostHeader: string, pathname = '/'): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = new URL(pathname, host.origin);
    const request = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, headers: { host: hostHeader } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.once('error', reject);
    request.end();
  });
}

async function call(socket: WebSocket, id: number, channel: string, input: unknown): Promise<unknown> {
  const reply = new Promise<unknown>((resolve) => {
    socket.on('message', function onMessage(data) {
      const message = JSON.parse(data.toString()) as { kind: string; id?: number };
      if (message.kind === 'result' && message.id === id) {
        socket.off('message', onMessage);
        resolve(message);
      }
    });
  });
  socket.send(JSON.stringify({ id, channel, input }));
  return reply;
}

describe('web host', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(new URL(host.origin).hostname).toBe('127.0.0.1');
  });

  it('serves index.html with the CSP and the bridge script', async () => {
    const response = await fetch(`${host.origin}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await response.text()).toContain('<script type="module" src="/web-bridge.js"></script>');
    expect((await fetch(`${host.origin}/../../package.json`)).status).toBe(404);
    expect((await fetch(`${host.origin}/`, { method: 'POST' })).status).toBe(405);
  });

  it('answers only its own host names (DNS rebinding): pages and the bridge', async () => {
    const port = new URL(host.origin).port;
    expect(await getWithHost(`127.0.0.1:${port}`)).toBe(200);
    expect(await getWithHost(`localhost:${port}`)).toBe(200);
    for (const name of [`attacker.example:${port}`, 'attacker.example', `127.0.0.1:${Number(port) + 1}`, `127.0.0.1.attacker.example:${port}`]) {
      expect(await getWithHost(name)).toBe(421);
      expect(await getWithHost(name, '/index.html')).toBe(421);
    }
    // A rebinding page's own origin would be refused anyway; the Host check stands on its own.
    expect(await attempt({ host: `attacker.example:${port}` })).toBe(421);
    const own = await attempt({ host: `localhost:${port}` });
    expect(own).not.toBe(421);
    if (typeof own !== 'number') own.close();
  });

  it('answers a malformed request target with 400 and stays up (pages and the bridge)', async () => {
    const port = new URL(host.origin).port;
    const raw = (path: string, upgrade: boolean) =>
      new Promise<number>((resolve, reject) => {
        const headers: Record<string, string> = { host: `127.0.0.1:${port}` };
        if (upgrade) Object.assign(headers, { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' });
        const request = httpRequest({ host: '127.0.0.1', port, path, headers }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        request.once('upgrade', () => resolve(101));
        request.once('error', reject);
        request.end();
      });
    expect(await raw('//[', false)).toBe(400);
    expect(await raw('//[', true)).toBe(400);
    expect(await getWithHost(`127.0.0.1:${port}`)).toBe(200);
  });

  it('refuses a bridge connection from another origin', async () => {
    expect(await attempt({ origin: 'https://evil.example' })).toBe(403);
    expect(await attempt({ origin: 'http://localhost:1' })).toBe(403);
  });

  it('refuses a bridge connection without the launch token or with a wrong one', async () => {
    expect(await attempt({ protocols: [BRIDGE_PROTOCOL] })).toBe(401);
    expect(await attempt({ protocols: [BRIDGE_PROTOCOL, 'token.guess'] })).toBe(401);
    // The real token with its last character changed (to one it is not).
    const almost = `${token.slice(0, -1)}${token.endsWith('x') ? 'y' : 'x'}`;
    expect(await attempt({ protocols: [BRIDGE_PROTOCOL, `token.${almost}`] })).toBe(401);
  });

  it('answers a contract call from the trusted page', async () => {
    const socket = await connect();
    try {
      expect(await call(socket, 1, 'app:info', {})).toMatchObject({
        kind: 'result',
        id: 1,
        result: { ok: true, value: { name: 'Interview Station', host: 'web' } },
      });
    } finally {
      socket.close();
    }
  });

  it('validates bridge calls the same way as IPC', async () => {
    const socket = await connect();
    try {
      expect(await call(socket, 2, 'auth:sign-in', { email: 'nope' })).toMatchObject({
        result: { ok: false, error: { code: 'VALIDATION_FAILED', field: 'email' } },
      });
      expect(await call(socket, 3, 'shell:exec', {})).toMatchObject({ result: { ok: false, error: { code: 'UNKNOWN_CHANNEL' } } });
    } finally {
      socket.close();
    }
  });

  it('answers calls past the in-flight bound with a typed RATE_LIMITED, without running them', async () => {
    // A second host whose app:info waits until released, so calls stay in flight.
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let ran = 0;
    const info = nodePlatformInfo(path.resolve(__dirname, '../../package.json')).appInfo();
    const slow = await startWebHost({
      rendererDir: path.dirname(path.resolve(__dirname, '../../package.json')),
      port: 0,
      events: station.events,
      createRouter: (origin) => new IpcRouter({ 'app:info': async () => (ran++, await held, info) }, appOriginPolicy(origin), silentLogger),
      log: silentLogger,
    });
    const slowToken = new URL(slow.url).hash.replace('#token=', '');
    const socket = new WebSocket(`${slow.origin.replace('http', 'ws')}/bridge`, [BRIDGE_PROTOCOL, `token.${slowToken}`], { origin: slow.origin });
    try {
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
      const answers = new Map<number, { ok: boolean; error?: { code: string } }>();
      const total = MAX_CALLS_IN_FLIGHT + 10;
      const all = new Promise<void>((resolve) => {
        socket.on('message', (data) => {
          const message = JSON.parse(data.toString()) as { kind: string; id: number; result: { ok: boolean; error?: { code: string } } };
          if (message.kind === 'result') answers.set(message.id, message.result);
          if (answers.size === 10) release();
          if (answers.size === total) resolve();
        });
      });
      for (let id = 0; id < total; id += 1) socket.send(JSON.stringify({ id, channel: 'app:info', input: {} }));
      await all;
      expect(ran).toBe(MAX_CALLS_IN_FLIGHT);
      const results = [...answers.values()];
      expect(results.filter((r) => r.error?.code === 'RATE_LIMITED')).toHaveLength(10);
      expect(results.filter((r) => r.ok)).toHaveLength(MAX_CALLS_IN_FLIGHT);
    } finally {
      socket.close();
      await slow.close();
    }
  });

  it('closes the socket on a message that is not a bridge request', async () => {
    const socket = await connect();
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send('{"channel": "app:info"');
    expect(await closed).toBe(1008);
  });

  it('pushes station events to connected pages', async () => {
    const socket = await connect();
    try {
      const received = new Promise<unknown>((resolve) => socket.once('message', (data) => resolve(JSON.parse(data.toString()))));
      const state = { online: false, supabaseReachable: false, checkedAt: '2026-11-21T10:00:00.000Z' };
      station.events.emit('network:state-changed', state);
      expect(await received).toEqual({ kind: 'event', event: 'network:state-changed', payload: state });
    } finally {
      socket.close();
    }
  });
});
