import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SUPABASE_DIR } from './migrate';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
export const FUNCTIONS_DIR = path.join(SUPABASE_DIR, 'functions');
const DENO_BIN = path.join(root, 'node_modules', '.bin', 'deno');
const ROUTER = path.join(here, 'deno', 'router.ts');

/** The edge functions running in one Deno process. */
export interface FunctionsRuntime {
  /** `http://127.0.0.1:<port>`; serves `/functions/v1/<name>`. */
  readonly url: string;
  readonly names: readonly string[];
  stop(): Promise<void>;
}

export interface FunctionsRuntimeOptions {
  /** The function secrets (SUPABASE_DB_URL, SESSION_JWT_SECRET, ...). */
  readonly env: Record<string, string>;
  /** Receives the functions' log lines. */
  readonly onLog?: (line: string) => void;
  /** First start downloads npm packages into Deno's cache. */
  readonly readyTimeoutMs?: number;
}

/** Every `supabase/functions/<name>/index.ts` (folders starting with `_` are shared code). */
export function functionNames(dir = FUNCTIONS_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('_') && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
}

/** Starts Deno on the real function files with the import map hosted Supabase uses. */
export async function startFunctionsRuntime(options: FunctionsRuntimeOptions): Promise<FunctionsRuntime> {
  const names = functionNames();
  const args = [
    'run',
    '--quiet',
    '--no-prompt',
    `--config=${path.join(FUNCTIONS_DIR, 'deno.json')}`,
    '--allow-net=127.0.0.1,localhost',
    '--allow-env',
    '--allow-read',
    '--allow-sys',
    ROUTER,
    FUNCTIONS_DIR,
    ...names,
  ];
  // Only what the functions need: no inherited secrets from the developer's shell.
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '', DENO_NO_UPDATE_CHECK: '1', ...options.env };
  for (const name of ['HOME', 'DENO_DIR', 'NPM_CONFIG_REGISTRY', 'XDG_CACHE_HOME']) {
    const value = process.env[name];
    if (value) env[name] = value;
  }
  const child = spawn(DENO_BIN, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = options.onLog ?? (() => undefined);
  createInterface({ input: child.stderr }).on('line', (line) => log(line));
  const port = await waitForReady(child, options.readyTimeoutMs ?? 120_000, log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // If Node exits without stopping us (a crash), do not leave Deno running.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    url: `http://127.0.0.1:${port}`,
    names,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function waitForReady(child: ChildProcess, timeoutMs: number, log: (line: string) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    let ready = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`edge functions did not start within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!ready) reject(new Error(`deno exited with code ${code} before the functions were ready`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!ready) {
        try {
          const message = JSON.parse(line) as { ready?: boolean; port?: number };
          if (message.ready && message.port) {
            ready = true;
            clearTimeout(timer);
            resolve(message.port);
            return;
          }
        } catch {
          // Not the ready line: an ordinary log line.
        }
      }
      log(line);
    });
  });
}
