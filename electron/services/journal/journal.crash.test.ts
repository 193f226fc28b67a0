import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { crashTestEntry } from './crashTestEntry';
import { JournalStore } from './journalStore';

/**
 * A child process appends entries and is SIGKILLed at a random moment, again and again. After
 * each kill, reopening the journal must find every entry the child saw acknowledged, intact.
 * (Opening parses and checks every record, so a corrupt one fails the run.)
 */
const RUNS = 100;
const PARALLEL = 2;
const SESSION = '4f1c2a52-7b4e-4c8f-9d0a-0b6c1d2e3f40';
const CHILD = path.join(__dirname, 'crashChild.fixture.ts');

interface RunOutcome {
  readonly acknowledged: number[];
  readonly recovered: number;
}

async function crashOnce(): Promise<RunOutcome> {
  const dir = await mkdtemp(path.join(tmpdir(), 'station-crash-'));
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, SESSION], { stdio: ['ignore', 'pipe', 'inherit'] });
    const acknowledged: number[] = [];
    const lines = createInterface({ input: child.stdout });
    const drained = new Promise<void>((resolve) => lines.once('close', () => resolve()));
    lines.on('line', (line) => {
      if (line === 'ready') setTimeout(() => child.kill('SIGKILL'), 1 + Math.random() * 40);
      else if (line.startsWith('ack ')) acknowledged.push(Number(line.slice(4)));
    });
    // Every ack the child printed before it died is in the pipe; read to its end.
    await drained;

    const store = new JournalStore(dir);
    try {
      const journal = await store.session(SESSION);
      const byItem = new Map(journal.list().map((entry) => [entry.itemId, entry]));
      for (const n of acknowledged) expect(byItem.get(`item_${n}`), `acknowledged entry ${n}`).toEqual(crashTestEntry(SESSION, n));
      return { acknowledged, recovered: byItem.size };
    } finally {
      await store.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('journal under crashes', () => {
  it(`keeps every acknowledged entry through ${RUNS} SIGKILLs`, async () => {
    const outcomes: RunOutcome[] = [];
    for (let started = 0; started < RUNS; started += PARALLEL) {
      outcomes.push(...(await Promise.all(Array.from({ length: Math.min(PARALLEL, RUNS - started) }, crashOnce))));
    }
    const acknowledged = outcomes.reduce((sum, o) => sum + o.acknowledged.length, 0);
    const recovered = outcomes.reduce((sum, o) => sum + o.recovered, 0);
    process.stdout.write(`[journal crash test] ${RUNS} kills, ${acknowledged} acknowledged entries, ${recovered} recovered (unacknowledged writes may also survive)\n`);
    expect(outcomes).toHaveLength(RUNS);
    // The kills must land while the child is writing, or the test proves nothing.
    expect(outcomes.filter((o) => o.acknowledged.length > 0).length).toBeGreaterThan(RUNS / 2);
    for (const outcome of outcomes) expect(outcome.recovered).toBeGreaterThanOrEqual(outcome.acknowledged.length);
  }, 600_000);
});
