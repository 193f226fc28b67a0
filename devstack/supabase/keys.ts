import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';

/** The project's API keys, signed like Supabase's legacy `anon` and `service_role` keys. */
export interface ApiKeys {
  readonly jwtSecret: string;
  readonly anonKey: string;
  readonly serviceRoleKey: string;
}

/** A fresh random HS256 secret (Supabase's are at least 32 characters). */
export function newJwtSecret(): string {
  return randomBytes(32).toString('base64url');
}

async function apiKey(secret: string, role: 'anon' | 'service_role'): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: 'supabase-local', ref: 'local', role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(iat)
    .setExpirationTime(iat + 10 * 365 * 24 * 3600)
    .sign(new TextEncoder().encode(secret));
}

export async function makeApiKeys(jwtSecret = newJwtSecret()): Promise<ApiKeys> {
  return { jwtSecret, anonKey: await apiKey(jwtSecret, 'anon'), serviceRoleKey: await apiKey(jwtSecret, 'service_role') };
}
