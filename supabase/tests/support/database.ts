import postgres from 'postgres';
import { applySupabaseBase, runMigrations, runSeed } from '../../../devstack/supabase/migrate';
import { startPostgres, type LocalPostgres } from '../../../devstack/supabase/postgres';

/** A throwaway Postgres with Supabase's base, every migration and the seed applied. */
export interface TestDatabase {
  readonly sql: postgres.Sql;
  readonly pg: LocalPostgres;
  stop(): Promise<void>;
}

export async function startTestDatabase(options: { seed?: boolean } = {}): Promise<TestDatabase> {
  const pg = await startPostgres();
  const sql = postgres(pg.dbUrl, { max: 4, onnotice: () => undefined });
  try {
    await applySupabaseBase(sql);
    await runMigrations(sql);
    if (options.seed !== false) await runSeed(sql);
  } catch (error) {
    await sql.end({ timeout: 1 });
    await pg.stop();
    throw error;
  }
  return {
    sql,
    pg,
    async stop() {
      await sql.end({ timeout: 1 });
      await pg.stop();
    },
  };
}

class Rollback<T> {
  constructor(readonly value: T) {}
}

/** Runs `work` in a transaction that is always rolled back, and returns what it returned. */
export async function inRollback<T>(sql: postgres.Sql, work: (tx: postgres.TransactionSql) => Promise<T>): Promise<T> {
  try {
    await sql.begin(async (tx) => {
      throw new Rollback(await work(tx));
    });
  } catch (error) {
    if (error instanceof Rollback) return error.value as T;
    throw error;
  }
  throw new Error('unreachable: the transaction always rolls back');
}

/** Who runs a statement: a database role and the JWT claims PostgREST would set. */
export interface Actor {
  readonly label: string;
  readonly role: 'anon' | 'authenticated' | 'service_role';
  readonly claims: Record<string, unknown>;
}

/** Switches the transaction to the actor, exactly as the functions and PostgREST do. */
export async function actAs(tx: postgres.TransactionSql, actor: Actor): Promise<void> {
  await tx`select set_config('request.jwt.claims', ${JSON.stringify(actor.claims)}, true)`;
  await tx.unsafe(`set local role ${actor.role}`);
}

/** A signed-in user's claims, shaped like GoTrue's. */
export function userClaims(userId: string, tenantId: string | undefined, userMetadata: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sub: userId,
    role: 'authenticated',
    aud: 'authenticated',
    app_metadata: { provider: 'email', ...(tenantId ? { tenant_id: tenantId } : {}) },
    user_metadata: userMetadata,
  };
}
