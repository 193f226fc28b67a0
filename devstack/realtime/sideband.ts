import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Logger } from './log';
import { ApiError } from './openaiErrors';
import type { RealtimeSimulator } from './simulator';

const HEARTBEAT_MS = 30_000;

/**
 * The sideband: `wss://.../v1/realtime?call_id=rtc_...` with the standard key. Authenticated in the
 * HTTP upgrade (a refused upgrade gets OpenAI's error body and status); the socket then receives
 * the call's server events and may send client events such as `session.update`.
 */
export function attachSideband(server: Server, sim: RealtimeSimulator, log: Logger): { close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 512 * 1024 });
  const alive = new WeakSet<WebSocket>();

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname !== '/v1/realtime') throw new ApiError(404, 'invalid_request_error', null, `Invalid URL (GET ${url.pathname.slice(0, 200)})`);
      sim.keys.requireStandardKey(req.headers);
      const callId = url.searchParams.get('call_id');
      if (!callId) throw ApiError.badRequest('missing_required_parameter', "Missing required parameter: 'call_id'.", 'call_id');
      const call = sim.activeCall(callId);
      wss.handleUpgrade(req, socket, head, (ws) => {
        alive.add(ws);
        const detach = call.attachSideband({
          send: (text) => ws.send(text),
          close: (code, reason) => ws.close(code, reason),
        });
        log('sideband.attached', { call: call.id });
        ws.on('pong', () => alive.add(ws));
        ws.on('message', (data, isBinary) => {
          if (isBinary) return;
          call.handleClientEvent(data.toString());
        });
        ws.on('close', () => detach());
      });
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError(500, 'server_error', null, 'Upgrade failed.');
      const body = JSON.stringify(apiError.body);
      socket.end(
        `HTTP/1.1 ${apiError.status} Error\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
    }
  });

  // A socket that does not answer a ping within one interval is gone: terminate it.
  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  return {
    close() {
      clearInterval(heartbeat);
      for (const ws of wss.clients) ws.close(1001, 'simulator shutting down');
      wss.close();
    },
  };
}
