import {
  CONNECTION_ATTEMPTS_PER_MINUTE,
  InterviewEndResponseSchema,
  InterviewStartResponseSchema,
  InterviewStatusResponseSchema,
  RealtimeSessionEndResponseSchema,
  RealtimeSessionResponseSchema,
  edgeFunctionUrl,
  StationFailure,
  type ConnectionMode,
  type EdgeFunctionName,
  type EndReason,
  type InterviewStartResponse,
  type InterviewStateEvent,
  type IpcOutput,
  type IpcParsedInput,
  type TranscriptEntry,
} from '@interview-station/contracts';
import type { Logger } from '../../log';
import { postJson } from '../http/postJson';
import type { ActiveInterviewRecord, ActiveInterviews } from './activeInterviews';
import type { LocalInterviews } from './localInterviews';
import type { Timers } from '../network/timers';
import { InterviewTimeLimits } from './interviewTimeLimits';
import { SdpProxyLine } from './sdpProxyLine';
import { companyOf, fetchStationContext, templateOptions } from './stationContext';

export interface InterviewServiceDeps {
  readonly supabaseUrl: string;
  readonly anonKey: string;
  /** The enrolled station (managed configuration); interviews start on it. */
  readonly stationId: string | undefined;
  readonly getAccessToken: () => Promise<string | null>;
  /** Sideband transcripts from the token service, to be journaled like the renderer's. */
  readonly onSidebandTranscript: (entry: TranscriptEntry) => void;
  /** Told whenever an interview starts or ends, e.g. to keep the display awake meanwhile. */
  readonly onActiveChange?: (active: boolean) => void;
  /**
   * Told of every session this station starts, before the renderer learns its id (the station
   * records it as its own: see StationSessions).
   */
  readonly onStarted?: (sessionId: string) => Promise<void>;
  /** The managed configuration's connection mode, asked of `interview-start` (the session row decides). */
  readonly connectionMode?: ConnectionMode;
  /** The managed configuration's `maxInterviewMinutes`: main ends a live interview itself past it. */
  readonly maxInterviewMinutes?: number;
  /** What main and the token service learn during an interview (`interview:state-changed`). */
  readonly onStateChanged?: (event: InterviewStateEvent) => void;
  /**
   * The interviews in progress, kept in the secret store with their session JWTs so a restart can
   * continue them (`restore`, `interview:active`). Without it, only a reload of the page can.
   */
  readonly active?: ActiveInterviews;
  /** This station's register of its interviews, with the durable queue of ends not yet delivered. */
  readonly register?: LocalInterviews;
  readonly timers?: Timers;
  readonly now?: () => number;
  readonly log: Logger;
}

/** Interviews this station may start per minute (each creates a session row and a journal). */
export const STARTS_PER_MINUTE = 5;

/** What main keeps per interview; none of it reaches the renderer. */
interface LiveSession {
  readonly start: InterviewStartResponse;
  /** Local clock at start: the interview may not outlast `maxDurationSeconds` from here. */
  readonly startedAtMs: number;
  /** When each connection attempt (key or SDP exchange) of the last minute was made. */
  readonly attempts: number[];
  /** A key was handed out or an SDP answer came back: only then can the renderer report it live. */
  connected: boolean;
  /** `connecting` was recorded (once is enough: the row only moves forward). */
  connectingReported?: boolean;
  /** Hybrid: the sockets to the token service's SDP proxy (one opened during the device check). */
  proxy?: SdpProxyLine;
  /** The token service said the session is over: a closing proxy socket is then no lost sideband. */
  endedRemotely?: boolean;
  /** What check-in gave and when it first went live: what a restored room needs. */
  readonly checkIn: Pick<ActiveInterviewRecord, 'candidateRef' | 'templateId' | 'consent'>;
  liveSinceMs: number | null;
  /** Read back from the secret store after a restart (not started in this run). */
  readonly restored: boolean;
}

/**
 * The interview's start, realtime connection and end, run by main with the user's token and the
 * session JWT (both held here only): `interview-start`, the token service's mint (direct) or SDP
 * proxy (hybrid), `interview-end` and the token service's end.
 */
