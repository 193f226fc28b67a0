import { createLocalJWKSet, createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { UuidSchema } from './contracts/common.ts';
import type { FunctionEnv } from './env.ts';
import { HttpError } from './http.ts';

/** The verified claims of the signed-in caller, passed to Postgres as `request.jwt.claims`. */
export interface Caller {
  readonly userId: string;
  /** From `app_metadata.tenant_id` only: users can edit `user_metadata`, never `app_metadata`. */
  readonly tenantId: string | undefined;
  readonly claims: JWTPayload;
}

const UserClaims = z.object({
  sub: UuidSchema,
  role: z.literal('authenticated'),
  app_metadata: z.object({ tenant_id: UuidSchema.optional() }).loose().optional(),
});

let keySet: JWTVerifyGetKey | undefined;

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
    else throw HttpError.of(500, 'CONFIGURATION_INVALID', 'function misconfigured: no AUTH_JWT_SECRET, SUPABASE_JWKS or SUPABASE_URL');
  }
  return keySet;
}

/** Verifies the `Authorization: Bearer` token of a signed-in user; 401 when missing, bad or expired. */
export async function authenticate(req: Request, env: FunctionEnv): Promise<Caller> {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.get('authorization') ?? '');
  if (!match) throw HttpError.of(401, 'AUTHENTICATION_FAILED', 'missing bearer token');
  let payload: JWTPayload;
  try {
    const key = verifier(env);
    const options = { algorithms: ['HS256', 'RS256', 'ES256'] };
    payload = (key instanceof Uint8Array ? await jwtVerify(match[1] as string, key, options) : await jwtVerify(match[1] as string, key, options)).payload;
  } catch (error) {
    if (error instanceof HttpError) throw error;
    if (error instanceof joseErrors.JWTExpired) throw HttpError.of(401, 'AUTHENTICATION_FAILED', 'token expired');
    throw HttpError.of(401, 'AUTHENTICATION_FAILED', 'invalid token');
  }
  const claims = UserClaims.safeParse(payload);
  if (!claims.success) throw HttpError.of(401, 'AUTHENTICATION_FAILED', 'a signed-in user token is required');
  return { userId: claims.data.sub, tenantId: claims.data.app_metadata?.tenant_id, claims: payload };
}
