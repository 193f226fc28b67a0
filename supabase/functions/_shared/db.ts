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

/** Columns the functions write, by the request field they come from (for `field` in a 400). */
const FIELD_OF_COLUMN: Record<string, string> = {
  candidate_ref: 'candidateRef',
  architecture: 'architecture',
  session_data: 'metadata',
  end_reason: 'reason',
  end_detail: 'detail',
  item_id: 'itemId',
  content_index: 'contentIndex',
  speaker: 'speaker',
  content: 'content',
  timestamp: 'speechStartedAt',
  ts: 'speechStartedAt',
  source: 'source',
  confidence: 'confidence',
  received_at: 'receivedAt',
};

interface PgError {
  code?: unknown;
  column_name?: unknown;
  constraint_name?: unknown;
  table_name?: unknown;
}

/**
 * Whether Postgres refused the *values* it was given (so retrying the same request can never
 * succeed): any data exception (class 22: invalid text representation, string too long, value out
 * of range, untranslatable character, ...), a not-null violation, or a table's check constraint.
 * A check violation without a constraint is a trigger refusing a state change (see
 * app.check_session_transition), which is not an input error.
 */
export function isInputError(error: unknown): boolean {
  const { code, constraint_name: constraint } = (error ?? {}) as PgError;
  if (typeof code !== 'string') return false;
  return code.startsWith('22') || code === '23502' || (code === '23514' && typeof constraint === 'string' && constraint !== '');
}

/** The request field a database error names, when it names a column (directly or by its check constraint). */
export function fieldOfDatabaseError(error: unknown): string | undefined {
  const { column_name: column, constraint_name: constraint, table_name: table } = (error ?? {}) as PgError;
  if (typeof column === 'string' && FIELD_OF_COLUMN[column]) return FIELD_OF_COLUMN[column];
  if (typeof constraint === 'string' && typeof table === 'string' && constraint.startsWith(`${table}_`) && constraint.endsWith('_check')) {
    return FIELD_OF_COLUMN[constraint.slice(table.length + 1, -'_check'.length)];
  }
  return undefined;
}

/**
 * Postgres errors that are the caller's fault become 4xx with the contract's code; the rest stay
 * 500 without details. Input errors (see `isInputError`) are 400 VALIDATION_FAILED naming the field
 * when the error names its column, so a client sets the request aside instead of retrying it.
 */
export function mapDatabaseError(error: unknown): unknown {
  if (error instanceof HttpError) return error;
  const code = (error as PgError | undefined)?.code;
  if (code === '42501') return HttpError.of('NOT_AUTHORIZED', 'not allowed for your role or tenant');
  if (isInputError(error)) {
    const field = fieldOfDatabaseError(error);
    return HttpError.of('VALIDATION_FAILED', `${field ? `${field}: ` : ''}the database cannot store this value`, field);
  }
  if (code === '23514') return HttpError.of('SESSION_ENDED', 'the session is not in a state that allows this');
  if (code === '23503') return HttpError.of('NOT_FOUND', 'a referenced record does not exist in your tenant');
  if (code === '23505') return HttpError.of('CONFLICT', 'the record already exists');
  return error;
}

/** 403 unless the caller is a proctor of the tenant their token names (checked by the database). */
export async function requireProctor(tx: Tx, doing: string): Promise<void> {
  const [role] = await tx<{ proctor: boolean }[]>`select app.has_role('{proctor}') as proctor`;
  if (!role?.proctor) throw HttpError.of('NOT_AUTHORIZED', `only a proctor of this tenant ${doing}`);
}

/**
 * 404 when the caller cannot see the session (another tenant's is invisible under RLS), 403 unless
 * they started it: the rule every write to a session follows, as the database's policies do.
 * Checked before `select ... for update`, which under RLS hides rows the caller may not update.
 */
export async function requireStartedBy(tx: Tx, sessionId: string): Promise<void> {
  const [session] = await tx<{ mine: boolean }[]>`
    select created_by = auth.uid() as mine from public.interview_sessions where id = ${sessionId}`;
  if (!session) throw HttpError.of('SESSION_NOT_FOUND', 'sessionId: no such session', 'sessionId');
  if (!session.mine) throw HttpError.of('NOT_AUTHORIZED', 'sessionId: the session was started by another proctor', 'sessionId');
}
