// Shared pieces of the benchmark runner (bench/run.ts): the row every figure reports, the options
// every figure takes, and the statistics (medians and p95 over several runs).
import { type ChildProcess, execFileSync, fork } from 'node:child_process';

export interface BenchOptions {
  /** Smoke mode for CI: every figure runs briefly and must produce numbers; timings are not judged. */
  readonly quick: boolean;
  /** Repetitions where a figure repeats (its own default when absent). */
  readonly runs?: number;
  /** Progress lines (stderr), not part of the table. */
  readonly log: (line: string) => void;
}

/** One line of the table. `value` is the figure (median unless `stat` says otherwise). */
export interface Row {
  readonly figure: string;
  /** null: not measured (then `note` says why). */
  readonly value: number | null;
  readonly unit: string;
  /** What the figure's value is: 'median', 'p95', 'p99', 'total', ... */
  readonly stat?: string;
  readonly p95?: number | null;
  /** The bare baseline measured in the same run, in the same unit. */
  readonly baseline?: number | null;
  readonly baselineLabel?: string;
  /** value / baseline. */
  readonly ratio?: number | null;
  /** The target as text (for the table) … */
  readonly target?: string;
  /** … and whether this run met it (null: no target, or not judged in quick mode). */
  readonly met?: boolean | null;
  readonly runs: number;
  readonly note?: string;
  readonly detail?: Record<string, unknown>;
}

/** A figure: a module under bench/figures exports one (or more). */
export interface Bench {
  readonly name: string;
  /** What it measures, one line (shown by --list). */
  readonly title: string;
  run(options: BenchOptions): Promise<Row[]>;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

export const round = (value: number, digits = 2): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** The verdict on a target; in quick mode nothing is judged (null). */
export function judge(options: BenchOptions, met: boolean): boolean | null {
  return options.quick ? null : met;
}

/** A row for a figure that could not be measured in this run, with the reason. */
export function notMeasured(figure: string, unit: string, reason: string, target?: string): Row {
  return { figure, value: null, unit, runs: 0, note: `not measured: ${reason}`, ...(target ? { target, met: null } : {}) };
}

/**
 * Forks `module` (a .ts file, run with tsx) as a helper process that answers requests: each
 * `ask(message)` sends one message and resolves with the next reply. The helper's first message
 * is `ready`. Used so that a server's memory and CPU are not the load generator's.
 */
export async function helper<Ready>(
  module: string,
  env: Record<string, string>,
  execArgv: string[] = [],
): Promise<{ ready: Ready; ask<T>(message: unknown): Promise<T>; child: ChildProcess; stop(): Promise<void> }> {
  const child = fork(module, [], { execArgv: ['--import', 'tsx', ...execArgv], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = <T>() =>
    new Promise<T>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`${module} exited (${String(code)})`));
      child.once('exit', onExit);
      child.once('message', (message) => {
        child.off('exit', onExit);
        resolve(message as T);
      });
    });
  const ready = await next<Ready>();
  return {
    ready,
    child,
    ask: <T>(message: unknown) => {
      const reply = next<T>();
      child.send(message as never);
      return reply;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send('exit');
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Runs `work` with at most `concurrency` in flight until `total` are done; per-item latencies in ms. */
export async function pool(total: number, concurrency: number, work: (n: number) => Promise<unknown>): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      for (let n = next++; n < total; n = next++) {
        const t = performance.now();
        await work(n);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

/**
 * The open-files hard limit a process here gets (Node raises its soft limit to it at start-up).
 * Raising the hard limit needs CAP_SYS_RESOURCE, which a container may not have.
 */
export function openFilesHardLimit(): number {
  try {
    const text = execFileSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim();
    return text === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(text);
  } catch {
    return 1024;
  }
}
