import { type SessionJwtClaims, SessionJwtClaimsSchema, StationFailure } from '@interview-station/contracts';
import { SignJWT } from 'jose';
import type { Logger } from '../logger';
import type { SessionRegistry } from '../sessions';
import type { SessionSettingsSource } from '../sessionSettings';
import type { FleetStore, TakenOver } from './store';

export interface FleetOptions {
  readonly store: FleetStore;
  /** This machine's Fly id (`FLY_MACHINE_ID`): what `fly-replay: instance=` names. */
  readonly machineId: string;
  readonly leaseSeconds: number;
  readonly heartbeatMs: number;
  readonly sweepMs: number;
  readonly registry: SessionRegistry;
  readonly settings: SessionSettingsSource;
  /** Signs the transcript-only token a swept session's sideband forwards with (SESSION_JWT_SECRET). */
  readonly jwtSecret: string;
  readonly log: Logger;
}

/** Where a verified request of a session is served: here (maybe re-attaching its call), or by its owner. */
export type FleetRoute =
  | { readonly kind: 'local'; readonly callId: string | null }
  | { readonly kind: 'replay'; readonly owner: string }
  /** The session does not exist in the tenant, or has ended: nobody owns it. */
  | { readonly kind: 'closed' };

/**
 * One owner per session across the fleet. Whichever machine a request reaches claims the session
 * in the shared store: it becomes the owner when nobody holds a live lease, else the request is
 * replayed to the owner (`fly-replay: instance=<owner>`). Leases are renewed by a heartbeat;
 * a machine that dies stops renewing, and its sessions are taken over by the next machine that
 * gets a request for them or by a sweep, which re-attaches their sideband to the running call.
 * A drain hands every lease back at once, so the station's reconnect lands on a new owner.
 */
export class Fleet {
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;
  /** When this machine last claimed each session it owns (a heartbeat must not drop a newer claim). */
  private readonly claimedAt = new Map<string, number>();

  constructor(private readonly options: FleetOptions) {}

  start(): void {
    const every = (ms: number, work: () => Promise<void>) => {
      let running = false;
      const timer = setInterval(() => {
        if (running || this.stopped) return;
        running = true;
        work()
          .catch((error: unknown) => this.options.log.warn({ err: (error as Error).message }, 'fleet upkeep failed'))
          .finally(() => (running = false));
      }, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.options.heartbeatMs, () => this.beat());
    every(this.options.sweepMs, () => this.sweep());
  }

  /**
   * Claims the session for this machine or names its owner. A request Fly already replayed here
   * that finds another owner (the session moved meanwhile) is refused as retryable rather than
   * replayed again: Fly's proxy replays a request once.
   */
  async route(claims: SessionJwtClaims, replayed: boolean): Promise<FleetRoute> {
    const { machineId, leaseSeconds, store } = this.options;
    const claim = await store.claim(
      { sessionId: claims.session_id, tenantId: claims.tenant_id, subject: claims.sub, tokenExpiresAt: claims.exp },
      machineId,
      leaseSeconds,
    );
    if (!claim) return { kind: 'closed' };
    if (claim.owner === machineId) {
      this.claimedAt.set(claims.session_id, Date.now());
      if (claim.takenOver) this.options.log.info({ sessionId: claims.session_id }, 'session taken over');
      return { kind: 'local', callId: claim.callId };
    }
    if (replayed) throw StationFailure.of('UPSTREAM_UNAVAILABLE', 'the session is moving between machines; retry');
    return { kind: 'replay', owner: claim.owner };
  }

  /** The session's call, recorded by its last owner, gets this machine's sideband (unless it has one). */
  async resume(claims: SessionJwtClaims, token: string, callId: string | null): Promise<void> {
    if (!callId) return;
    const session = this.options.registry.open(claims, token);
    if (session.callId !== null) return;
    this.options.registry.adoptCall(session, callId, await this.options.settings.settingsFor(claims));
    this.options.log.info({ sessionId: claims.session_id, callId }, 'sideband resumed on the new owner');
  }

  recordCall(sessionId: string, callId: string): void {
    this.options.store.recordCall(this.options.machineId, sessionId, callId).catch((error: unknown) => {
      this.options.log.warn({ sessionId, err: (error as Error).message }, 'could not record the call');
    });
  }

  /** The session ended here: nobody owns it any more. */
  async ended(sessionId: string): Promise<void> {
    this.claimedAt.delete(sessionId);
    await this.options.store.release(this.options.machineId, sessionId).catch(() => undefined);
  }

  /** SIGTERM: stop the upkeep and hand every lease back (kept with its call, for the next owner). */
  async drain(): Promise<void> {
    this.stop();
    const released = await this.options.store.release(this.options.machineId, null).catch(() => 0);
    this.options.log.info({ released }, 'fleet leases handed back');
  }

  async close(): Promise<void> {
    this.stop();
    await this.options.store.close();
  }

  /** Renews this machine's leases; sessions another machine took over (a lapse) are let go here. */
  private async beat(): Promise<void> {
    const asked = Date.now();
    const owned = await this.options.store.heartbeat(this.options.machineId, this.options.leaseSeconds);
    if (this.stopped) return;
    for (const [sessionId, at] of this.claimedAt) if (!owned.has(sessionId) && at < asked) this.claimedAt.delete(sessionId);
    for (const sessionId of this.options.registry.ids()) {
      // Claimed while the heartbeat was on its way: the answer could not include it yet.
      if (owned.has(sessionId) || this.claimedAt.has(sessionId)) continue;
      this.options.log.warn({ sessionId }, 'session lost to another machine; letting it go');
      this.options.registry.evict(sessionId);
    }
  }

  /** Takes over sessions whose owner stopped renewing, and listens to their calls again. */
  private async sweep(): Promise<void> {
    const taken = await this.options.store.sweep(this.options.machineId, this.options.leaseSeconds, 100);
    for (const session of taken) {
      if (this.stopped) return;
      this.claimedAt.set(session.sessionId, Date.now());
      try {
        const { claims, token } = await this.transcriptToken(session);
        await this.resume(claims, token, session.callId);
        this.options.log.info({ sessionId: session.sessionId }, 'session taken over by the sweep');
      } catch (error) {
        this.options.log.warn({ sessionId: session.sessionId, err: (error as Error).message }, 'could not resume a swept session');
      }
    }
  }

  /**
   * A token for this session alone that may only write transcripts, naming the same user and
   * expiring when the station's did: what the sideband forwards with until the station reconnects
   * (its own token replaces it then).
   */
  private async transcriptToken(session: TakenOver): Promise<{ claims: SessionJwtClaims; token: string }> {
    const claims = SessionJwtClaimsSchema.parse({
      sub: session.subject,
      tenant_id: session.tenantId,
      session_id: session.sessionId,
      permissions: ['transcript:write'],
      iat: Math.floor(Date.now() / 1000),
      exp: session.tokenExpiresAt,
    });
    const token = await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(this.options.jwtSecret));
    return { claims, token };
  }

  private stop(): void {
    this.stopped = true;
    for (const timer of this.timers.splice(0)) clearInterval(timer);
  }
}
