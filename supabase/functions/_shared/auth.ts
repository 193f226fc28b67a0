import { createLocalJWKSet, createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { UuidSchema } from './contracts/common.ts';
import { SessionJwtClaimsSchema, type SessionPermission } from './contracts/jwt.ts';
import type { FunctionEnv } from './env.ts';
import { HttpError } from './http.ts';

/** The verified claims of the signed-in caller, passed to Postgres as `request.jwt.claims`. */
export interface Caller {
  readonly userId: string;
  /** From `app_metadata.tenant_id` only: users can edit `user_metadata`, never `app_metadata`. */
  readonly tenantId: string | undefined;
  readonly claims: JWTPayload;
  /**
   * Set when the caller holds a session JWT (the token service) instead of a user token: the
   * one interview session it may act on, on behalf of the proctor who started it.
   */
  readonly sessionScope?: string;
}

const UserClaims = z.object({
  sub: UuidSchema,
  role: z.literal('authenticated'),
  app_metadata: z.object({ tenant_id: UuidSchema.optional() }).loose().optional(),
});

let keySet: JWTVerifyGetKey | undefined;

/** The audience Supabase Auth gives the tokens of signed-in users (`anon` and others are refused). */
const USER_AUDIENCE = 'authenticated';
/** Clock skew allowed between Auth and the function when checking `exp` and `iat`. */
const CLOCK_TOLERANCE_SECONDS = 30;

/**
 * How user tokens are checked: the legacy HS256 secret when configured (the local stack, older
 * projects), otherwise the project's JWKS (`SUPABASE_JWKS`, or fetched from Auth). The platform's
 * gateway also verifies JWTs (`verify_jwt`), but the function must not trust claims it did not
 * check itself before handing them to Postgres.
 */
function verifier(env: FunctionEnv): Uint8Array | JWTVerifyGetKey {
  if (env.authJwtSecret) return new TextEncoder().encode(env.authJwtSecret);
  if (!keySet) {
    if (env.jwks) keySet = createLocalJWKSet(JSON.parse(env.jwks));
    else if (env.supabaseUrl) keySet = createRemoteJWKSet(new URL('/auth/v1/.well-known/jwks.json', env.supabaseUrl));
    else throw HttpError.of('CONFIGURATION_INVALID', 'function misconfigured: no AUTH_JWT_SECRET, SUPABASE_JWKS or SUPABASE_URL');
  }
  return keySet;
}

/** The header the token service sends its session JWT in (Authorization carries the anon key). */
export const SESSION_TOKEN_HEADER = 'x-session-token';

/**
 * A session JWT minted by interview-start (HS256, the secret shared with the token service) that
 * carries `permission`: the caller acts as the proctor who started that session, on it alone.
 * 401 when it is not a valid, unexpired session JWT; 403 when it lacks the permission.
 */
async function sessionCaller(token: string, env: FunctionEnv, permission: SessionPermission): Promise<Caller> {
  let payload: JWTPayload;
  try {
    payload = (await jwtVerify(token, new TextEncoder().encode(env.sessionJwtSecret), { algorithms: ['HS256'], requiredClaims: ['exp'] })).payload;
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw HttpError.of('AUTHENTICATION_FAILED', 'session token expired');
    throw HttpError.of('AUTHENTICATION_FAILED', 'invalid session token');
  }
  const claims = SessionJwtClaimsSchema.safeParse(payload);
  if (!claims.success) throw HttpError.of('AUTHENTICATION_FAILED', 'invalid session token');
  if (!claims.data.permissions.includes(permission)) throw HttpError.of('NOT_AUTHORIZED', `the session token lacks ${permission}`);
  const { sub, tenant_id: tenantId, session_id: sessionId } = claims.data;
  // The claims Postgres sees are those of the proctor's user token: RLS applies unchanged.
  // `sideband_session_id` lets this request (and only it: Auth never issues that claim) store
  // entries marked as captured by the token service's sideband, for this session alone.
  return {
    userId: sub,
    tenantId,
    sessionScope: sessionId,
    claims: { sub, role: 'authenticated', aud: 'authenticated', app_metadata: { tenant_id: tenantId }, sideband_session_id: sessionId },
  };
}

/**
 * Verifies the `Authorization: Bearer` token of a signed-in user; 401 when missing, bad or expired.
 * With `sessionPermission`, a session JWT carrying that permission in `x-session-token` is accepted
 * instead (see `sessionScope`): the platform's verify_jwt has already checked that Authorization
 * holds a project JWT (the token service sends the anon key there), and a session JWT, signed with
 * another secret, could never pass it as Authorization.
 */
export async function authenticate(req: Request, env: FunctionEnv, sessionPermission?: SessionPermission): Promise<Caller> {
  const sessionToken = req.headers.get(SESSION_TOKEN_HEADER);
  if (sessionToken !== null) {
    if (!sessionPermission) throw HttpError.of('AUTHENTICATION_FAILED', `${SESSION_TOKEN_HEADER} is not accepted here`);
    return sessionCaller(sessionToken.trim(), env, sessionPermission);
  }
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.get('authorization') ?? '');
  if (!match) throw HttpError.of('AUTHENTICATION_FAILED', 'missing bearer token');
  let payload: JWTPayload;
  try {
    const key = verifier(env);
    // Signed by the project is not enough: the token must be one Auth issued to a signed-in user
    // (aud `authenticated`, iss this project's Auth), and it must expire.
    const options = {
      algorithms: ['HS256', 'RS256', 'ES256'],
      audience: USER_AUDIENCE,
      issuer: env.authIssuer,
      requiredClaims: ['exp', 'iat', 'sub'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    };
    payload = (key instanceof Uint8Array ? await jwtVerify(match[1] as string, key, options) : await jwtVerify(match[1] as string, key, options)).payload;
  } catch (error) {
    if (error instanceof HttpError) throw error;
    if (error instanceof joseErrors.JWTExpired) throw HttpError.of('AUTHENTICATION_FAILED', 'token expired');
    throw HttpError.of('AUTHENTICATION_FAILED', 'invalid token');
  }
  // jose does not refuse an `iat` in the future; a token from the future was not issued by Auth.
  if ((payload.iat ?? 0) > Date.now() / 1000 + CLOCK_TOLERANCE_SECONDS) throw HttpError.of('AUTHENTICATION_FAILED', 'invalid token');
  const claims = UserClaims.safeParse(payload);
  if (!claims.success) throw HttpError.of('AUTHENTICATION_FAILED', 'a signed-in user token is required');
  return { userId: claims.data.sub, tenantId: claims.data.app_metadata?.tenant_id, claims: payload };
}
