// Supabase's database linter (splinter, the lints behind the hosted Advisor) on the migrated schema.
// Rule 0011 function_search_path_mutable, as splinter writes it: a function outside the system and
// Supabase-managed schemas, not owned by an extension, whose search_path is not fixed to ''.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inRollback, startTestDatabase, type TestDatabase } from './support/database';

let db: TestDatabase;

beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => {
  await db?.stop();
});

/** splinter's lints/0011_function_search_path_mutable.sql, as a query. */
const FUNCTION_SEARCH_PATH_MUTABLE = `
  select format('Function \`%s.%s\` has a role mutable search_path', n.nspname, p.proname) as detail
  from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on p.pronamespace = n.oid
    left join pg_catalog.pg_depend dep on p.oid = dep.objid and dep.deptype = 'e'
  where n.nspname not in (
      '_timescaledb_cache', '_timescaledb_catalog', '_timescaledb_config', '_timescaledb_internal', 'auth', 'cron',
      'extensions', 'graphql', 'graphql_public', 'information_schema', 'net', 'pgroonga', 'pgsodium', 'pgsodium_masks',
      'pgtle', 'pgbouncer', 'pg_catalog', 'pg_toast', 'realtime', 'repack', 'storage', 'supabase_functions',
      'supabase_migrations', 'tiger', 'topology', 'vault')
    and dep.objid is null
    and not coalesce(p.proconfig, '{}') && array['search_path=""']
  order by 1`;

describe('splinter on the migrated database', () => {
  it('finds no function with a role-mutable search_path (0011)', async () => {
    const findings = await db.sql.unsafe(FUNCTION_SEARCH_PATH_MUTABLE);
    expect(findings.map((f) => f['detail'])).toEqual([]);
  });

  it('the same query reports a function without a fixed search_path (it is not vacuous)', async () => {
    const findings = await inRollback(db.sql, async (tx) => {
      await tx.unsafe(`create function public.lint_probe() returns int language sql as 'select 1'`);
      return tx.unsafe(FUNCTION_SEARCH_PATH_MUTABLE);
    });
    expect(findings.map((f) => f['detail'])).toContain('Function `public.lint_probe` has a role mutable search_path');
  });
});
