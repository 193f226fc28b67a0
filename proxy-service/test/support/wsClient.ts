import type { SdpProxyMessage } from '@interview-station/contracts';
import WebSocket from 'ws';

/** How a WebSocket ended. */
export interface Closed {
  readonly code: number;
  readonly reason: string;
}

/**
 * A real `ws` client of the SDP proxy: sends client messages, queues the proxy's messages, and
 * remembers how the socket closed.
 */
export class ProxyClient {
  readonly messages: SdpProxyMessage[] = [];
  readonly closed: Promise<Closed>;
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()) as SdpProxyMessage);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  /** Opens a socket with the token in the header (as the station's main process does) or in `?token=`. */
  static open(url: string, token: string | null, options: { via?: 'header' | 'query'; autoPong?: boolean } = {}): Promise<ProxyClient> {
    const via = options.via ?? 'header';
    const target = token && via === 'query' ? `${url}?token=${encodeURIComponent(token)}` : url;
    const ws = new WebSocket(target, {
      headers: token && via === 'header' ? { authorization: `Bearer ${token}` } : {},
      autoPong: options.autoPong ?? true,
    });
    const client = new ProxyClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The next message of `type` not yet taken. */
  async next<T extends SdpProxyMessage['type']>(type: T, timeoutMs = 15_000): Promise<Extract<SdpProxyMessage, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.messages.findIndex((m) => m.type === type);
      if (index >= 0) return this.messages.splice(index, 1)[0] as Extract<SdpProxyMessage, { type: T }>;
      if (Date.now() > deadline) throw new Error(`no ${type} message; have ${this.messages.map((m) => m.type).join(', ')}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  close(): void {
    this.ws.close();
  }
}

/** Attempts an upgrade that should be refused; returns the HTTP status and StationError body. */
export function refusedUpgrade(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: { code?: string; retryable?: boolean; message?: string } | null; retryAfter?: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.close();
      reject(new Error('upgrade was accepted'));
    });
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        let body = null;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          body = null;
        }
        resolve({ status: res.statusCode ?? 0, body, ...(res.headers['retry-after'] ? { retryAfter: String(res.headers['retry-after']) } : {}) });
      });
    });
    ws.once('error', () => undefined);
  });
}
