import type { IncomingMessage } from 'node:http';
import {
  LIMITS,
  SessionJwtClaimsSchema,
  type SessionJwtClaims,
  type SessionPermission,
  StationFailure,
  parseContract,
} from '@interview-station/contracts';
import { errors as joseErrors, jwtVerify } from 'jose';

/**
 * Verifies session JWTs from `interview-start`: HS256 only (so `alg: none` and any other algorithm
 * are refused before the signature is even considered), a valid signature, not expired, and claims
 * exactly as the contract says.
 */
export class SessionTokenVerifier {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  /** The verified claims; throws a StationFailure (AUTHENTICATION_FAILED) otherwise. */
  async verify(token: string): Promise<SessionJwtClaims> {
    if (token.length > LIMITS.jwt) throw StationFailure.of('AUTHENTICATION_FAILED', 'session token too long');
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], currentDate: new Date(this.now() * 1000) }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw StationFailure.of('AUTHENTICATION_FAILED', 'session token expired');
      if (error instanceof joseErrors.JOSEAlgNotAllowed) throw StationFailure.of('AUTHENTICATION_FAILED', 'session token algorithm not allowed');
      throw StationFailure.of('AUTHENTICATION_FAILED', 'invalid session token');
    }
    const claims = parseContract(SessionJwtClaimsSchema, payload, 'session token claims');
    if (!claims.ok) throw StationFailure.of('AUTHENTICATION_FAILED', 'session token claims do not match the contract');
    return claims.value;
  }

  /** Re-checked on every message: a socket outlives nothing its token does not. */
  assertCurrent(claims: SessionJwtClaims): void {
    if (claims.exp <= this.now()) throw StationFailure.of('AUTHENTICATION_FAILED', 'session token expired');
  }
}

/** The caller may act only on the session its token was minted for. */
export function assertSession(claims: SessionJwtClaims, sessionId: string, field = 'sessionId'): void {
  if (claims.session_id !== sessionId) throw StationFailure.of('NOT_AUTHORIZED', `${field}: the token is for another session`, field);
}

export function assertPermission(claims: SessionJwtClaims, permission: SessionPermission): void {
  if (!claims.permissions.includes(permission)) throw StationFailure.of('NOT_AUTHORIZED', `the session token lacks ${permission}`);
}

/** `Authorization: Bearer <jwt>`; null when absent or malformed. */
export function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9_\-.=]+)$/i.exec(header.trim()) : null;
  return match?.[1] ?? null;
}

/**
 * The upgrade's token: the header (the station's main process), else `?token=` for browser
 * clients, which cannot set headers on a WebSocket. The query string is never logged.
 */
export function upgradeToken(req: IncomingMessage, query: URLSearchParams): string | null {
  const fromHeader = bearerToken(req);
  if (fromHeader) return fromHeader;
  const tokens = query.getAll('token');
  if (tokens.length > 1) throw StationFailure.of('AUTHENTICATION_FAILED', 'more than one session token');
  return tokens[0] ? tokens[0] : null;
}
