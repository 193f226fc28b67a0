import path from 'node:path';
import postgres from 'postgres';
import { helper } from '../../bench/lib';
import type { CallSnapshot, InterviewScript } from '../../devstack/realtime/index';
import { type TokenServiceFleet, startTokenServiceFleet } from '../../devstack/fly/tokenServiceFleet';
import { SEED, SEED_PASSWORD } from '../../devstack/supabase/seedUsers';
import { type SupabaseStack, startSupabaseStack } from '../../devstack/supabase/supabaseStack';
import { signedIn } from '../../supabase/tests/support/clients';
import type { StationContext } from './station';

/**
 * The whole local stack with the token service as a fleet: real Postgres and the edge functions
 * (devstack/supabase), the Realtime simulator, and N token service machines behind the Fly
 * stand-in's proxy, each connecting to Postgres as the least-privilege `token_service` role.
 */
/** The simulator, running in a child process (simulator.child.ts). */
export interface ChildSimulator {
  readonly url: string;
  readonly apiKey: string;
  /** `GET /__sim/calls`: every active and recently ended call, measurements only. */
  calls(): Promise<CallSnapshot[]>;
}

export interface LocalFleet {
  readonly supabase: SupabaseStack;
  readonly simulator: ChildSimulator;
  /** Superuser (checks only). */
  readonly sql: postgres.Sql;
  readonly env: Record<string, string>;
  /** A station of each seeded tenant, signed in as its proctor. */
  readonly acme: StationContext;
  readonly northwind: StationContext;
  /** Starts N machines of the app with extra environment (the fleet is stopped by `stop`). */
  startFleet(machines: number, extraEnv?: Record<string, string>): Promise<TokenServiceFleet>;
  stop(): Promise<void>;
}

/** interview-start's limits are for people; hundreds of simulated interviews by one proctor need them raised. */
const FUNCTION_ENV = { INTERVIEW_START_PER_USER: '100000', INTERVIEW_START_PER_TENANT: '100000', INTERVIEW_START_WINDOW_SECONDS: '60' };

export async function startLocalFleet(options: { script?: InterviewScript } = {}): Promise<LocalFleet> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of stops.splice(0).reverse()) await step().catch(() => undefined);
  };
  try {
    const supabase = await startSupabaseStack({ functionEnv: FUNCTION_ENV });
    stops.push(() => supabase.stop());
    const child = await helper<{ url: string; apiKey: string }>(path.join(import.meta.dirname, 'simulator.child.ts'), options.script ? { SIM_SCRIPT: JSON.stringify(options.script) } : {});
    stops.push(() => child.stop());
    const simulator: ChildSimulator = {
      ...child.ready,
      async calls() {
        const res = await fetch(`${child.ready.url}/__sim/calls`, { headers: { authorization: `Bearer ${child.ready.apiKey}` } });
        return ((await res.json()) as { calls: CallSnapshot[] }).calls;
      },
    };
    const sql = postgres(supabase.dbUrl, { max: 4, onnotice: () => undefined });
    stops.push(() => sql.end({ timeout: 1 }));
    // What an operator does once on hosted Supabase (proxy-service/README.md): give the role a login.
    const password = `ts-${Math.random().toString(36).slice(2)}`;
    await sql.unsafe(`alter role token_service with login password '${password}'`);
    const roleUrl = new URL(supabase.dbUrl);
    roleUrl.username = 'token_service';
    roleUrl.password = password;
    const env = {
      OPENAI_API_KEY: simulator.apiKey,
      OPENAI_BASE_URL: simulator.url,
      SESSION_JWT_SECRET: supabase.sessionJwtSecret,
      SUPABASE_URL: supabase.supabaseUrl,
      SUPABASE_ANON_KEY: supabase.anonKey,
      DATABASE_URL: roleUrl.toString(),
      LOG_LEVEL: 'warn',
    };
    const context = async (email: string): Promise<StationContext> => {
      const client = await signedIn(supabase.supabaseUrl, supabase.anonKey, email, SEED_PASSWORD);
      const token = (await client.auth.getSession()).data.session?.access_token;
      if (!token) throw new Error(`no session for ${email}`);
      return { supabaseUrl: supabase.supabaseUrl, anonKey: supabase.anonKey, proctorToken: token, appUrl: '' };
    };
    const [acme, northwind] = [await context('proctor@acme.test'), await context('proctor@northwind.test')];
    return {
      supabase,
      simulator,
      sql,
      env,
      acme,
      northwind,
      async startFleet(machines, extraEnv = {}) {
        const fleet = await startTokenServiceFleet({ machines, env: { ...env, ...extraEnv } });
        stops.push(() => fleet.close());
        return fleet;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** interview-start's body for a seeded tenant's station. */
export function startBody(tenant: 'acme' | 'northwind', architecture: 'hybrid' | 'direct'): Record<string, unknown> {
  const seeded = SEED[tenant];
  return {
    companyId: seeded.companyId,
    templateId: seeded.templateId,
    stationId: seeded.stationId,
    candidateRef: `fleet-${tenant}`,
    architecture,
    consent: { noticeVersion: '2026-12-v1', acceptedAt: new Date().toISOString() },
  };
}
