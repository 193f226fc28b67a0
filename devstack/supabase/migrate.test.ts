// The migration runner on an empty database: applies every migration in order, a second run
// changes nothing, and a failing migration leaves nothing behind.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applySupabaseBase, listMigrations, runMigrations, runSeed } from './migrate';
import { startPostgres, type LocalPostgres } from './postgres';

let pg: LocalPostgres;
let sql: postgres.Sql;

beforeAll(async () => {
  pg = await startPostgres();
  sql = postgres(pg.dbUrl, { max: 2, onnotice: () => undefined });
});
afterAll(async () => {
  await sql?.end({ timeout: 1 });
  await pg?.stop();
});

/** Everything a migration can create, as text: a second run must leave this identical. */
async function schemaSnapshot(): Promise<string> {
  const parts = await Promise.all([
    sql`select table_schema, table_name, column_name, data_type, is_nullable, column_default
        from information_schema.columns where table_schema in ('public', 'app', 'auth') order by 1, 2, 3`,
    sql`select schemaname, tablename, policyname, cmd, roles::text, qual, with_check from pg_policies order by 1, 2, 3`,
    sql`select tgname, tgrelid::regclass::text from pg_trigger where not tgisinternal order by 1`,
    sql`select conname, pg_get_constraintdef(oid) from pg_constraint where connamespace = 'public'::regnamespace order by 1`,
    sql`select p.oid::regprocedure::text, md5(p.prosrc) from pg_proc p where p.pronamespace in ('app'::regnamespace, 'auth'::regnamespace) order by 1`,
    sql`select grantee, table_name, privilege_type from information_schema.role_table_grants where table_schema = 'public' order by 1, 2, 3`,
    sql`select version, name from supabase_migrations.schema_migrations order by 1`,
  ]);
  return JSON.stringify(parts);
}

describe('migrations', () => {
  it('apply to an empty database in order, and a second run changes nothing', async () => {
    const files = await listMigrations();
    expect(files.length).toBeGreaterThanOrEqual(4);
    await applySupabaseBase(sql);
    const first = await runMigrations(sql);
    expect(first).toEqual(files.map((f) => f.version));
    const before = await schemaSnapshot();

    await applySupabaseBase(sql);
    expect(await runMigrations(sql)).toEqual([]);
    expect(await schemaSnapshot()).toBe(before);
  });

  it('seed twice yields the same rows', async () => {
    const counts = async () =>
      sql`select (select count(*) from auth.users) as users, (select count(*) from public.tenant_members) as members,
                 (select count(*) from public.interview_templates) as templates, (select count(*) from public.stations) as stations`;
    await runSeed(sql);
    const once = await counts();
    await runSeed(sql);
    expect(await counts()).toEqual(once);
    expect(once[0]).toMatchObject({ users: '6', members: '6', templates: '2', stations: '2' });
  });

  describe('with a migration folder of our own', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'station-migrations-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('rolls back a failing migration entirely and does not record it', async () => {
      await writeFile(path.join(dir, '29990101000000_good.sql'), 'create table public.probe_good (id int);');
      await writeFile(path.join(dir, '29990101000001_bad.sql'), 'create table public.probe_bad (id int);\nselect 1/0;');
      await expect(runMigrations(sql, dir)).rejects.toThrow(/division by zero/);
      const [tables] = await sql`select to_regclass('public.probe_good') is not null as good, to_regclass('public.probe_bad') is not null as bad`;
      expect(tables).toEqual({ good: true, bad: false });
      const recorded = await sql`select version from supabase_migrations.schema_migrations where version like '2999%' order by 1`;
      expect(recorded.map((r) => r['version'])).toEqual(['29990101000000']);
    });

    it('refuses a file that is not named <version>_<name>.sql', async () => {
      await writeFile(path.join(dir, 'tables.sql'), 'select 1;');
      await expect(listMigrations(dir)).rejects.toThrow(/tables\.sql/);
    });
  });
});
