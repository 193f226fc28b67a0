import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DENO_BIN, denoEnv, DenoFetchError, explainDenoFailure, FUNCTIONS_CONFIG, FUNCTIONS_DIR, functionNames } from './deno';

export { FUNCTIONS_DIR, functionNames };
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
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
  readonly readyTimeoutMs?: number;
}

/**
 * Starts Deno on the real function files with the import map and lockfile hosted Supabase uses.
 * It never downloads: the dependencies must already be in Deno's cache (bootstrap, or the stack
 * command, fetches them with `fetchFunctionDependencies`), and the lockfile is frozen.
 */
export async function startFunctionsRuntime(options: FunctionsRuntimeOptions): Promise<FunctionsRuntime> {
  const names = functionNames();
  const args = [
    'run',
    '--quiet',
    '--no-prompt',
    '--frozen',
    '--cached-only',
    `--config=${FUNCTIONS_CONFIG}`,
    '--allow-net=127.0.0.1,localhost',
    '--allow-env',
    '--allow-read',
    '--allow-sys',
    ROUTER,
    FUNCTIONS_DIR,
    ...names,
  ];
  // Only what the functions need: no inherited secrets from the developer's shell.
  const child = spawn(DENO_BIN, args, { cwd: root, env: denoEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
  const log = options.onLog ?? (() => undefined);
  const stderr: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    if (stderr.length < 50) stderr.push(line);
    log(line);
  });
  const port = await waitForReady(child, options.readyTimeoutMs ?? 30_000, log).catch((error: unknown) => {
    throw stderr.length ? new DenoFetchError(`edge functions did not start: ${explainDenoFailure(stderr.join('\n'))}`) : error;
  });
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
    // 'close', not 'exit': by then every stderr line has been read, so the failure can be explained.
    child.once('close', (code) => {
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
