import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  type ErrorCode,
  SDP_PROXY_MAX_PAYLOAD,
  type SdpClientMessage,
  SdpClientMessageSchema,
  type SdpProxyMessage,
  type SessionJwtClaims,
  StationFailure,
  parseContract,
} from '@interview-station/contracts';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { type SessionTokenVerifier, assertSession } from '../auth';
import { toStationError } from '../errors';
import { closeFor } from './closeCodes';
import { refuseUpgrade } from '../http/respond';
import type { Logger } from '../logger';
import type { ServiceMetrics } from '../metrics';
import type { LiveSession, SessionClient, SessionRegistry } from '../sessions';
import type { HandlerMap } from './handlers';

export interface ProxyServerOptions {
  readonly verifier: SessionTokenVerifier;
  readonly registry: SessionRegistry;
  readonly handlers: HandlerMap;
  readonly log: Logger;
  readonly metrics: ServiceMetrics;
  readonly heartbeatMs: number;
  /** A socket whose unsent data stays above this for `slowConsumerMs` is dropped. */
  readonly maxBufferedBytes?: number;
  readonly slowConsumerMs?: number;
  readonly maxSocketsPerSession?: number;
  /** Messages a socket may have waiting (while an offer is upstream) before it is closed with 1008. */
  readonly maxQueuedMessages?: number;
  /** Bytes a socket may have waiting before it is closed with 1008. */
  readonly maxQueuedBytes?: number;
}

/**
 * Everything one socket holds, in one object: its session, claims and flow-control state. It is
 * also the session's client. The socket's listeners are shared functions that find it through
 * {@link bySocket}, so an idle socket carries no closures and no logger of its own (bench/: idle
 * sockets, RSS each).
 */
class ProxySocket implements SessionClient {
  alive = true;
  slowSince: number | null = null;
  /** Messages received and not yet handled, and their bytes. */
  queuedMessages = 0;
  queuedBytes = 0;
  /** The message being handled and those waiting behind it; null when idle. */
  queue: Promise<void> | null = null;

  constructor(
    readonly server: SdpProxyServer,
    readonly ws: WebSocket,
    readonly session: LiveSession,
    readonly claims: SessionJwtClaims,
  ) {}

  send(message: SdpProxyMessage): void {
    this.server.sendTo(this, message);
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
  }
}

const bySocket = new WeakMap<WebSocket, ProxySocket>();

function socketOnPong(this: WebSocket): void {
  const client = bySocket.get(this);
  if (client) client.alive = true;
}

function socketOnMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  const client = bySocket.get(this);
  if (client) client.server.receive(client, data, isBinary);
}

function socketOnClose(this: WebSocket, code: number): void {
  const client = bySocket.get(this);
  if (client) client.server.closed(client, code);
}

function ignoreError(): void {}

/**
 * The hybrid mode's SDP proxy on `/ws` (CONVENTIONS.md §9): authenticated in the HTTP upgrade,
 * re-checked on every message, small `maxPayload`, contract-validated messages routed by type,
 * ping/pong with terminate on silence, slow consumers dropped, 1001 on shutdown.
 */
