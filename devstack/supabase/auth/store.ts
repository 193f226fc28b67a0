import { randomBytes, randomUUID } from 'node:crypto';
import type postgres from 'postgres';

type Sql = postgres.Sql;

/** A row of `auth.users` as the stand-in reads it. */
export interface AuthUserRow {
  id: string;
  aud: string | null;
  role: string | null;
  email: string;
  email_confirmed_at: Date | null;
  last_sign_in_at: Date | null;
  raw_app_meta_data: Record<string, unknown>;
  raw_user_meta_data: Record<string, unknown>;
  is_anonymous: boolean;
  created_at: Date;
  updated_at: Date;
}

/** What the refresh grant found for a presented token. */
export type RefreshOutcome =
  | { kind: 'rotated'; user: AuthUserRow; sessionId: string; refreshToken: string }
  | { kind: 'not_found' }
  | { kind: 'reused' };

const USER_COLUMNS = 'id, aud, role, email, email_confirmed_at, last_sign_in_at, raw_app_meta_data, raw_user_meta_data, is_anonymous, created_at, updated_at';

function newRefreshToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Database access of the auth stand-in: `auth.users`, `auth.sessions`, `auth.refresh_tokens`. */
export class AuthStore {
  constructor(private readonly sql: Sql) {}

  /** The user when email and password match (bcrypt via pgcrypto), otherwise null. */
  async verifyPassword(email: string, password: string): Promise<AuthUserRow | null> {
    const [row] = await this.sql<(AuthUserRow & { ok: boolean })[]>`
      select ${this.sql.unsafe(USER_COLUMNS)},
             encrypted_password = extensions.crypt(${password}, encrypted_password) as ok
      from auth.users where lower(email) = lower(${email})`;
    if (!row) {
      // Hash anyway, so an unknown email takes as long as a wrong password (no user enumeration).
      await this.sql`select extensions.crypt(${password}, extensions.gen_salt('bf'))`;
      return null;
    }
    if (!row.ok) return null;
    const { ok: _ok, ...user } = row;
    return user;
  }

  async userById(id: string): Promise<AuthUserRow | null> {
    const [row] = await this.sql<AuthUserRow[]>`select ${this.sql.unsafe(USER_COLUMNS)} from auth.users where id = ${id}`;
    return row ?? null;
  }

  /** Starts a session and issues its first refresh token. */
  async createSession(userId: string): Promise<{ sessionId: string; refreshToken: string }> {
    const sessionId = randomUUID();
    const refreshToken = newRefreshToken();
    await this.sql.begin(async (tx) => {
      await tx`insert into auth.sessions (id, user_id) values (${sessionId}, ${userId})`;
      await tx`insert into auth.refresh_tokens (token, user_id, session_id) values (${refreshToken}, ${userId}, ${sessionId})`;
      await tx`update auth.users set last_sign_in_at = now(), updated_at = now() where id = ${userId}`;
    });
    return { sessionId, refreshToken };
  }

  /**
   * Rotates a refresh token: the presented one is revoked and a child issued. Presenting a token
   * that was already rotated means it leaked or was replayed, so the whole family (the session
   * and all its tokens) is revoked.
   */
  async rotate(token: string): Promise<RefreshOutcome> {
    return this.sql.begin(async (tx): Promise<RefreshOutcome> => {
      const [row] = await tx<{ id: string; user_id: string; session_id: string; revoked: boolean }[]>`
        select id, user_id, session_id, revoked from auth.refresh_tokens where token = ${token} for update`;
      if (!row) return { kind: 'not_found' };
      if (row.revoked) {
        await tx`delete from auth.sessions where id = ${row.session_id}`;
        return { kind: 'reused' };
      }
      const [user] = await tx<AuthUserRow[]>`select ${tx.unsafe(USER_COLUMNS)} from auth.users where id = ${row.user_id}`;
      if (!user) return { kind: 'not_found' };
      const refreshToken = newRefreshToken();
      await tx`update auth.refresh_tokens set revoked = true, updated_at = now() where id = ${row.id}`;
      await tx`
        insert into auth.refresh_tokens (token, user_id, session_id, parent)
        values (${refreshToken}, ${row.user_id}, ${row.session_id}, ${token})`;
      await tx`update auth.sessions set refreshed_at = now(), updated_at = now() where id = ${row.session_id}`;
      return { kind: 'rotated', user, sessionId: row.session_id, refreshToken };
    });
  }

  async sessionExists(sessionId: string): Promise<boolean> {
    const [row] = await this.sql`select 1 from auth.sessions where id = ${sessionId}`;
    return row !== undefined;
  }

  /** Ends sessions as GoTrue's `/logout?scope=` does; their refresh tokens go with them. */
  async logout(userId: string, sessionId: string, scope: 'global' | 'local' | 'others'): Promise<void> {
    if (scope === 'local') await this.sql`delete from auth.sessions where id = ${sessionId}`;
    else if (scope === 'others') await this.sql`delete from auth.sessions where user_id = ${userId} and id <> ${sessionId}`;
    else await this.sql`delete from auth.sessions where user_id = ${userId}`;
  }
}
