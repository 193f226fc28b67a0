import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { createAuthHandler, type AuthHandler } from './auth/server';
import { startFunctionsRuntime } from './functionsRuntime';
import { readVerifyJwt } from './functionsConfig';
import { startGateway } from './gateway';
import { makeApiKeys } from './keys';
import { applySupabaseBase, runMigrations, runSeed } from './migrate';
import { startPostgres } from './postgres';
import { SEED_USERS, type SeedUser } from './seedUsers';
import { startStaleSessionCloser } from './staleSessions';

/** The local Supabase: real Postgres, the auth stand-in, and the real functions under Deno. */
export interface SupabaseStack {
  readonly supabaseUrl: string;
  readonly anonKey: string;
  readonly serviceRoleKey: string;
  /** Superuser connection string (local only). */
  readonly dbUrl: string;
  /** Signs user tokens and API keys (HS256), as a project's legacy JWT secret does. */
  readonly jwtSecret: string;
  /** Shared with the token service: signs the session JWTs minted by `interview-start`. */
  readonly sessionJwtSecret: string;
  /** The Deno runtime itself, behind the gateway: only tests use it, to prove a function's own checks. */
  readonly functionsUrl: string;
  /** The functions' environment (secrets included): tests start a second instance with it. */
  readonly functionsEnv: Record<string, string>;
  readonly users: readonly SeedUser[];
  stop(): Promise<void>;
}

export interface SupabaseStackOptions {
  /** Persistent Postgres data folder; a temp folder (removed on stop) when absent. */
  readonly dataDir?: string;
  /** Run supabase/seed.sql (default true). */
  readonly seed?: boolean;
  /** Given to stations by `interview-start` until the token service joins the stack. */
  readonly tokenServiceUrl?: string;
  readonly accessTokenSeconds?: number;
  /** Extra function settings (e.g. INTERVIEW_START_PER_USER), over the stack's own. */
  readonly functionEnv?: Record<string, string>;
  /** Receives log lines of Postgres, the auth stand-in and the functions. */
  readonly onLog?: (source: 'postgres' | 'functions', line: string) => void;
}

/** Starts everything in order and, if any step fails, stops what already started. */
export async function startSupabaseStack(options: SupabaseStackOptions = {}): Promise<SupabaseStack> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    stops.length = 0;
  };
  const log = options.onLog ?? (() => undefined);
  try {
    const pg = await startPostgres({
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      onLog: (line) => log('postgres', line),
    });
    stops.push(() => pg.stop());
    const sql = postgres(pg.dbUrl, { max: 5, onnotice: () => undefined });
    stops.push(() => sql.end({ timeout: 1 }));
    await applySupabaseBase(sql);
    await runMigrations(sql);
    if (options.seed !== false) await runSeed(sql);
    // What pg_cron does on hosted Supabase: sessions never ended are closed after max + grace.
    const staleSessions = startStaleSessionCloser(sql, {
      onClosed: (count) => log('postgres', `closed ${count} session(s) past their maximum duration plus grace (app.close_stale_sessions)`),
      onError: (error) => log('postgres', `app.close_stale_sessions failed: ${error instanceof Error ? error.message : String(error)}`),
    });
    stops.push(() => staleSessions.stop());

    const keys = await makeApiKeys();
    const sessionJwtSecret = randomBytes(32).toString('base64url');
    // The gateway's URL is the auth issuer, so the gateway starts first and forwards to auth.
    const authRef: { handler?: AuthHandler } = {};
    const gateway = await startGateway({
      auth: (req, res, path) => (authRef.handler ? authRef.handler(req, res, path) : Promise.resolve(void res.writeHead(503).end())),
      apiKeys: [keys.anonKey, keys.serviceRoleKey],
      jwtSecret: keys.jwtSecret,
      verifyJwt: readVerifyJwt(),
    });
    authRef.handler = createAuthHandler({
      sql,
      jwtSecret: keys.jwtSecret,
      issuer: `${gateway.url}/auth/v1`,
      ...(options.accessTokenSeconds ? { accessTokenSeconds: options.accessTokenSeconds } : {}),
    });
    stops.push(() => gateway.close());

    const functionsEnv: Record<string, string> = {
      SUPABASE_URL: gateway.url,
      SUPABASE_DB_URL: pg.dbUrl,
      SUPABASE_ANON_KEY: keys.anonKey,
      SUPABASE_SERVICE_ROLE_KEY: keys.serviceRoleKey,
      AUTH_JWT_SECRET: keys.jwtSecret,
      SESSION_JWT_SECRET: sessionJwtSecret,
      TOKEN_SERVICE_URL: options.tokenServiceUrl ?? 'http://127.0.0.1:8790',
      ...options.functionEnv,
    };
    const functions = await startFunctionsRuntime({
      env: functionsEnv,
      onLog: (line) => log('functions', line),
    });
    stops.push(() => functions.stop());
    gateway.setFunctionsUrl(functions.url);

    return {
      supabaseUrl: gateway.url,
      anonKey: keys.anonKey,
      serviceRoleKey: keys.serviceRoleKey,
      dbUrl: pg.dbUrl,
      jwtSecret: keys.jwtSecret,
      sessionJwtSecret,
      functionsUrl: functions.url,
      functionsEnv,
      users: options.seed === false ? [] : SEED_USERS,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