export class InterviewService {
  private readonly sessions = new Map<string, LiveSession>();
  private readonly starts: number[] = [];
  private readonly now: () => number;
  private readonly limits: InterviewTimeLimits;
  /** The token service the latest interview was given (the device check probes it). */
  private lastTokenServiceUrl: string | undefined;
  private readonly liveListeners = new Set<(sessionId: string) => void>();
  /** Interviews ended here whose end `interview-end` has not recorded yet (Supabase unreachable). */
  private readonly unconfirmedEnds = new Map<string, EndReason>();
  private confirming = false;
  /** Start-up's restore while it runs: `interview:active` answers after it. */
  private restoring: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: InterviewServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.limits = new InterviewTimeLimits({
      timers: deps.timers,
      warn: (sessionId, remainingSeconds) => this.emit({ kind: 'time-warning', sessionId, remainingSeconds }),
      expire: (sessionId) => this.expire(sessionId),
    });
  }

  /** The templates the signed-in user may start (`station-context`, which applies their tenant's RLS). */
  async templates(): Promise<IpcOutput<'interview:templates'>> {
    const context = await fetchStationContext(this.deps.supabaseUrl, this.deps.anonKey, await this.userToken());
    return { templates: templateOptions(context) };
  }

  /** An interview of this run went live (its first connection, or a reconnect). */
  onLive(listener: (sessionId: string) => void): () => void {
    this.liveListeners.add(listener);
    return () => this.liveListeners.delete(listener);
  }

  /** Sessions started in this run and not ended yet. */
  activeSessionIds(): string[] {
    return [...this.sessions.keys()];
  }

  tokenServiceUrl(): string | undefined {
    return this.lastTokenServiceUrl;
  }

  async start(input: IpcParsedInput<'interview:start'>): Promise<IpcOutput<'interview:start'>> {
    const stationId = this.deps.stationId;
    if (!stationId) throw StationFailure.of('CONFIGURATION_INVALID', 'This station is not enrolled: the policy needs stationId.');
    this.pruneExpired();
    takeAttempt(this.starts, STARTS_PER_MINUTE, this.now(), 'interviews started on this station');
    const userToken = await this.userToken();
    const companyId = input.companyId ?? companyOf(await fetchStationContext(this.deps.supabaseUrl, this.deps.anonKey, userToken), input.templateId);
    const start = await postJson(
      this.functionUrl('interview-start'),
      {
        companyId,
        templateId: input.templateId,
        stationId,
        candidateRef: input.candidateRef,
        architecture: this.deps.connectionMode ?? 'hybrid',
        consent: input.consent,
      },
      this.userHeaders(userToken),
      InterviewStartResponseSchema,
      'UPSTREAM_UNAVAILABLE',
    );
    // The session row exists now: a journal that cannot be created yet (a full disk) must not
    // strand it; this run still knows it, and appends open the journal again.
    await this.deps.onStarted?.(start.sessionId).catch((error: unknown) =>
      this.deps.log.warn('could not record the interview on disk', { sessionId: start.sessionId, error }),
    );
    const checkIn = { candidateRef: input.candidateRef, templateId: input.templateId, consent: input.consent };
    const startedAtMs = this.now();
    const live: LiveSession = { start, startedAtMs, attempts: [], connected: false, checkIn, liveSinceMs: null, restored: false };
    this.sessions.set(start.sessionId, live);
    // Hybrid: the SDP proxy socket opens and readies while the candidate does the device check, so
    // Start → answer is one round trip (issue 12). Not awaited: nothing here waits for it.
    if (start.webrtcConfig.architecture === 'hybrid' && start.webrtcConfig.websocketUrl) {
      this.proxyLine(live).openEarly();
      // As a direct interview's key minted now does: recorded here, not on the way to the answer.
      void this.reportConnecting(live);
    }
    // Kept (with its session JWT) in the secret store, so a crash or restart can continue it.
    // Without the template's instructions (main never uses them; the token service reads them from
    // the session row): OS vaults bound a secret's size (Windows' Credential Manager to 2.5 KB).
    const kept = { ...start, webrtcConfig: { ...start.webrtcConfig, instructions: '' } };
    await this.deps.active?.put({ start: kept, startedAtMs, liveSinceMs: null, ...checkIn }).catch((error: unknown) =>
      this.deps.log.warn('could not keep the interview for a restart; it cannot be restored after one', { sessionId: start.sessionId, error }),
    );
    await this.deps.register
      ?.started(start.sessionId, input.candidateRef, start.metadata.createdAt)
      .catch((error: unknown) => this.deps.log.warn('could not add the interview to the station register', { sessionId: start.sessionId, error }));
    this.lastTokenServiceUrl = start.webrtcConfig.tokenServiceUrl;
    this.deps.onActiveChange?.(true);
    this.deps.log.info('interview started', { sessionId: start.sessionId, architecture: start.webrtcConfig.architecture });
    const { architecture, model, voice, maxDurationSeconds, iceServers } = start.webrtcConfig;
    return { sessionId: start.sessionId, architecture, model, voice, maxDurationSeconds, startedAt: start.metadata.createdAt, iceServers };
  }

  /**
   * Direct mode: the ephemeral key, the only credential the renderer ever holds. Only for a session
   * this station started in this run whose row says `direct` (hybrid sessions keep every credential
   * in main and the token service), one per connection attempt, and never past the interview's
   * maximum duration.
   */
  async realtimeToken(input: IpcParsedInput<'realtime:token'>): Promise<IpcOutput<'realtime:token'>> {
    const live = this.sessions.get(input.sessionId);
    if (!live) throw StationFailure.of('NOT_AUTHORIZED', 'No realtime key: this station did not start that interview in this run.', 'sessionId');
    if (live.start.webrtcConfig.architecture !== 'direct') {
      throw StationFailure.of('NOT_AUTHORIZED', 'No realtime key for a hybrid interview: its offer goes through the station (realtime:sdp-offer).', 'sessionId');
    }
    this.connectionAttempt(live, 'realtime keys');
    const { start } = live;
    void this.reportConnecting(live);
    const minted = await postJson(
      `${start.webrtcConfig.tokenServiceUrl.replace(/\/$/, '')}/api/realtime/sessions`,
      { sessionId: input.sessionId },
      { authorization: `Bearer ${start.sessionToken}` },
      RealtimeSessionResponseSchema,
      'TOKEN_MINT_FAILED',
    );
    live.connected = true;
    return { clientSecret: minted.clientSecret, expiresAt: minted.expiresAt, model: minted.model, callsUrl: minted.callsUrl, iceServers: minted.iceServers };
  }

  /** Hybrid mode: the offer goes through the token service, which keeps a sideband on the call. */
  async sdpOffer(input: IpcParsedInput<'realtime:sdp-offer'>): Promise<IpcOutput<'realtime:sdp-offer'>> {
    try {
      return await this.sdpOfferNow(input);
    } catch (error) {
      this.deps.log.warn('SDP exchange through the token service failed', { sessionId: input.sessionId, error: error instanceof StationFailure ? error.error : error });
      throw error;
    }
  }

  private async sdpOfferNow(input: IpcParsedInput<'realtime:sdp-offer'>): Promise<IpcOutput<'realtime:sdp-offer'>> {
    const live = this.session(input.sessionId);
    if (live.start.webrtcConfig.architecture !== 'hybrid') {
      throw StationFailure.of('NOT_AUTHORIZED', 'A direct interview connects with its realtime key (realtime:token), not through the SDP proxy.', 'sessionId');
    }
    this.connectionAttempt(live, 'SDP exchanges');
    void this.reportConnecting(live);
    const answer = await this.proxyLine(live).offer(input.sdp);
    live.connected = true;
    this.emit({ kind: 'sideband', sessionId: input.sessionId, connected: true });
    return answer;
  }

  /** The hybrid session's line to the SDP proxy, made on first use (at start, for the device check). */
  private proxyLine(live: LiveSession): SdpProxyLine {
    if (live.proxy) return live.proxy;
    const url = live.start.webrtcConfig.websocketUrl;
    if (!url) throw StationFailure.of('CONFIGURATION_INVALID', 'interview-start gave no SDP proxy URL for hybrid mode.');
    const { sessionId } = live.start;
    live.proxy = new SdpProxyLine({
      url,
      sessionToken: live.start.sessionToken,
      sessionId,
      events: {
        onTranscript: (entry) => this.deps.onSidebandTranscript(entry),
        onSessionEnded: (reason) => {
          this.deps.log.info('token service ended the session', { sessionId, reason });
          live.endedRemotely = true;
          this.emit({ kind: 'session-ended', sessionId, reason });
        },
        // The socket in use carries the sideband's transcripts to this station: lost when it drops
        // without the station or the token service having ended the interview.
        onClosed: () => {
          if (!live.endedRemotely && this.sessions.get(sessionId) === live) this.emit({ kind: 'sideband', sessionId, connected: false });
        },
      },
      log: this.deps.log.child('sdp-proxy'),
      ...(this.deps.timers ? { timers: this.deps.timers } : {}),
    });
    return live.proxy;
  }

  /** The renderer's data channel opened: the session's history records the interview as live. */
  async live(input: IpcParsedInput<'interview:live'>): Promise<IpcOutput<'interview:live'>> {
    // The renderer's word alone does not make an interview live: a connection must have been set up.
    const live = this.session(input.sessionId);
    if (!live.connected) {
      throw StationFailure.of('CONFLICT', 'The interview has no connection yet: it cannot be live.', 'sessionId');
    }
    // Main's clock starts with the first live connection; a reconnect keeps it, and so does a
    // restart (the time already spent counts).
    if (live.liveSinceMs === null) {
      live.liveSinceMs = this.now();
      void this.deps.active?.markLive(input.sessionId, live.liveSinceMs).catch((error: unknown) => this.deps.log.warn('could not record when the interview went live', { error }));
    }
    const spentSeconds = Math.max(0, Math.floor((this.now() - live.liveSinceMs) / 1000));
    this.limits.arm(input.sessionId, Math.max(1, this.limitSeconds(live) - spentSeconds));
    for (const listener of [...this.liveListeners]) listener(input.sessionId);
    return this.reportStatus(input.sessionId, 'live');
  }

  async end(input: IpcParsedInput<'interview:end'>): Promise<IpcOutput<'interview:end'>> {
    const live = this.sessions.get(input.sessionId);
    this.limits.disarm(input.sessionId);
    // Queued durably first: if Supabase cannot be told now (or the station dies before it is),
    // the end is delivered when it can be, after a restart too.
    if (!this.unconfirmedEnds.has(input.sessionId)) {
      this.unconfirmedEnds.set(input.sessionId, input.reason);
      await this.deps.register?.endQueued(input.sessionId, input.reason).catch((error: unknown) => this.deps.log.warn('could not queue the interview end on disk', { error }));
    }
    // Over here: nothing to continue after a restart; its session JWT is no longer kept.
    await this.deps.active?.remove(input.sessionId).catch((error: unknown) => this.deps.log.warn('could not forget the ended interview in the secret store', { error }));
    if (live) {
      // Hang up first, with the session JWT main holds: the call must stop even when Supabase
      // cannot be reached or the user's sign-in has lapsed.
      live.proxy?.close();
      this.sessions.delete(input.sessionId);
      this.deps.onActiveChange?.(this.sessions.size > 0);
      await postJson(
        `${live.start.webrtcConfig.tokenServiceUrl.replace(/\/$/, '')}/api/realtime/sessions/${input.sessionId}/end`,
        {},
        { authorization: `Bearer ${live.start.sessionToken}` },
        RealtimeSessionEndResponseSchema,
        'UPSTREAM_UNAVAILABLE',
      ).catch((error: unknown) => this.deps.log.warn('token service did not confirm the end', { sessionId: input.sessionId, error }));
    }
    try {
      const ended = await postJson(
        this.functionUrl('interview-end'),
        { sessionId: input.sessionId, reason: input.reason },
        this.userHeaders(await this.userToken()),
        InterviewEndResponseSchema,
        'UPSTREAM_UNAVAILABLE',
      );
      await this.endDelivered(input.sessionId);
      return ended;
    } catch (error) {
      // Supabase could not be told (offline, a gateway down, signed out): told again when it is
      // back. A refusal for good (already ended, not this user's) leaves the queue.
      const keep = error instanceof StationFailure && (error.error.retryable || error.error.code === 'AUTHENTICATION_FAILED');
      if (!keep) await this.endDelivered(input.sessionId);
      throw error;
    }
  }

  private async endDelivered(sessionId: string): Promise<void> {
    this.unconfirmedEnds.delete(sessionId);
    await this.deps.register?.delivered(sessionId).catch((error: unknown) => this.deps.log.warn('could not take the end off the queue on disk', { error }));
  }

  /**
   * At start-up: the interviews a crash or restart interrupted come back from the secret store as
   * this station's (main holds their session JWTs again), and the ends queued on disk are queued
   * again. An interview past its session JWT or its maximum length cannot continue: it is ended.
   * Returns the restored session ids.
   */
  restore(): Promise<string[]> {
    const restoring = this.restoreNow();
    this.restoring = restoring.catch(() => undefined);
    return restoring;
  }

  private async restoreNow(): Promise<string[]> {
    for (const { sessionId, reason } of this.deps.register?.pendingEnds() ?? []) this.unconfirmedEnds.set(sessionId, reason);
    const restored: string[] = [];
    for (const record of (await this.deps.active?.load()) ?? []) {
      const { start } = record;
      const now = this.now();
      const limitMs = Math.min(start.webrtcConfig.maxDurationSeconds * 1000, (this.deps.maxInterviewMinutes ?? Infinity) * 60_000);
      const spentMs = record.liveSinceMs === null ? 0 : now - record.liveSinceMs;
      if (Date.parse(start.metadata.expiresAt) <= now || spentMs >= limitMs || now - record.startedAtMs >= start.webrtcConfig.maxDurationSeconds * 1000 * 2) {
        this.deps.log.info('an interrupted interview is past its time; ending it', { sessionId: start.sessionId });
        await this.deps.active?.remove(start.sessionId).catch(() => undefined);
        this.unconfirmedEnds.set(start.sessionId, 'connection_lost');
        await this.deps.register?.endQueued(start.sessionId, 'connection_lost').catch(() => undefined);
        continue;
      }
      if (this.unconfirmedEnds.has(start.sessionId)) {
        await this.deps.active?.remove(start.sessionId).catch(() => undefined);
        continue;
      }
      const { candidateRef, templateId, consent } = record;
      this.sessions.set(start.sessionId, {
        start,
        startedAtMs: record.startedAtMs,
        attempts: [],
        connected: false,
        checkIn: { candidateRef, templateId, consent },
        liveSinceMs: record.liveSinceMs,
        restored: true,
      });
      this.lastTokenServiceUrl = start.webrtcConfig.tokenServiceUrl;
      await this.deps.onStarted?.(start.sessionId).catch((error: unknown) => this.deps.log.warn('could not open the restored interview journal', { error }));
      restored.push(start.sessionId);
      this.deps.log.info('interview restored after a restart', { sessionId: start.sessionId });
    }
    if (restored.length > 0) this.deps.onActiveChange?.(true);
    return restored;
  }

  /** The interview this station started and has not ended (the newest, if several), for `interview:active`. */
  async activeInterview(): Promise<IpcOutput<'interview:active'>> {
    await this.restoring;
    this.pruneExpired();
    const newest = [...this.sessions.values()].sort((a, b) => b.startedAtMs - a.startedAtMs)[0];
    if (!newest) return { interview: null };
    const { start } = newest;
    const { architecture, model, voice, maxDurationSeconds, iceServers } = start.webrtcConfig;
    return {
      interview: {
        sessionId: start.sessionId,
        architecture,
        model,
        voice,
        maxDurationSeconds,
        startedAt: start.metadata.createdAt,
        iceServers,
        ...newest.checkIn,
        liveSince: newest.liveSinceMs === null ? null : new Date(newest.liveSinceMs).toISOString(),
        restoredFrom: newest.restored ? 'restart' : 'run',
      },
    };
  }

  /** Session ids whose end is queued (not yet recorded by Supabase). */
  pendingEndIds(): string[] {
    return [...this.unconfirmedEnds.keys()];
  }

  /**
   * Records the ends Supabase could not be told of when they happened (the interview is over on
   * this station and hung up; the row still says live). Called when Supabase is reachable again.
   */
  async confirmEnds(): Promise<void> {
    if (this.confirming) return;
    this.confirming = true;
    try {
      for (const [sessionId, reason] of [...this.unconfirmedEnds]) {
        await this.end({ sessionId, reason }).then(
          () => this.deps.log.info('recorded an interview end that could not be sent before', { sessionId }),
          () => undefined,
        );
      }
    } finally {
      this.confirming = false;
    }
  }

  dispose(): void {
    this.limits.dispose();
    for (const live of this.sessions.values()) live.proxy?.close();
    this.sessions.clear();
    this.deps.onActiveChange?.(false);
  }

  /** The stricter of the template's maximum and the station's `maxInterviewMinutes`. */
  private limitSeconds(live: LiveSession): number {
    const template = live.start.webrtcConfig.maxDurationSeconds;
    return this.deps.maxInterviewMinutes === undefined ? template : Math.min(template, this.deps.maxInterviewMinutes * 60);
  }

  /** The limit is reached: the renderer is told, and main ends the interview itself (hang-up and row). */
  private expire(sessionId: string): void {
    this.deps.log.info('interview reached its time limit; ending it', { sessionId });
    this.emit({ kind: 'session-ended', sessionId, reason: 'max_duration' });
    void this.end({ sessionId, reason: 'max_duration' }).catch((error: unknown) =>
      this.deps.log.warn('could not record the end of an interview past its limit', { sessionId, error }),
    );
  }

  private emit(event: InterviewStateEvent): void {
    try {
      this.deps.onStateChanged?.(event);
    } catch (error) {
      this.deps.log.warn('interview state event not delivered', { kind: event.kind, error });
    }
  }

  private async reportStatus(sessionId: string, status: 'connecting' | 'live'): Promise<IpcOutput<'interview:live'>> {
    return postJson(
      this.functionUrl('interview-status'),
      { sessionId, status },
      this.userHeaders(await this.userToken()),
      InterviewStatusResponseSchema,
      'UPSTREAM_UNAVAILABLE',
    );
  }

  /**
   * Best effort: a connection attempt must not wait on, or fail because of, the bookkeeping. Once
   * per session (a reconnect would change nothing: the row only moves forward), and again only if
   * it failed; `live` records the steps it skipped in any case.
   */
  private async reportConnecting(live: LiveSession): Promise<void> {
    if (live.connectingReported) return;
    live.connectingReported = true;
    const { sessionId } = live.start;
    await this.reportStatus(sessionId, 'connecting').catch((error: unknown) => {
      live.connectingReported = false;
      this.deps.log.warn('could not record the interview as connecting', { sessionId, error });
    });
  }

  /** Bounds connection attempts per session, and refuses them once the interview's time is up. */
  private connectionAttempt(live: LiveSession, what: string): void {
    const now = this.now();
    if (now - live.startedAtMs > live.start.webrtcConfig.maxDurationSeconds * 1000) {
      throw StationFailure.of('SESSION_EXPIRED', 'The interview reached its maximum length; no new connection is made.', 'sessionId');
    }
    takeAttempt(live.attempts, CONNECTION_ATTEMPTS_PER_MINUTE, now, `${what} for this interview`);
  }

  /** Sessions whose session JWT has expired can do nothing more; main stops holding them. */
  private pruneExpired(): void {
    const now = this.now();
    for (const [sessionId, live] of this.sessions) {
      if (Date.parse(live.start.metadata.expiresAt) > now) continue;
      live.proxy?.close();
      this.limits.disarm(sessionId);
      this.sessions.delete(sessionId);
      // Its session JWT can do nothing more: not kept for a restart either.
      void this.deps.active?.remove(sessionId).catch(() => undefined);
    }
  }

  private session(sessionId: string): LiveSession {
    const live = this.sessions.get(sessionId);
    if (!live) throw StationFailure.of('SESSION_NOT_FOUND', 'No interview with that id was started on this station.', 'sessionId');
    return live;
  }

  private async userToken(): Promise<string> {
    const token = await this.deps.getAccessToken();
    if (!token) throw StationFailure.of('AUTHENTICATION_FAILED', 'Sign in to start or end an interview.');
    return token;
  }

  private userHeaders(token: string): Record<string, string> {
    return { authorization: `Bearer ${token}`, apikey: this.deps.anonKey };
  }

  private functionUrl(name: EdgeFunctionName): string {
    return edgeFunctionUrl(this.deps.supabaseUrl, name);
  }
}

/** A sliding one-minute window: records an attempt at `now`, or refuses with RATE_LIMITED past `max`. */
function takeAttempt(times: number[], max: number, now: number, what: string): void {
  while (times.length > 0 && now - times[0]! >= 60_000) times.shift();
  if (times.length >= max) throw StationFailure.of('RATE_LIMITED', `At most ${max} ${what} per minute; try again shortly.`);
  times.push(now);
}
