import { jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { AuthUserRow } from './store';

/** Claims of an access token, as GoTrue issues them. */
export interface AccessTokenClaims extends JWTPayload {
  sub: string;
  role: string;
  session_id: string;
  email?: string;
  app_metadata?: Record<string, unknown>;
  user_metadata?: Record<string, unknown>;
}

/** Signs and verifies GoTrue-style HS256 access tokens with the project's JWT secret. */
export class AccessTokens {
  private readonly key: Uint8Array;

  constructor(
    jwtSecret: string,
    private readonly issuer: string,
    readonly lifetimeSeconds: number,
  ) {
    this.key = new TextEncoder().encode(jwtSecret);
  }

  /** GoTrue's claim set: aud, exp, iat, iss, sub, email, phone, app/user metadata, role, aal, amr, session_id. */
  async issue(user: AuthUserRow, sessionId: string): Promise<{ token: string; expiresAt: number }> {
    const iat = Math.floor(Date.now() / 1000);
    const expiresAt = iat + this.lifetimeSeconds;
    const token = await new SignJWT({
      email: user.email,
      phone: '',
      app_metadata: user.raw_app_meta_data,
      user_metadata: user.raw_user_meta_data,
      role: user.role ?? 'authenticated',
      aal: 'aal1',
      amr: [{ method: 'password', timestamp: iat }],
      session_id: sessionId,
      is_anonymous: user.is_anonymous,
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(user.id)
      .setAudience(user.aud ?? 'authenticated')
      .setIssuer(this.issuer)
      .setIssuedAt(iat)
      .setExpirationTime(expiresAt)
      .sign(this.key);
    return { token, expiresAt };
  }

  /** Verifies signature and expiry; throws with jose's reason otherwise. */
  async verify(token: string): Promise<AccessTokenClaims> {
    const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'] });
    if (typeof payload.sub !== 'string' || typeof payload['session_id'] !== 'string' || typeof payload['role'] !== 'string') {
      throw new Error('missing sub, role or session_id claim');
    }
    return payload as AccessTokenClaims;
  }
}

/** The user object GoTrue returns from `/user` and inside a session. */
export function userJson(user: AuthUserRow): Record<string, unknown> {
  return {
    id: user.id,
    aud: user.aud ?? 'authenticated',
    role: user.role ?? 'authenticated',
    email: user.email,
    email_confirmed_at: user.email_confirmed_at?.toISOString(),
    phone: '',
    confirmed_at: user.email_confirmed_at?.toISOString(),
    last_sign_in_at: user.last_sign_in_at?.toISOString(),
    app_metadata: user.raw_app_meta_data,
    user_metadata: user.raw_user_meta_data,
    identities: [],
    created_at: user.created_at.toISOString(),
    updated_at: user.updated_at.toISOString(),
    is_anonymous: user.is_anonymous,
  };
}
