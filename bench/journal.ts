// Journal benchmark (DESIGN.md targets: entry → fsynced p99 under 10 ms; 20,000 entries/s with
// group commit), beside a bare baseline in the same run: one write + fdatasync per entry, which is
// the floor any durable append pays on this disk.
//   node --import tsx bench/journal.ts
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { crashTestEntry } from '../electron/services/journal/crashTestEntry';
import { JournalStore } from '../electron/services/journal/journalStore';

const SESSION = '4f1c2a52-7b4e-4c8f-9d0a-0b6c1d2e3f40';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Appends `total` entries with `concurrency` in flight; per-entry latencies and the wall time. */
async function run(total: number, concurrency: number, append: (n: number) => Promise<unknown>): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    for (let n = next++; n < total; n = next++) {
      const t = performance.now();
      await append(n);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies: latencies.sort((a, b) => a - b), seconds: (performance.now() - started) / 1000 };
}

function report(name: string, total: number, { latencies, seconds }: { latencies: number[]; seconds: number }): void {
  const ms = (v: number) => `${v.toFixed(2)} ms`.padStart(10);
  console.log(`${name.padEnd(44)} ${String(Math.round(total / seconds)).padStart(7)} entries/s  p50 ${ms(percentile(latencies, 50))}  p99 ${ms(percentile(latencies, 99))}`);
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'station-bench-'));
  try {
    const file = await open(path.join(dir, 'baseline.log'), 'a');
    report('baseline: write + fdatasync, 1 in flight', 1_000, await run(1_000, 1, async (n) => {
      await file.write(Buffer.from(JSON.stringify(crashTestEntry(SESSION, n))));
      await file.datasync();
    }));
    await file.close();

    const store = new JournalStore(path.join(dir, 'journal'));
    const journal = await store.session(SESSION);
    report('journal, 1 in flight (an interview)', 1_000, await run(1_000, 1, (n) => journal.append(crashTestEntry(SESSION, n))));
    report('journal, 256 in flight (a burst)', 20_000, await run(20_000, 256, (n) => journal.append(crashTestEntry(SESSION, 10_000 + n))));
    await store.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

void main();
