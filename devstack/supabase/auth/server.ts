import type { IncomingMessage, ServerResponse } from 'node:http';
import type postgres from 'postgres';
import { z } from 'zod';
import { BodyTooLargeError, readBody } from '../httpBody';
import { AuthError, authErrors, sendAuthError, sendJson } from './errors';
import { AuthStore, type AuthUserRow } from './store';
import { AccessTokens, userJson, type AccessTokenClaims } from './tokens';

/**
 * LOCAL STAND-IN for Supabase Auth (GoTrue): only the endpoints `@supabase/supabase-js` uses for
 * password sign-in — `POST /token?grant_type=password|refresh_token`, `GET /user`, `POST /logout` —
 * with GoTrue's response and error shapes and JWT claims. Users live in `auth.users` (bcrypt via
 * pgcrypto). Production uses Supabase Auth itself.
 */
export interface AuthStandInOptions {
  readonly sql: postgres.Sql;
  readonly jwtSecret: string;
  /** `<supabaseUrl>/auth/v1`, the `iss` claim. */
  readonly issuer: string;
  /** Access token lifetime (GoTrue's default is 3600 s). */
  readonly accessTokenSeconds?: number;
}

/** Handles a request whose path has had `/auth/v1` removed. */
export type AuthHandler = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void>;

const PasswordGrant = z.object({ email: z.string().min(1).max(320), password: z.string().min(1).max(1024) });
const RefreshGrant = z.object({ refresh_token: z.string().min(1).max(255) });
const MAX_BODY = 64 * 1024;

export function createAuthHandler(options: AuthStandInOptions): AuthHandler {
  const store = new AuthStore(options.sql);
  const tokens = new AccessTokens(options.jwtSecret, options.issuer, options.accessTokenSeconds ?? 3600);

  async function session(user: AuthUserRow, sessionId: string, refreshToken: string) {
    const { token, expiresAt } = await tokens.issue(user, sessionId);
    return {
      access_token: token,
      token_type: 'bearer',
      expires_in: tokens.lifetimeSeconds,
      expires_at: expiresAt,
      refresh_token: refreshToken,
      user: userJson(user),
    };
  }

  async function jsonBody(req: IncomingMessage): Promise<unknown> {
    const raw = await readBody(req, MAX_BODY);
    try {
      return JSON.parse(raw.toString('utf8') || '{}');
    } catch {
      throw authErrors.badJson();
    }
  }

  async function bearer(req: IncomingMessage): Promise<AccessTokenClaims> {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer (\S+)$/i.exec(header);
    if (!match) throw authErrors.noAuthorization();
    let claims: AccessTokenClaims;
    try {
      claims = await tokens.verify(match[1] as string);
    } catch (error) {
      throw authErrors.badJwt((error as Error).message);
    }
    if (!(await store.sessionExists(claims.session_id))) throw authErrors.sessionNotFound();
    return claims;
  }

  async function token(req: IncomingMessage, res: ServerResponse, grantType: string | null): Promise<void> {
    if (grantType === 'password') {
      const body = PasswordGrant.safeParse(await jsonBody(req));
      if (!body.success) throw authErrors.validation('missing email or password');
      const user = await store.verifyPassword(body.data.email, body.data.password);
      if (!user) throw authErrors.invalidCredentials();
      const { sessionId, refreshToken } = await store.createSession(user.id);
      sendJson(res, 200, await session(user, sessionId, refreshToken));
    } else if (grantType === 'refresh_token') {
      const body = RefreshGrant.safeParse(await jsonBody(req));
      if (!body.success) throw authErrors.validation('refresh_token required');
      const outcome = await store.rotate(body.data.refresh_token);
      if (outcome.kind === 'not_found') throw authErrors.refreshNotFound();
      if (outcome.kind === 'reused') throw authErrors.refreshReused();
      sendJson(res, 200, await session(outcome.user, outcome.sessionId, outcome.refreshToken));
    } else {
      throw authErrors.unsupportedGrant();
    }
  }

  return async (req, res, path) => {
    try {
      const url = new URL(path, 'http://local');
      const route = `${req.method ?? 'GET'} ${url.pathname}`;
      if (route === 'POST /token') return await token(req, res, url.searchParams.get('grant_type'));
      if (route === 'GET /user') {
        const claims = await bearer(req);
        const user = await store.userById(claims.sub);
        if (!user) throw authErrors.userNotFound();
        return sendJson(res, 200, userJson(user));
      }
      if (route === 'POST /logout') {
        const claims = await bearer(req);
        const scope = url.searchParams.get('scope') ?? 'global';
        if (scope !== 'global' && scope !== 'local' && scope !== 'others') throw authErrors.validation('invalid scope');
        await store.logout(claims.sub, claims.session_id, scope);
        res.writeHead(204).end();
        return;
      }
      if (['/token', '/user', '/logout'].includes(url.pathname)) throw authErrors.methodNotAllowed();
      throw authErrors.notFound();
    } catch (error) {
      if (error instanceof AuthError) return sendAuthError(req, res, error);
      if (error instanceof BodyTooLargeError) return sendAuthError(req, res, new AuthError(413, 'request_too_large', error.message));
      // Unexpected: report without request details (they may hold passwords or tokens).
      console.error('[auth] internal error:', (error as Error).message);
      return sendAuthError(req, res, new AuthError(500, 'unexpected_failure', 'Unexpected failure'));
    }
  };
}
