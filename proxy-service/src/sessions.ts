import {
  type SdpProxyMessage,
  type SessionEndReasonSchema,
  type SessionJwtClaims,
  StationFailure,
  type TranscriptEntry,
} from '@interview-station/contracts';
import type { z } from 'zod';
import type { Logger } from './logger';
import type { ServiceMetrics } from './metrics';
import type { SessionSettings } from './sessionSettings';
import { Sideband, type SidebandTranscript } from './transcripts/sideband';
import type { TranscriptForwarder } from './transcripts/forwarder';
import type { RealtimeUpstream } from './upstream/openai';

export type EndReason = z.infer<typeof SessionEndReasonSchema>;

/** One client socket of a session, narrowed to what the session needs. */
export interface SessionClient {
  send(message: SdpProxyMessage): void;
  close(code: number, reason: string): void;
}

/** Everything one session holds in this process; nothing here is shared between sessions. */
export class LiveSession {
  readonly clients = new Set<SessionClient>();
  /** The newest JWT seen for the session, used to forward its transcripts. */
  token: string;
  tokenExp: number;
  callId: string | null = null;
  sideband: Sideband | null = null;
  startedAtMs: number | null = null;
  maxTimer: NodeJS.Timeout | null = null;
  offerInFlight = false;

  constructor(
    readonly claims: SessionJwtClaims,
    token: string,
  ) {
    this.token = token;
    this.tokenExp = claims.exp;
  }

  get sessionId(): string {
    return this.claims.session_id;
  }

  broadcast(message: SdpProxyMessage): void {
    for (const client of this.clients) client.send(message);
  }
}

export interface RegistryDeps {
  readonly upstream: RealtimeUpstream;
  readonly forwarder: TranscriptForwarder | null;
  readonly log: Logger;
  readonly metrics: ServiceMetrics;
  /** A session adopted a realtime call (the fleet records it, so a new owner can re-attach). */
  readonly onCall?: (sessionId: string, callId: string) => void;
  /** A session ended here (the fleet forgets its owner). */
  readonly onEnded?: (sessionId: string) => void;
}

const ENDED_REMEMBERED = 10_000;

