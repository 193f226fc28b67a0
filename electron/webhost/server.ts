import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  BRIDGE_MAX_PAYLOAD,
  BRIDGE_PATH,
  BRIDGE_PROTOCOL,
  BRIDGE_TOKEN_PREFIX,
  BridgeRequestSchema,
  fail,
  stationError,
  type BridgeServerMessage,
} from '@interview-station/contracts';
import type { StationEvents } from '../events';
import type { IpcRouter } from '../ipc/router';
import type { Logger } from '../log';
import { contentSecurityPolicy, rendererHeaders } from '../security/csp';
import { readStaticAsset } from '../security/staticAssets';

/**
 * Calls a page may have unanswered at once on one bridge socket. The renderer needs a handful; a
 * page firing thousands would queue work in main without bound. Past it, calls are answered
 * RATE_LIMITED at once, without running.
 */
export const MAX_CALLS_IN_FLIGHT = 128;

/** The script the web host adds to index.html; it gives the page `window.station` over the bridge. */
export const WEB_BRIDGE_SCRIPT = '/web-bridge.js';

export interface WebHostOptions {
  /** The built renderer (out/renderer). */
  readonly rendererDir: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly events: StationEvents;
  /** Origins the page may connect to besides this host (the Realtime API in direct mode). */
  readonly connectSrc?: readonly string[];
  /** Builds the router once the host knows its own origin (the only origin it trusts). */
  readonly createRouter: (origin: string) => IpcRouter;
  readonly log: Logger;
}

export interface WebHost {
  readonly origin: string;
  /** The URL to open, carrying the per-launch token in its fragment (never sent to the server). */
  readonly url: string;
  close(): Promise<void>;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function offeredToken(request: IncomingMessage): string | undefined {
  const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  if (!offered.includes(BRIDGE_PROTOCOL)) return undefined;
  return offered.find((p) => p.startsWith(BRIDGE_TOKEN_PREFIX))?.slice(BRIDGE_TOKEN_PREFIX.length);
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * Serves the built renderer on 127.0.0.1 and bridges `window.station` over a WebSocket. Only a page
 * from this host's own origin that knows the per-launch token can open the bridge.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = randomBytes(24).toString('base64url');
  const log = options.log;
  const http = createServer();
  const bridge = new WebSocketServer({
    noServer: true,
    maxPayload: BRIDGE_MAX_PAYLOAD,
    handleProtocols: (protocols) => (protocols.has(BRIDGE_PROTOCOL) ? BRIDGE_PROTOCOL : false),
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  const router = options.createRouter(origin);
  const csp = contentSecurityPolicy([`ws://127.0.0.1:${port}`, ...(options.connectSrc ?? [])]);
  // DNS rebinding: a page on attacker.example whose name now resolves to 127.0.0.1 reaches this
  // port with its own name in Host. Only the names this host is served under are answered.
  const ownHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const isOwnHost = (request: IncomingMessage): boolean => ownHosts.has((request.headers.host ?? '').toLowerCase());

  http.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (!isOwnHost(request)) {
      log.warn('refused a request for another host name', { host: String(request.headers.host ?? '').slice(0, 100) });
      response.writeHead(421, { 'content-type': 'text/plain', connection: 'close' }).end('Misdirected request');
      return;
    }
    void serveFile(request, response);
  });

  /** The request's path, or null for a target no URL parser accepts (`//[`): a 400, never a crash. */
  function pathOf(request: IncomingMessage): string | null {
    return URL.canParse(request.url ?? '/', origin) ? new URL(request.url ?? '/', origin).pathname : null;
  }

  async function serveFile(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const pathname = pathOf(request);
    if (pathname === null) {
      response.writeHead(400, { 'content-type': 'text/plain' }).end('Bad request target');
      return;
    }
    const asset = await readStaticAsset(options.rendererDir, pathname);
    if (!asset) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    const isIndex = pathname === '/' || pathname === '/index.html';
    const body = isIndex
      ? asset.body.toString('utf8').replace('<head>', `<head>\n    <script type="module" src="${WEB_BRIDGE_SCRIPT}"></script>`)
      : asset.body;
    response.writeHead(200, rendererHeaders(asset.contentType, csp));
    response.end(request.method === 'HEAD' ? undefined : body);
  }

  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!isOwnHost(request)) {
      log.warn('refused a bridge connection for another host name', { host: String(request.headers.host ?? '').slice(0, 100) });
      return refuseUpgrade(socket, 421, 'Misdirected Request');
    }
    const pathname = pathOf(request);
    if (pathname === null) return refuseUpgrade(socket, 400, 'Bad Request');
    if (pathname !== BRIDGE_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    if (request.headers.origin !== origin) {
      log.warn('refused a bridge connection from another origin', { requestOrigin: request.headers.origin });
      return refuseUpgrade(socket, 403, 'Forbidden');
    }
    const given = offeredToken(request);
    if (given === undefined || !sameSecret(given, token)) {
      log.warn('refused a bridge connection without the launch token');
      return refuseUpgrade(socket, 401, 'Unauthorized');
    }
    bridge.handleUpgrade(request, socket, head, (client) => serveClient(client));
  });

  function send(client: WebSocket, message: BridgeServerMessage): void {
    if (client.readyState === client.OPEN) client.send(JSON.stringify(message));
  }

  function serveClient(client: WebSocket): void {
    const sender = { url: `${origin}/`, isMainFrame: true };
    let inFlight = 0;
    client.on('message', (data, isBinary) => {
      let raw: unknown;
      try {
        raw = isBinary ? undefined : JSON.parse(data.toString());
      } catch {
        raw = undefined;
      }
      const request = BridgeRequestSchema.safeParse(raw);
      if (!request.success) {
        client.close(1008, 'malformed bridge message');
        return;
      }
      const { id, channel, input } = request.data;
      if (inFlight >= MAX_CALLS_IN_FLIGHT) {
        send(client, { kind: 'result', id, result: fail(stationError('RATE_LIMITED', `at most ${MAX_CALLS_IN_FLIGHT} calls may wait for an answer at once`)) });
        return;
      }
      inFlight += 1;
      void router.dispatch(channel, input, sender).then((result) => {
        inFlight -= 1;
        send(client, { kind: 'result', id, result });
      });
    });
  }

  const unsubscribe = options.events.subscribe((event, payload) => {
    for (const client of bridge.clients) send(client, { kind: 'event', event, payload });
  });

  return {
    origin,
    url: `${origin}/#token=${token}`,
    close: async () => {
      unsubscribe();
      for (const client of bridge.clients) client.close(1001, 'web host stopping');
      bridge.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
