import type { Logger } from '../../log';
import { realTimers, type Timers } from '../network/timers';
import { SdpProxyClient, type SdpProxyEvents } from './sdpProxyClient';

/**
 * How long a socket opened ahead of Start may wait unused: a device check takes a minute or two;
 * past this the socket is closed and Start opens a new one, as it would without it.
 */
export const EARLY_SOCKET_MAX_IDLE_MS = 10 * 60_000;

export interface SdpProxyLineDeps {
  /** The token service's `/ws`, from `interview-start`. */
  readonly url: string;
  readonly sessionToken: string;
  readonly sessionId: string;
  /** What the socket in use reports; `onClosed` only for that socket, never for one waiting unused. */
  readonly events: SdpProxyEvents;
  readonly log: Logger;
  readonly timers?: Timers;
  readonly maxIdleMs?: number;
}

/**
 * One hybrid interview's sockets to the token service's SDP proxy. `openEarly()` opens and readies
 * one while the candidate does the device check (connect, upgrade with the session JWT, `session` →
 * `session_ready`), so Start costs one round trip: offer → answer. Nothing is cached that must be
 * fresh: the early socket is used once, only while open (one that died is replaced, also when it
 * dies under the offer), closed after `maxIdleMs` unused, and closed by `close()` (cancel, end).
 * Every later offer (a reconnect, a rollover) opens a new socket, as before.
 */
export class SdpProxyLine {
  /** The socket that carried the last answer: it carries the sideband's transcripts. */
  private current: SdpProxyClient | null = null;
  /** The socket opened ahead of the first offer, while it opens or waits (null once used or gone). */
  private early: Promise<SdpProxyClient | null> | null = null;
  private idleTimer: unknown = null;
  private closed = false;
  private readonly timers: Timers;

  constructor(private readonly deps: SdpProxyLineDeps) {
    this.timers = deps.timers ?? realTimers;
  }

  /** Opens and readies a socket for the first offer; a failure here is left for the offer to meet. */
  openEarly(): void {
    if (this.closed || this.early || this.current) return;
    const opening = this.open().then(
      (client) => {
        if (this.closed) {
          client.close();
          return null;
        }
        // Still waiting for Start (not taken by an offer while it opened): its wait is bounded.
        if (this.early === opening) this.idleTimer = this.timers.setTimeout(() => this.dropEarly('unused for too long'), this.deps.maxIdleMs ?? EARLY_SOCKET_MAX_IDLE_MS);
        return client;
      },
      (error: unknown) => {
        this.deps.log.info('could not open the SDP proxy socket ahead of Start; Start will', { sessionId: this.deps.sessionId, error });
        return null;
      },
    );
    this.early = opening;
  }

  /** Sends the offer on the early socket if it is still open, else on a new one; resolves with the answer. */
  async offer(sdp: string): Promise<{ sdp: string; callId: string }> {
    const early = await this.takeEarly();
    if (early?.isOpen) {
      try {
        return await this.use(early).offer(sdp);
      } catch (error) {
        // Died under the offer (a token service restart, say): nothing was answered; a new socket is.
        if (early.isOpen || this.closed) throw error;
        this.deps.log.info('the SDP proxy socket opened ahead of Start closed under the offer; opening another', { sessionId: this.deps.sessionId });
      }
    } else if (early) {
      early.close();
    }
    return this.use(await this.open()).offer(sdp);
  }

  /** Closes every socket (the interview was cancelled or ended); later offers are refused by the caller. */
  close(): void {
    this.closed = true;
    this.dropEarly('the interview is over');
    this.current?.close();
    this.current = null;
  }

  private async takeEarly(): Promise<SdpProxyClient | null> {
    const early = this.early;
    this.early = null;
    this.clearIdleTimer();
    return early ? await early : null;
  }

  private dropEarly(why: string): void {
    const early = this.early;
    if (!early) return;
    this.early = null;
    this.clearIdleTimer();
    this.deps.log.info('closing the SDP proxy socket opened ahead of Start', { sessionId: this.deps.sessionId, why });
    void early.then((client) => client?.close());
  }

  private clearIdleTimer(): void {
    if (this.idleTimer !== null) this.timers.clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  /** Makes `client` the socket in use; the one it replaces is closed (its call is being replaced). */
  private use(client: SdpProxyClient): SdpProxyClient {
    if (this.current !== client) this.current?.close();
    this.current = client;
    return client;
  }

  private open(): Promise<SdpProxyClient> {
    const { url, sessionToken, sessionId, events, log } = this.deps;
    return SdpProxyClient.connect(
      url,
      sessionToken,
      sessionId,
      {
        ...events,
        // Only the socket in use carries the sideband; one waiting unused is simply not used.
        onClosed: (client) => {
          if (client === this.current) events.onClosed?.(client);
        },
      },
      log,
    );
  }
}
