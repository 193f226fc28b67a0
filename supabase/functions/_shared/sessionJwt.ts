import { SignJWT } from 'jose';
import { SESSION_JWT_MAX_SECONDS, SessionJwtClaimsSchema, sessionJwtLifetimeSeconds, type SessionPermission } from './contracts/jwt.ts';

/** What a station may do with its session at the token service. */
export const STATION_PERMISSIONS: SessionPermission[] = ['realtime:connect', 'transcript:write', 'session:end'];

/**
 * Mints the session JWT for the token service: exactly the contract's claims (`sub`, `tenant_id`,
 * `session_id`, `permissions`, `iat`, `exp`), HS256 with the secret shared with it. `exp` covers
 * the whole interview: its maximum duration plus a margin (contracts/jwt.ts), so reconnects and
 * rollovers late in a 2-hour interview still authenticate; without a duration, the longest allowed.
 */
export async function mintSessionJwt(
  secret: string,
  claims: { sub: string; tenantId: string; sessionId: string },
  now = Math.floor(Date.now() / 1000),
  maxDurationSeconds?: number,
): Promise<{ token: string; expiresAt: number; issuedAt: number }> {
  const payload = SessionJwtClaimsSchema.parse({
    sub: claims.sub,
    tenant_id: claims.tenantId,
    session_id: claims.sessionId,
    permissions: STATION_PERMISSIONS,
    iat: now,
    exp: now + (maxDurationSeconds === undefined ? SESSION_JWT_MAX_SECONDS : sessionJwtLifetimeSeconds(maxDurationSeconds)),
  });
  const token = await new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(secret));
  return { token, expiresAt: payload.exp, issuedAt: payload.iat };
}
