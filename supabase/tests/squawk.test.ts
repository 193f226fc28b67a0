// The migration linter as `npm run lint:migrations` runs it: the project's migrations pass, and a
// new migration with an unsafe pattern fails (so the configuration is not vacuous).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');
// The same runner `npm run lint:migrations` uses (squawk at the version package.json pins).
const SQUAWK = path.join(root, 'scripts', 'squawk.mjs');

async function squawk(...files: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(process.execPath, [SQUAWK, '--config', '.squawk.toml', '--reporter', 'gcc', ...files], { cwd: root });
    return { code: 0, out: stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string };
    return { code: failed.code ?? 1, out: failed.stdout ?? '' };
  }
}

describe('squawk on supabase/migrations', () => {
  it('passes on the project\'s migrations', async () => {
    const result = await squawk('supabase/migrations/*.sql');
    expect(result.out).toBe('');
    expect(result.code).toBe(0);
  });

  it('fails a new migration that locks a table without a timeout or adds a blocking index', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'station-squawk-'));
    try {
      const file = path.join(dir, '29990101000000_unsafe.sql');
      await writeFile(file, 'create index transcript_entries_content_idx on public.transcript_entries (content);\n');
      const result = await squawk(file);
      expect(result.code).not.toBe(0);
      expect(result.out).toMatch(/require-concurrent-index-creation|require-lock-timeout/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
