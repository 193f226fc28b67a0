import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { OUT } from './paths';

export interface WebHostProcess {
  readonly url: string;
  readonly origin: string;
  /** The station's data folder for this run (journals live under it); removed on stop. */
  readonly dataDir: string;
  stop(): Promise<void>;
  /** SIGKILL, as a crash: the data folder stays, for a host started again on it (`dataDir` option). */
  kill(): Promise<void>;
}

/**
 * Starts the built web host (out/main/webhost.js) on a free port with a fresh data folder and
 * waits for its ready line.
 */
export interface WebHostOptions {
  /** Contents of the machine policy file the host reads. */
  readonly policy?: string;
  /** STATION_* development overrides, e.g. the local stack's Supabase URL and anon key. */
  readonly env?: Record<string, string>;
  /**
   * Interview sessions this station started in an earlier run (their journals are on disk), so its
   * transcript channels take them; main refuses session ids it did not start.
   */
  readonly earlierSessions?: readonly string[];
  /** An existing data folder (a restart after `kill()`); kept on stop, the caller removes it. */
  readonly dataDir?: string;
  /** How long to wait for the ready line (default 15 s; a loaded CI machine may need more). */
  readonly readyTimeoutMs?: number;
  /** A file the host's output (its log lines, stdout and stderr) is appended to, kept as an artifact. */
  readonly logPath?: string;
}

export async function startWebHostProcess(options: WebHostOptions = {}): Promise<WebHostProcess> {
  const entry = path.join(OUT, 'main', 'webhost.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run "npm run build" first (npm test does)`);
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'station-data-'));
  // Never the machine's own policy: the test's (or none, which means defaults).
  const policyFile = path.join(dataDir, 'policy.json');
  if (options.policy !== undefined) writeFileSync(policyFile, options.policy);
  if (options.earlierSessions?.length) {
    // What interview:start leaves behind: an (empty) journal per session, as the journal store makes them.
    mkdirSync(path.join(dataDir, 'journal'), { recursive: true, mode: 0o700 });
    for (const id of options.earlierSessions) writeFileSync(path.join(dataDir, 'journal', `${id}.journal`), '', { mode: 0o600 });
  }
  const child: ChildProcess = spawn(process.execPath, [entry, '--port', '0', '--data-dir', dataDir, '--policy-file', policyFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('STATION_'))), ...options.env },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  if (options.logPath !== undefined) {
    mkdirSync(path.dirname(options.logPath), { recursive: true });
    const log = createWriteStream(options.logPath, { flags: 'a' });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    child.once('exit', () => log.end());
  }

  const ready = await new Promise<{ url: string; origin: string }>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const readyMs = options.readyTimeoutMs ?? 15_000;
    const timer = setTimeout(() => reject(new Error(`web host did not start in ${readyMs / 1000} s\n${stderr}`)), readyMs);
    lines.on('line', (line) => {
      if (!line.startsWith('{"webhost"')) return;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { webhost: { url: string; origin: string } }).webhost);
    });
    child.once('exit', (code) => reject(new Error(`web host exited with ${String(code)}\n${stderr}`)));
  });

  return {
    ...ready,
    dataDir,
    stop: async () => {
      // A host already killed (kill()) has a signalCode and no exitCode: nothing to wait for.
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
      }
      if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      });
    },
  };
}
