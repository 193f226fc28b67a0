import WebSocket from 'ws';
import {
  SDP_PROXY_MAX_PAYLOAD,
  SdpProxyMessageSchema,
  StationFailure,
  type SdpClientMessage,
  type SdpProxyMessage,
  type SessionEndReason,
  type TranscriptEntry,
} from '@interview-station/contracts';
import type { Logger } from '../../log';

type ProxyMessageOf<T extends SdpProxyMessage['type']> = Extract<SdpProxyMessage, { type: T }>;

export interface SdpProxyEvents {
  /** A final transcript the token service captured on the sideband. */
  onTranscript(entry: TranscriptEntry): void;
  onSessionEnded(reason: SessionEndReason): void;
  /** The socket closed without the station closing it (after the connection was set up). */
  onClosed?(client: SdpProxyClient): void;
}

/**
 * The hybrid mode's side of the token service's SDP proxy (`/ws`), opened by main with the session
 * JWT in the Authorization header (never in the URL). Every message is checked against the
 * contract; the socket stays open after the answer to carry sideband transcripts.
 */
export class SdpProxyClient {
  private readonly waiting = new Map<string, { resolve: (m: SdpProxyMessage) => void; reject: (e: unknown) => void }>();
  private closedByStation = false;

  private constructor(
    private readonly socket: WebSocket,
    private readonly sessionId: string,
    private readonly events: SdpProxyEvents,
    private readonly log: Logger,
  ) {
    socket.on('message', (data) => this.receive(data.toString()));
    // An error after the handshake (a reset, say) must never go unhandled in main; 'close' follows.
    socket.on('error', (error) => this.log.warn('SDP proxy connection error', { sessionId, error }));
    socket.on('close', () => {
      this.failAll(StationFailure.of('SDP_EXCHANGE_FAILED', 'The token service closed the connection.'));
      if (!this.closedByStation) this.events.onClosed?.(this);
    });
  }

  static async connect(url: string, sessionToken: string, sessionId: string, events: SdpProxyEvents, log: Logger): Promise<SdpProxyClient> {
    const socket = new WebSocket(url, { headers: { authorization: `Bearer ${sessionToken}` }, maxPayload: SDP_PROXY_MAX_PAYLOAD, handshakeTimeout: 10_000 });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', (_req, res) => reject(StationFailure.of(res.statusCode === 401 ? 'AUTHENTICATION_FAILED' : 'SDP_EXCHANGE_FAILED', `The token service refused the connection (${res.statusCode}).`)));
      socket.once('error', () => reject(StationFailure.of('SDP_EXCHANGE_FAILED', 'Cannot reach the token service.')));
    });
    const client = new SdpProxyClient(socket, sessionId, events, log);
    await client.request({ type: 'session', sessionId, data: {} }, 'session_ready');
    return client;
  }

  /** Sends the offer and resolves with the answer the token service got from OpenAI. */
  async offer(sdp: string): Promise<{ sdp: string; callId: string }> {
    const answer = await this.request({ type: 'offer', sessionId: this.sessionId, data: { sdp } }, 'answer');
    return answer.data;
  }

  /** The socket is open (not closing or closed): an offer sent now can be answered. */
  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  close(): void {
    this.closedByStation = true;
    this.socket.close(1000, 'station done');
  }

  private request<T extends SdpProxyMessage['type']>(message: SdpClientMessage, expect: T, timeoutMs = 20_000): Promise<ProxyMessageOf<T>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(expect);
        reject(StationFailure.of('SDP_EXCHANGE_FAILED', `No ${expect} from the token service in ${timeoutMs / 1000} s.`));
      }, timeoutMs);
      this.waiting.set(expect, {
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as ProxyMessageOf<T>);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.socket.send(JSON.stringify(message));
    });
  }

  private receive(text: string): void {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      raw = undefined;
    }
    const parsed = SdpProxyMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.log.warn('token service sent a message outside the contract');
      return;
    }
    const message = parsed.data;
    if (message.type === 'transcript') {
      if (message.data.sessionId !== this.sessionId) return this.log.warn('token service sent a transcript of another session');
      return this.events.onTranscript(message.data);
    }
    if (message.type === 'session_ended') return this.events.onSessionEnded(message.data.reason);
    if (message.type === 'error') return this.failAll(new StationFailure(message.data));
    const waiter = this.waiting.get(message.type);
    this.waiting.delete(message.type);
    waiter?.resolve(message);
  }

  private failAll(error: unknown): void {
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}
