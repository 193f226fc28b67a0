import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type postgres from 'postgres';

type Sql = postgres.Sql;

const here = path.dirname(fileURLToPath(import.meta.url));
/** The repository's `supabase/` folder. */
export const SUPABASE_DIR = path.resolve(here, '../../supabase');
export const MIGRATIONS_DIR = path.join(SUPABASE_DIR, 'migrations');
export const SEED_FILE = path.join(SUPABASE_DIR, 'seed.sql');
const ROLES_FILE = path.join(here, 'sql', 'supabase-roles.sql');

/** `20261121000100_tenancy.sql`: the Supabase CLI's naming, version first. */
const MIGRATION_NAME = /^(\d{14})_([a-z0-9_]+)\.sql$/;

/** One migration file found on disk. */
export interface MigrationFile {
  readonly version: string;
  readonly name: string;
  readonly file: string;
}

/** Recreates Supabase's roles, `extensions`, `auth` and the migration history table. Idempotent. */
export async function applySupabaseBase(sql: Sql): Promise<void> {
  await sql.unsafe(await readFile(ROLES_FILE, 'utf8')).simple();
}

/** Migration files in version order; any other `.sql` name is an error, not silently skipped. */
export async function listMigrations(dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.sql')).sort();
  return names.map((name) => {
    const match = MIGRATION_NAME.exec(name);
    if (!match) throw new Error(`migration file name must be <14-digit version>_<name>.sql: ${name}`);
    return { version: match[1] as string, name: match[2] as string, file: path.join(dir, name) };
  });
}

/**
 * Applies every migration not yet recorded in `supabase_migrations.schema_migrations` (the table the
 * Supabase CLI uses), each in its own transaction together with its record, so a failing migration
 * leaves nothing behind and a second run applies nothing. Returns the versions applied now.
 */
export async function runMigrations(sql: Sql, dir = MIGRATIONS_DIR): Promise<string[]> {
  const applied: string[] = [];
  for (const migration of await listMigrations(dir)) {
    const text = await readFile(migration.file, 'utf8');
    const ran = await sql.begin(async (tx) => {
      // Serialises concurrent runners (two stacks on one database).
      await tx`select pg_advisory_xact_lock(hashtext('supabase_migrations'))`;
      const [done] = await tx`select 1 from supabase_migrations.schema_migrations where version = ${migration.version}`;
      if (done) return false;
      await tx.unsafe(text).simple();
      await tx`
        insert into supabase_migrations.schema_migrations (version, name, statements)
        values (${migration.version}, ${migration.name}, ${[text]})`;
      return true;
    });
    if (ran) applied.push(migration.version);
  }
  return applied;
}

/** Runs `supabase/seed.sql` (written to be safe to run again). */
export async function runSeed(sql: Sql, file = SEED_FILE): Promise<void> {
  await sql.unsafe(await readFile(file, 'utf8')).simple();
}