export class SdpProxyServer {
  // The server's own client tracking adds a closure per socket; this class tracks its sockets itself.
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: SDP_PROXY_MAX_PAYLOAD, clientTracking: false });
  private readonly clients = new Set<ProxySocket>();
  private readonly heartbeat: NodeJS.Timeout;
  private accepting = true;

  constructor(private readonly options: ProxyServerOptions) {
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs);
    this.heartbeat.unref();
  }

  get socketCount(): number {
    return this.clients.size;
  }

  /**
   * Adopts an upgrade whose token the caller verified and checked (permission, session, rate);
   * refuses it while draining or when the session already has too many sockets.
   */
  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, claims: SessionJwtClaims, token: string): Promise<void> {
    try {
      if (!this.accepting) throw StationFailure.of('UPSTREAM_UNAVAILABLE', 'the token service is shutting down; reconnect');
      const existing = this.options.registry.get(claims.session_id);
      if (existing && existing.clients.size >= (this.options.maxSocketsPerSession ?? 4)) {
        throw StationFailure.of('RATE_LIMITED', 'too many sockets for this session');
      }
    } catch (error) {
      const refused = refuseUpgrade(socket, error);
      this.options.metrics.refusals.inc({ code: refused.code });
      this.options.log.info({ ...logged(claims), code: refused.code }, 'upgrade refused');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.adopt(ws, claims, token));
  }

  /** Stop accepting and close every socket with 1001; sessions and calls are left to go on. */
  drain(): void {
    this.accepting = false;
    this.options.registry.closeAllSockets();
    for (const client of this.clients) client.ws.close(1001, 'server shutting down');
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const client of this.clients) client.ws.terminate();
    this.wss.close();
  }

  private adopt(ws: WebSocket, claims: SessionJwtClaims, token: string): void {
    let session: LiveSession;
    try {
      session = this.options.registry.open(claims, token);
    } catch (error) {
      // Ended while the upgrade completed.
      this.closeWith(ws, toStationError(error).code);
      return;
    }
    const client = new ProxySocket(this, ws, session, claims);
    session.clients.add(client);
    bySocket.set(ws, client);
    this.clients.add(client);
    this.options.metrics.activeSockets.set(this.clients.size);
    this.options.log.info(logged(claims), 'socket open');
    ws.on('pong', socketOnPong);
    ws.on('message', socketOnMessage);
    ws.on('error', ignoreError);
    ws.on('close', socketOnClose);
  }

  /** A message from a client: queued behind the one being handled (see {@link ProxySocket}). */
  receive(client: ProxySocket, data: RawData, isBinary: boolean): void {
    const { ws } = client;
    if (ws.readyState !== WebSocket.OPEN) return;
    // One message at a time per socket, in order: an offer is answered before the next is read.
    // What waits meanwhile is bounded, by count and by bytes: past either, the socket is closed.
    const bytes = byteLength(data);
    client.queuedMessages += 1;
    client.queuedBytes += bytes;
    if (client.queuedMessages > (this.options.maxQueuedMessages ?? 32) || client.queuedBytes > (this.options.maxQueuedBytes ?? 256 * 1024)) {
      this.options.log.warn({ ...logged(client.claims), queuedMessages: client.queuedMessages, queuedBytes: client.queuedBytes }, 'socket closed: too many messages waiting');
      this.options.metrics.refusals.inc({ code: 'RATE_LIMITED' });
      this.closeWith(ws, 'RATE_LIMITED');
      return;
    }
    const next = (client.queue ?? Promise.resolve()).then(async () => {
      try {
        if (ws.readyState === WebSocket.OPEN) {
          const log = this.options.log.child(logged(client.claims));
          await this.onMessage(ws, client.session, client.claims, data.toString(), isBinary, log);
        }
      } finally {
        client.queuedMessages -= 1;
        client.queuedBytes -= bytes;
        // Idle again: hold no settled promise.
        if (client.queue === next) client.queue = null;
      }
    });
    client.queue = next;
  }

  closed(client: ProxySocket, code: number): void {
    const { session } = client;
    session.clients.delete(client);
    bySocket.delete(client.ws);
    this.clients.delete(client);
    this.options.registry.release(session);
    this.options.metrics.activeSockets.set(this.clients.size);
    this.options.log.info({ ...logged(client.claims), code }, 'socket closed');
  }

  private async onMessage(ws: WebSocket, session: LiveSession, claims: SessionJwtClaims, text: string, isBinary: boolean, log: Logger): Promise<void> {
    let type = 'invalid';
    try {
      // The token is checked again on every message: it may have expired since the upgrade.
      this.options.verifier.assertCurrent(claims);
      if (isBinary) throw StationFailure.of('VALIDATION_FAILED', 'binary messages are not part of the protocol');
      const message = this.parse(text);
      type = message.type;
      this.options.metrics.wsMessages.inc({ type });
      assertSession(claims, message.sessionId);
      this.options.registry.assertOpen(claims.session_id);
      const handler = this.options.handlers.get(message.type);
      if (!handler) throw StationFailure.of('VALIDATION_FAILED', 'unknown message type', 'type');
      await handler({ session, reply: (m) => this.send(ws, m), log }, message);
    } catch (error) {
      const failure = toStationError(error);
      if (failure.code === 'INTERNAL') log.error({ err: (error as Error).message, type }, 'handler failed');
      this.options.metrics.refusals.inc({ code: failure.code });
      this.send(ws, { type: 'error', data: failure, timestamp: new Date().toISOString() });
      if (failure.code === 'AUTHENTICATION_FAILED') this.closeWith(ws, failure.code);
    }
  }

  /** Closes a socket for a refusal with the close code and reason the contracts' table gives it. */
  private closeWith(ws: WebSocket, code: ErrorCode): void {
    const close = closeFor(code);
    ws.close(close.code, close.reason);
  }

  /** JSON, then the type (so an unknown one is named as such), then the full contract. */
  private parse(text: string): SdpClientMessage {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw StationFailure.of('VALIDATION_FAILED', 'message is not JSON');
    }
    const type = (raw as { type?: unknown } | null)?.type;
    if (typeof type !== 'string' || !this.options.handlers.has(type as SdpClientMessage['type'])) {
      throw StationFailure.of('VALIDATION_FAILED', 'unknown message type', 'type');
    }
    const parsed = parseContract(SdpClientMessageSchema, raw, 'message');
    if (!parsed.ok) throw new StationFailure(parsed.error);
    return parsed.value;
  }

  sendTo(client: ProxySocket, message: SdpProxyMessage): void {
    this.send(client.ws, message);
  }

  private send(ws: WebSocket, message: SdpProxyMessage): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    if (this.isSlow(ws)) {
      this.options.log.warn({ bufferedBytes: ws.bufferedAmount }, 'slow consumer dropped');
      ws.terminate();
      return;
    }
    ws.send(JSON.stringify(message));
  }

  /** True once the socket's unsent data has stayed above the limit for `slowConsumerMs`. */
  private isSlow(ws: WebSocket): boolean {
    const state = bySocket.get(ws);
    if (!state) return false;
    if (ws.bufferedAmount <= (this.options.maxBufferedBytes ?? 1024 * 1024)) {
      state.slowSince = null;
      return false;
    }
    state.slowSince ??= Date.now();
    return Date.now() - state.slowSince >= (this.options.slowConsumerMs ?? 5_000);
  }

  private beat(): void {
    for (const client of this.clients) {
      const { ws } = client;
      if (!client.alive || this.isSlow(ws)) {
        ws.terminate();
        continue;
      }
      client.alive = false;
      ws.ping();
    }
  }
}

/** What a socket's log lines carry (no per-socket child logger is kept). */
function logged(claims: SessionJwtClaims): { sessionId: string; tenantId: string } {
  return { sessionId: claims.session_id, tenantId: claims.tenant_id };
}

function byteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, part) => sum + part.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}
