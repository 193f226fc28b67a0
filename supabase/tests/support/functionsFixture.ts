import { SignJWT } from 'jose';
import postgres from 'postgres';
import type { TranscriptEntry } from '../../../contracts/transcript';
import { SEED, SEED_PASSWORD } from '../../../devstack/supabase/seedUsers';
import { startSupabaseStack, type SupabaseStack } from '../../../devstack/supabase/supabaseStack';
import { signedIn } from './clients';

/** A running local Supabase plus a superuser connection to check what was (not) written. */
export interface FunctionsFixture {
  readonly stack: SupabaseStack;
  readonly sql: postgres.Sql;
  stop(): Promise<void>;
}

export async function startFunctionsFixture(options: { functionEnv?: Record<string, string> } = {}): Promise<FunctionsFixture> {
  const stack = await startSupabaseStack(options.functionEnv ? { functionEnv: options.functionEnv } : {});
  const sql = postgres(stack.dbUrl, { max: 2, onnotice: () => undefined });
  return {
    stack,
    sql,
    async stop() {
      await sql.end({ timeout: 1 });
      await stack.stop();
    },
  };
}

export const signInAs = (stack: SupabaseStack, email: string) => signedIn(stack.supabaseUrl, stack.anonKey, email, SEED_PASSWORD);

/** Row counts of everything the functions can write. */
export async function written(sql: postgres.Sql): Promise<Record<string, number>> {
  const [row] = await sql<Record<string, number>[]>`
    select (select count(*)::int from public.interview_sessions) as sessions,
           (select count(*)::int from public.transcript_entries) as entries,
           (select count(*)::int from public.session_events) as events,
           (select count(*)::int from public.interview_sessions where status <> 'created') as moved`;
  return row as Record<string, number>;
}

/** A valid interview-start body for the Acme tenant. */
export function acmeStart(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    companyId: SEED.acme.companyId,
    templateId: SEED.acme.templateId,
    stationId: SEED.acme.stationId,
    candidateRef: 'cand-0042',
    consent: { noticeVersion: '2026-12-v1', acceptedAt: '2026-12-01T10:00:00.000Z' },
    ...overrides,
  };
}

/** `count` final entries for a session, keyed item_<offset+i>/0. */
export function entries(sessionId: string, count: number, offset = 0): TranscriptEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    sessionId,
    itemId: `item_${offset + i}`,
    contentIndex: 0,
    speaker: i % 2 === 0 ? 'ai' : 'candidate',
    content: `utterance ${offset + i}`,
    speechStartedAt: new Date(Date.UTC(2026, 10, 21, 10, 0, offset + i)).toISOString(),
    source: 'client',
    receivedAt: new Date().toISOString(),
    confidence: 0.9,
  }));
}

/** A user token for the seeded Acme proctor, as Auth issued it, that expired a minute ago. */
export async function expiredProctorToken(stack: Pick<SupabaseStack, 'jwtSecret' | 'supabaseUrl'>): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return handSignedProctorToken(stack.jwtSecret, `${stack.supabaseUrl}/auth/v1`, { iat: now - 3700, exp: now - 60 });
}

/**
 * A user token for the seeded Acme proctor signed with `secret`, shaped like GoTrue's, with
 * `overrides` applied (a claim set to undefined is left out): for tokens Auth would never issue.
 */
export async function handSignedProctorToken(secret: string, issuer: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    sub: SEED.acme.proctorId,
    role: 'authenticated',
    aud: 'authenticated',
    iss: issuer,
    iat: now,
    exp: now + 600,
    app_metadata: { provider: 'email', tenant_id: SEED.acme.tenantId },
    session_id: crypto.randomUUID(),
    ...overrides,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(secret));
}

/** POSTs `body` (JSON unless a string) to a function with a bearer token, straight or through `base`. */
export async function post(
  base: string,
  name: string,
  token: string | undefined,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${base}/functions/v1/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { raw: text };
  }
  return { status: response.status, body: parsed };
}

/** The access token of a signed-in supabase-js client. */
export async function accessToken(client: { auth: { getSession(): Promise<{ data: { session: { access_token: string } | null } }> } }): Promise<string> {
  const { data } = await client.auth.getSession();
  if (!data.session) throw new Error('not signed in');
  return data.session.access_token;
}
