import { type FinalTranscript, REALTIME_EVENT, finalTranscriptOf, parseRealtimeEvent } from '@interview-station/contracts';
import WebSocket from 'ws';
import type { Logger } from '../logger';
import type { ServiceMetrics } from '../metrics';
import type { RealtimeUpstream } from '../upstream/openai';

/** A final utterance heard on the sideband, with when its speech began. */
export interface SidebandTranscript extends FinalTranscript {
  readonly speechStartedAt: string;
}

export interface SidebandOptions {
  readonly sessionId: string;
  readonly callId: string;
  readonly upstream: RealtimeUpstream;
  readonly log: Logger;
  readonly metrics: ServiceMetrics;
  readonly onTranscript: (entry: SidebandTranscript) => void;
  /** The provider's cap was reached (`error` with code `session_expired`). */
  readonly onSessionExpired: () => void;
  /** The provider ended the call (closed the sideband normally, or the call is gone). */
  readonly onCallEnded: () => void;
  readonly maxRetries?: number;
}

const MAX_PAYLOAD = 1024 * 1024;
const ITEMS_REMEMBERED = 2000;

/**
 * The server-side view of one call: a WebSocket to `/v1/realtime?call_id=` with the standard key.
 * It turns final transcript events into keyed entries. A lost connection is retried with backoff;
 * losing it never ends the call (the station's data channel is the other path).
 */
export class Sideband {
  private ws: WebSocket | null = null;
  private closed = false;
  private retries = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  /** When each item was first heard of: speech start for ordering, not arrival of the final text. */
  private readonly firstSeen = new Map<string, number>();

  constructor(private readonly options: SidebandOptions) {}

  start(): void {
    if (this.closed) return;
    const { url, headers } = this.options.upstream.sideband(this.options.callId);
    const ws = new WebSocket(url, { headers, maxPayload: MAX_PAYLOAD, handshakeTimeout: 10_000 });
    this.ws = ws;
    ws.on('open', () => {
      this.retries = 0;
      this.options.log.info({ callId: this.options.callId }, 'sideband attached');
    });
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.onMessage(data.toString());
    });
    ws.on('unexpected-response', (_req, res) => {
      res.resume();
      // 404: the call is over; nothing to attach to any more.
      if (res.statusCode === 404) return this.finish('gone');
      this.options.metrics.upstreamErrors.inc({ operation: 'sideband', code: 'UPSTREAM_UNAVAILABLE' });
      ws.terminate();
    });
    ws.on('error', () => undefined);
    ws.on('close', (code) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.closed) return;
      // A normal close from the provider means the call ended; anything else is a lost connection.
      if (code === 1000) return this.finish('ended');
      this.retry();
    });
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.ws?.close(1000, 'session ended');
    this.ws = null;
  }

  private finish(why: 'gone' | 'ended'): void {
    if (this.closed) return;
    this.options.log.info({ callId: this.options.callId, why }, 'sideband: call over');
    this.close();
    this.options.onCallEnded();
  }

  private retry(): void {
    if (this.retries >= (this.options.maxRetries ?? 8)) {
      this.options.log.warn({ callId: this.options.callId }, 'sideband lost for good; the station path still carries transcripts');
      return;
    }
    const delay = Math.min(10_000, 200 * 2 ** this.retries) * (0.5 + Math.random() / 2);
    this.retries += 1;
    this.options.log.warn({ callId: this.options.callId, attempt: this.retries }, 'sideband lost; reattaching');
    this.retryTimer = setTimeout(() => this.start(), delay);
    this.retryTimer.unref();
  }

  private onMessage(text: string): void {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return;
    }
    this.remember(raw);
    const parsed = parseRealtimeEvent(raw);
    if (parsed.kind !== 'event') return;
    const event = parsed.event;
    if (event.type === REALTIME_EVENT.error && event.error.code === 'session_expired') {
      this.options.onSessionExpired();
      return;
    }
    const final = finalTranscriptOf(event, this.options.sessionId);
    if (!final) return;
    const started = this.firstSeen.get(final.itemId) ?? Date.now();
    this.options.onTranscript({ ...final, speechStartedAt: new Date(started).toISOString() });
  }

  private remember(raw: unknown): void {
    if (typeof raw !== 'object' || raw === null) return;
    const event = raw as { item_id?: unknown; item?: { id?: unknown } };
    const id = typeof event.item_id === 'string' ? event.item_id : typeof event.item?.id === 'string' ? event.item.id : null;
    if (id === null || this.firstSeen.has(id)) return;
    if (this.firstSeen.size >= ITEMS_REMEMBERED) this.firstSeen.delete(this.firstSeen.keys().next().value as string);
    this.firstSeen.set(id, Date.now());
  }
}
