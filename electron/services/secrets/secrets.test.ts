import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * The secret store as main opens it, in child processes: against a real Secret Service
 * (gnome-keyring in a private D-Bus session), without D-Bus (safeStorage fallback), and with
 * nothing secure at all (memory only). A token must never reach the disk in plain text.
 */
const FIXTURE = path.join(__dirname, 'secretStore.fixture.ts');
const TOKEN = `eyJhbGciOiJIUzI1NiJ9.${randomBytes(12).toString('hex')}.refresh-${randomBytes(8).toString('hex')}`;
let scratch: string;

afterEach(() => rmSync(scratch, { recursive: true, force: true }));

function freshScratch(): { home: string; dir: string; env: NodeJS.ProcessEnv } {
  scratch = mkdtempSync(path.join(tmpdir(), 'station-secrets-'));
  const home = path.join(scratch, 'home');
  const runtime = path.join(scratch, 'run');
  mkdirSync(home);
  mkdirSync(runtime, { mode: 0o700 });
  // No D-Bus session and no display: keytar cannot reach any vault unless the test starts one.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(DBUS_|DISPLAY|GNOME_KEYRING|XDG_RUNTIME_DIR)/.test(name)));
  return { home, dir: path.join(scratch, 'secrets'), env: { ...env, HOME: home, XDG_RUNTIME_DIR: runtime } };
}

function fixture(env: NodeJS.ProcessEnv, args: string[]): { kind: string; result: string | null; fallbackReasons: string[] } {
  const out = execFileSync(process.execPath, ['--import', 'tsx', FIXTURE, ...args], { env, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop() ?? '{}');
}

/** Every file under `root` that holds `secret` in plain text. */
function filesContaining(root: string, secret: string): string[] {
  const hits: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      const info = statSync(file);
      if (info.isDirectory()) walk(file);
      else if (info.isFile() && readFileSync(file).includes(secret)) hits.push(file);
    }
  };
  walk(root);
  return hits;
}

describe('secret store', () => {
  it('keeps the session in the real Secret Service across restarts and deletes it on sign-out', () => {
    const { dir, env } = freshScratch();
    const run = (args: string) => `node --import tsx ${FIXTURE} ${dir} ${args}`;
    const script = [
      'eval "$(printf pw | gnome-keyring-daemon --unlock --components=secrets)"',
      'export GNOME_KEYRING_CONTROL',
      run(`set ${TOKEN}`),
      run('get'),
      run('delete'),
      run('get'),
    ].join(' && ');
    const out = execFileSync('dbus-run-session', ['--', 'bash', '-c', script], { env, encoding: 'utf8', cwd: process.cwd() });
    const lines = out.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { kind: string; result: string | null });
    expect(lines.map((l) => l.kind)).toEqual(['keychain', 'keychain', 'keychain', 'keychain']);
    expect(lines[1]?.result).toBe(TOKEN);
    expect(lines[3]?.result).toBeNull();
    expect(filesContaining(scratch, TOKEN)).toEqual([]);
  });

  it('falls back to safeStorage-encrypted files when there is no D-Bus, never plain text', () => {
    const { dir, env } = freshScratch();
    const key = randomBytes(32).toString('hex');
    const set = fixture(env, [dir, 'set', TOKEN, '--cipher', key]);
    expect(set.kind).toBe('safe-storage');
    expect(set.fallbackReasons.join(' ')).toMatch(/credential vault did not answer/);
    expect(fixture(env, [dir, 'get', '--cipher', key]).result).toBe(TOKEN);
    expect(readdirSync(dir)).toEqual(['supabase-session.enc']);
    expect(statSync(path.join(dir, 'supabase-session.enc')).mode & 0o077).toBe(0);
    expect(filesContaining(scratch, TOKEN)).toEqual([]);
    fixture(env, [dir, 'delete', '--cipher', key]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps the session in memory only, and writes nothing, when nothing secure exists', () => {
    const { dir, env } = freshScratch();
    const set = fixture(env, [dir, 'set', TOKEN]);
    expect(set.kind).toBe('memory');
    expect(set.fallbackReasons).toHaveLength(2);
    expect(fixture(env, [dir, 'get']).result).toBeNull();
    expect(filesContaining(scratch, TOKEN)).toEqual([]);
    expect(() => readdirSync(dir)).toThrow(/ENOENT/);
  });
});