/**
 * The sessions this process serves, keyed by the verified `session_id`: per-session state in one
 * process (the `shared` isolation). Ending is idempotent and remembered, so an ended session gets
 * no new key, call or socket.
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, LiveSession>();
  private readonly ended = new Set<string>();

  constructor(private readonly deps: RegistryDeps) {}

  isEnded(sessionId: string): boolean {
    return this.ended.has(sessionId);
  }

  assertOpen(sessionId: string): void {
    if (this.ended.has(sessionId)) throw StationFailure.of('SESSION_ENDED', 'the session has ended');
  }

  get(sessionId: string): LiveSession | undefined {
    return this.sessions.get(sessionId);
  }

  get size(): number {
    return this.sessions.size;
  }

  open(claims: SessionJwtClaims, token: string): LiveSession {
    this.assertOpen(claims.session_id);
    let session = this.sessions.get(claims.session_id);
    if (!session) {
      session = new LiveSession(claims, token);
      this.sessions.set(claims.session_id, session);
      this.deps.metrics.activeSessions.set(this.sessions.size);
    }
    // A later token (same session, re-minted) replaces an older one for forwarding.
    if (claims.exp >= session.tokenExp) {
      session.token = token;
      session.tokenExp = claims.exp;
    }
    return session;
  }

  /** Frees a session that holds neither a socket nor a call. */
  release(session: LiveSession): void {
    if (session.clients.size > 0 || session.callId !== null) return;
    this.forget(session);
  }

  /** Adopts a new call: hangs up the one it replaces, attaches the sideband, arms the duration cap. */
  adoptCall(session: LiveSession, callId: string, settings: SessionSettings): void {
    const previous = session.callId;
    if (previous) {
      session.sideband?.close();
      void this.deps.upstream.hangup(previous).catch(() => undefined);
    }
    session.callId = callId;
    const log = this.deps.log.child({ sessionId: session.sessionId, tenantId: session.claims.tenant_id });
    session.sideband = new Sideband({
      sessionId: session.sessionId,
      callId,
      upstream: this.deps.upstream,
      log,
      metrics: this.deps.metrics,
      onTranscript: (entry) => this.onTranscript(session, entry),
      onSessionExpired: () => void this.end(session.sessionId, 'max_duration'),
      onCallEnded: () => this.onCallEnded(session, callId),
    });
    session.sideband.start();
    this.deps.onCall?.(session.sessionId, callId);
    if (session.startedAtMs === null) {
      session.startedAtMs = Date.now();
      session.maxTimer = setTimeout(() => void this.end(session.sessionId, 'max_duration'), settings.maxDurationSeconds * 1000);
      session.maxTimer.unref();
    }
  }

  /**
   * Ends a session: hangs up its call, closes the sideband and its sockets (after `session_ended`),
   * flushes its transcripts and forgets it. Returns whether it had already ended.
   */
  async end(sessionId: string, reason: EndReason): Promise<{ alreadyEnded: boolean }> {
    if (this.ended.has(sessionId)) return { alreadyEnded: true };
    this.remember(sessionId);
    this.deps.onEnded?.(sessionId);
    const session = this.sessions.get(sessionId);
    if (!session) return { alreadyEnded: false };
    const log = this.deps.log.child({ sessionId, tenantId: session.claims.tenant_id });
    if (session.maxTimer) clearTimeout(session.maxTimer);
    session.sideband?.close();
    const callId = session.callId;
    session.callId = null;
    if (callId) {
      await this.deps.upstream.hangup(callId).catch((error: unknown) => {
        log.warn({ code: (error as StationFailure).error?.code }, 'hangup failed');
      });
    }
    session.broadcast(endedMessage(sessionId, reason));
    for (const client of session.clients) client.close(1000, 'session ended');
    session.clients.clear();
    this.forget(session);
    log.info({ reason }, 'session ended');
    return { alreadyEnded: false };
  }

  /**
   * SIGTERM: close every socket with 1001 and hang up nothing. The calls are peer-to-peer and go on;
   * no `session_ended` is sent, because the session has not ended: the client reconnects elsewhere.
   */
  closeAllSockets(): void {
    for (const session of this.sessions.values()) {
      for (const client of session.clients) client.close(1001, 'server shutting down');
      session.clients.clear();
    }
  }

  /** The sessions served here now. */
  ids(): string[] {
    return [...this.sessions.keys()];
  }

  /**
   * Another machine owns the session now (this one's lease lapsed): stop listening and close its
   * sockets with 1012 so its station reconnects (and is routed to the owner); hang nothing up.
   */
  evict(sessionId: string): void {
    const session = this.sessions.get(sessionId);
    if (!session) return;
    if (session.maxTimer) clearTimeout(session.maxTimer);
    session.sideband?.close();
    session.sideband = null;
    session.callId = null;
    for (const client of session.clients) client.close(1012, 'session moved to another machine');
    session.clients.clear();
    this.forget(session);
  }

  /** Stops sidebands and timers without hanging up (process exit). */
  dispose(): void {
    for (const session of this.sessions.values()) {
      if (session.maxTimer) clearTimeout(session.maxTimer);
      session.sideband?.close();
    }
    this.sessions.clear();
    this.deps.metrics.activeSessions.set(0);
  }

  private onTranscript(session: LiveSession, heard: SidebandTranscript): void {
    const entry: TranscriptEntry = {
      sessionId: heard.sessionId,
      itemId: heard.itemId,
      contentIndex: heard.contentIndex,
      speaker: heard.speaker,
      content: heard.content,
      speechStartedAt: heard.speechStartedAt,
      source: 'sideband',
      receivedAt: new Date().toISOString(),
    };
    session.broadcast({ type: 'transcript', data: entry, timestamp: entry.receivedAt });
    // Ids and sizes only: the text itself never goes to a log.
    this.deps.log.debug({ sessionId: session.sessionId, itemId: entry.itemId, speaker: entry.speaker, chars: entry.content.length }, 'transcript captured');
    this.deps.forwarder?.submit(session.sessionId, session.token, entry);
  }

  /** The provider ended the call (peer gone): the session stays open for a new offer. */
  private onCallEnded(session: LiveSession, callId: string): void {
    if (session.callId !== callId) return;
    session.callId = null;
    session.sideband = null;
    this.release(session);
  }

  private forget(session: LiveSession): void {
    if (this.sessions.get(session.sessionId) !== session) return;
    this.sessions.delete(session.sessionId);
    this.deps.forwarder?.forget(session.sessionId);
    this.deps.metrics.activeSessions.set(this.sessions.size);
  }

  private remember(sessionId: string): void {
    if (this.ended.size >= ENDED_REMEMBERED) this.ended.delete(this.ended.values().next().value as string);
    this.ended.add(sessionId);
  }
}

export function endedMessage(sessionId: string, reason: EndReason): SdpProxyMessage {
  return { type: 'session_ended', data: { sessionId, reason }, timestamp: new Date().toISOString() };
}
