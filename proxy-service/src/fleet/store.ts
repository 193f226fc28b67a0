import { StationFailure } from '@interview-station/contracts';
import postgres from 'postgres';

/** Who owns a session after a claim: this machine (maybe by taking it over) or another one. */
export interface Claim {
  readonly owner: string;
  /** The realtime call the session uses, as its owner recorded it (a new owner re-attaches). */
  readonly callId: string | null;
  /** This claim moved the session from a machine whose lease had lapsed (dead or drained). */
  readonly takenOver: boolean;
}

/** A session the sweep took over: what resuming its sideband needs (no token is stored). */
export interface TakenOver {
  readonly sessionId: string;
  readonly tenantId: string;
  readonly subject: string;
  readonly tokenExpiresAt: number;
  readonly callId: string | null;
}

export interface ClaimRequest {
  readonly sessionId: string;
  readonly tenantId: string;
  readonly subject: string;
  /** The session JWT's `exp`, seconds. */
  readonly tokenExpiresAt: number;
}

/**
 * The fleet's shared state (supabase/migrations/…_token_service_fleet.sql): session owners with
 * leases, and token buckets. Every operation is one call of a security-definer function the
 * `token_service` role may execute; the role can touch nothing else.
 */
export interface FleetStore {
  /** Null: the session does not exist in the tenant, or has ended. */
  claim(request: ClaimRequest, machine: string, leaseSeconds: number): Promise<Claim | null>;
  /** Renews this machine's leases; the sessions it still owns. */
  heartbeat(machine: string, leaseSeconds: number): Promise<Set<string>>;
  recordCall(machine: string, sessionId: string, callId: string): Promise<void>;
  /** One session (ended): forgotten. All (`null`, a drain): their leases lapse now. */
  release(machine: string, sessionId: string | null): Promise<number>;
  sweep(machine: string, leaseSeconds: number, limit: number): Promise<TakenOver[]>;
  /** One token from a shared bucket: 0 when granted, else the seconds to wait. */
  take(key: string, perMinute: number, burst: number): Promise<number>;
  close(): Promise<void>;
}

/** The store in Supabase's Postgres, through the `token_service` role (DATABASE_URL). */
export class PostgresFleetStore implements FleetStore {
  private readonly sql: postgres.Sql;

  constructor(databaseUrl: string) {
    this.sql = postgres(databaseUrl, { max: 6, prepare: false, idle_timeout: 30, connect_timeout: 5, onnotice: () => undefined });
  }

  async claim(request: ClaimRequest, machine: string, leaseSeconds: number): Promise<Claim | null> {
    const rows = await this.run(
      () => this.sql<{ owner: string; call_id: string | null; taken_over: boolean }[]>`
        select * from app.token_service_claim(${request.sessionId}, ${request.tenantId}, ${request.subject},
          ${new Date(request.tokenExpiresAt * 1000)}, ${machine}, ${leaseSeconds})`,
    );
    const row = rows[0];
    return row ? { owner: row.owner, callId: row.call_id, takenOver: row.taken_over } : null;
  }

  async heartbeat(machine: string, leaseSeconds: number): Promise<Set<string>> {
    const rows = await this.run(() => this.sql<{ s: string }[]>`select s from app.token_service_heartbeat(${machine}, ${leaseSeconds}) as s`);
    return new Set(rows.map((row) => row.s));
  }

  async recordCall(machine: string, sessionId: string, callId: string): Promise<void> {
    await this.run(() => this.sql`select app.token_service_set_call(${machine}, ${sessionId}, ${callId})`);
  }

  async release(machine: string, sessionId: string | null): Promise<number> {
    const rows = await this.run(() => this.sql<{ n: number }[]>`select app.token_service_release(${machine}, ${sessionId}) as n`);
    return rows[0]?.n ?? 0;
  }

  async sweep(machine: string, leaseSeconds: number, limit: number): Promise<TakenOver[]> {
    const rows = await this.run(
      () => this.sql<{ session_id: string; tenant_id: string; subject: string; token_expires_at: Date; call_id: string | null }[]>`
        select * from app.token_service_sweep(${machine}, ${leaseSeconds}, ${limit})`,
    );
    return rows.map((row) => ({
      sessionId: row.session_id,
      tenantId: row.tenant_id,
      subject: row.subject,
      tokenExpiresAt: Math.floor(row.token_expires_at.getTime() / 1000),
      callId: row.call_id,
    }));
  }

  async take(key: string, perMinute: number, burst: number): Promise<number> {
    const rows = await this.run(() => this.sql<{ wait: number }[]>`select app.token_service_take(${key}, ${perMinute}, ${burst}) as wait`);
    return rows[0]?.wait ?? 0;
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 2 });
  }

  /** A store that cannot be reached is a retryable refusal, never a silent pass. */
  private async run<T>(query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch {
      throw StationFailure.of('UPSTREAM_UNAVAILABLE', 'the fleet store could not be reached');
    }
  }
}
