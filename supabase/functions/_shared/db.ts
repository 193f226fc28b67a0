import postgres from 'postgres';
import type { Caller } from './auth.ts';
import type { FunctionEnv } from './env.ts';
import { HttpError } from './http.ts';

export type Tx = postgres.TransactionSql;

let pool: postgres.Sql | undefined;

/** One small pool per function instance. `prepare: false` keeps it usable behind Supavisor. */
export function database(env: FunctionEnv): postgres.Sql {
  pool ??= postgres(env.dbUrl, { max: 4, prepare: false, idle_timeout: 30, connect_timeout: 10, onnotice: () => undefined });
  return pool;
}

/**
 * Runs `work` in one transaction as the caller: `SET LOCAL ROLE authenticated` and the verified
 * claims in `request.jwt.claims`, exactly as PostgREST does, so row-level security decides what
 * the function may read and write. Any error rolls everything back.
 */
export async function asCaller<T>(env: FunctionEnv, caller: Caller, work: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return (await database(env).begin(async (tx) => {
      await tx`select set_config('request.jwt.claims', ${JSON.stringify(caller.claims)}, true)`;
      await tx`set local role authenticated`;
      return work(tx);
    })) as T;
  } catch (error) {
    throw mapDatabaseError(error);
  }
}

/** Postgres errors that are the caller's fault become 4xx; the rest stay 500 without details. */
export function mapDatabaseError(error: unknown): unknown {
  if (error instanceof HttpError) return error;
  const code = (error as { code?: unknown }).code;
  if (code === '42501') return HttpError.of('NOT_AUTHORIZED', 'not allowed for your role or tenant');
  if (code === '23514') return HttpError.of('SESSION_ENDED', 'the session is not in a state that allows this');
  if (code === '23503') return HttpError.of('NOT_FOUND', 'a referenced record does not exist in your tenant');
  return error;
}

/** 403 unless the caller is a proctor of the tenant their token names (checked by the database). */
export async function requireProctor(tx: Tx, doing: string): Promise<void> {
  const [role] = await tx<{ proctor: boolean }[]>`select app.has_role('{proctor}') as proctor`;
  if (!role?.proctor) throw HttpError.of('NOT_AUTHORIZED', `only a proctor of this tenant ${doing}`);
}
