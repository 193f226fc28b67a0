import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  LIMITS,
  SessionJwtClaimsSchema,
  type SessionJwtClaims,
  type SessionPermission,
  StationFailure,
  parseContract,
} from '@interview-station/contracts';

const BASE64URL = /^[A-Za-z0-9_-]*$/;

function jsonSegment(segment: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Verifies session JWTs from `interview-start`: compact JWS, HS256 only (so `alg: none` and any
 * other algorithm are refused before the signature is even considered), no `crit` extensions, a
 * valid signature (constant-time compare), not expired and not before `nbf`, and claims exactly as
 * the contract says. HMAC-SHA256 with node:crypto, synchronously: WebCrypto's per-call key import
 * and job hand-off cost more than the HMAC itself (bench/: mint throughput).
 */
export class SessionTokenVerifier {
  private readonly key: Buffer;

  constructor(
    secret: string,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    this.key = Buffer.from(secret, 'utf8');
  }

  /** The verified claims; throws a StationFailure (AUTHENTICATION_FAILED) otherwise. */
  async verify(token: string): Promise<SessionJwtClaims> {
    return this.verifySync(token);
  }

  verifySync(token: string): SessionJwtClaims {
    if (token.length > LIMITS.jwt) throw StationFailure.of('AUTHENTICATION_FAILED', 'session token too long');
    const invalid = () => StationFailure.of('AUTHENTICATION_FAILED', 'invalid session token');
    const parts = token.split('.');
    if (parts.length !== 3) throw invalid();
    const [head = '', body = '', signature = ''] = parts;
    if (!head || !body || !signature || !BASE64URL.test(head) || !BASE64URL.test(body) || !BASE64URL.test(signature)) throw invalid();
    const header = jsonSegment(head);
    if (!header) throw invalid();
    if (header['alg'] !== 'HS256') throw StationFailure.of('AUTHENTICATION_FAILED', 'session token algorithm not allowed');
    if (header['crit'] !== undefined || header['b64'] !== undefined) throw invalid();
    const expected = createHmac('sha256', this.key).update(`${head}.${body}`).digest();
    const given = Buffer.from(signature, 'base64url');
    // The signature's encoding must be canonical (no trailing bits), and its bytes equal.
    if (given.length !== expected.length || given.toString('base64url') !== signature || !timingSafeEqual(given, expected)) throw invalid();
    const payload = jsonSegment(body);
    if (!payload) throw invalid();
    const now = this.now();
    for (const claim of ['exp', 'nbf', 'iat'] as const) {
      if (payload[claim] !== undefined && (typeof payload[claim] !== 'number' || !Number.isFinite(payload[claim]))) throw invalid();
    }
    if (typeof payload['exp'] === 'number' && payload['exp'] <= now) throw StationFailure.of('AUTHENTICATION_FAILED', 'session token expired');
    if (typeof payload['nbf'] === 'number' && payload['nbf'] > now) throw invalid();
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
