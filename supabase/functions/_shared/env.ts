import { z } from 'zod';
import { IceServerSchema } from './contracts/common.ts';
import { HttpError } from './http.ts';

/**
 * Configuration from the environment. On hosted Supabase, `SUPABASE_URL` and `SUPABASE_DB_URL`
 * (and `SUPABASE_JWKS` on projects with signing keys) are provided; the rest are secrets set with
 * `supabase secrets set` (names without the reserved `SUPABASE_` prefix).
 */
export interface FunctionEnv {
  /** Direct Postgres connection; queries switch to the caller's role per transaction. */
  readonly dbUrl: string;
  readonly supabaseUrl: string | undefined;
  /**
   * The `iss` of user tokens: the project's Auth URL (`<SUPABASE_URL>/auth/v1`), or
   * `AUTH_JWT_ISSUER` for a project whose Auth is served from another address (custom domain).
   */
  readonly authIssuer: string;
  /** Legacy HS256 project JWT secret; when absent, user tokens are checked against the JWKS. */
  readonly authJwtSecret: string | undefined;
  /** `SUPABASE_JWKS` as provided to functions on projects with asymmetric signing keys. */
  readonly jwks: string | undefined;
  /** HS256 secret shared with the token service, for session JWTs. */
  readonly sessionJwtSecret: string;
  /** Base URL of the token service given to stations. */
  readonly tokenServiceUrl: string;
  readonly iceServers: z.infer<typeof IceServerSchema>[];
  /**
   * interview-start per window (INTERVIEW_START_WINDOW_SECONDS, default 60): per proctor
   * (INTERVIEW_START_PER_USER) and per tenant (INTERVIEW_START_PER_TENANT).
   */
  readonly startLimits: { readonly perUser: number; readonly perTenant: number; readonly windowSeconds: number };
}

/** Defaults: far above a real proctor's pace (an interview takes minutes), far below a flood. */
const START_LIMIT_DEFAULTS = { perUser: 30, perTenant: 300 };

function get(name: string): string | undefined {
  const value = Deno.env.get(name);
  return value === undefined || value === '' ? undefined : value;
}

function misconfigured(what: string): HttpError {
  // The message names the variable, never its value.
  return HttpError.of('CONFIGURATION_INVALID', `function misconfigured: ${what}`);
}

let cached: FunctionEnv | undefined;

/** Reads and checks the environment once; a missing or bad setting is a 500 naming it. */
export function functionEnv(): FunctionEnv {
  if (cached) return cached;
  const dbUrl = get('SUPABASE_DB_URL');
  const sessionJwtSecret = get('SESSION_JWT_SECRET');
  const tokenServiceUrl = get('TOKEN_SERVICE_URL');
  if (!dbUrl) throw misconfigured('SUPABASE_DB_URL is not set');
  if (!sessionJwtSecret || sessionJwtSecret.length < 32) throw misconfigured('SESSION_JWT_SECRET must be at least 32 characters');
  if (!tokenServiceUrl || !z.url().safeParse(tokenServiceUrl).success) throw misconfigured('TOKEN_SERVICE_URL must be a URL');
  const supabaseUrl = get('SUPABASE_URL');
  const authIssuer = get('AUTH_JWT_ISSUER') ?? (supabaseUrl ? `${supabaseUrl.replace(/\/+$/, '')}/auth/v1` : undefined);
  if (!authIssuer) throw misconfigured('SUPABASE_URL (or AUTH_JWT_ISSUER) is not set: user tokens cannot be checked');
  let iceServers: z.infer<typeof IceServerSchema>[] = [];
  const rawIce = get('ICE_SERVERS');
  if (rawIce) {
    let parsedJson: unknown;
    try {
      parsedJson = JSON.parse(rawIce);
    } catch {
      throw misconfigured('ICE_SERVERS is not JSON');
    }
    const parsed = z.array(IceServerSchema).max(8).safeParse(parsedJson);
    if (!parsed.success) throw misconfigured('ICE_SERVERS is not a list of ICE servers');
    iceServers = parsed.data;
  }
  const limit = (name: string, fallback: number): number => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1 || value > 1_000_000) throw misconfigured(`${name} must be a whole number from 1 to 1000000`);
    return value;
  };
  const startLimits = {
    perUser: limit('INTERVIEW_START_PER_USER', START_LIMIT_DEFAULTS.perUser),
    perTenant: limit('INTERVIEW_START_PER_TENANT', START_LIMIT_DEFAULTS.perTenant),
    windowSeconds: limit('INTERVIEW_START_WINDOW_SECONDS', 60),
  };
  cached = {
    dbUrl,
    supabaseUrl,
    authIssuer,
    authJwtSecret: get('AUTH_JWT_SECRET'),
    jwks: get('SUPABASE_JWKS'),
    sessionJwtSecret,
    tokenServiceUrl,
    iceServers,
    startLimits,
  };
  return cached;
}
