// The transcript journal: append → durable with one entry in flight (an interview), beside a bare
// write + fdatasync per entry of the same bytes in the same run; and a burst with group commit.
// Runs alternate baseline and journal so that the disk's and the machine's noise fall on both.
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crashTestEntry } from '../../electron/services/journal/crashTestEntry';
import { JournalStore } from '../../electron/services/journal/journalStore';
import { type Bench, type BenchOptions, type Row, judge, median, percentile, pool, round } from '../lib';

const SESSION = '4f1c2a52-7b4e-4c8f-9d0a-0b6c1d2e3f40';
const BURST_SESSION = '4f1c2a52-7b4e-4c8f-9d0a-0b6c1d2e3f41';

export const journal: Bench = {
  name: 'journal',
  title: 'journal append → durable (one in flight) and burst with group commit',
  async run(options: BenchOptions): Promise<Row[]> {
    const runs = options.quick ? 1 : (options.runs ?? 5);
    const perRun = options.quick ? 100 : 500;
    const burst = options.quick ? 2_000 : 20_000;
    const dir = await mkdtemp(path.join(tmpdir(), 'station-bench-journal-'));
    const store = new JournalStore(path.join(dir, 'journal'));
    try {
      const file = await open(path.join(dir, 'baseline.log'), 'a');
      const one = await store.session(SESSION);
      const base: number[] = [];
      const jour: number[] = [];
      const p99s: { journal: number; bare: number }[] = [];
      let n = 0;
      for (let run = 0; run < runs; run++) {
        const b = await pool(perRun, 1, async (i) => {
          await file.write(Buffer.from(`${JSON.stringify(crashTestEntry(SESSION, run * perRun + i))}\n`));
          await file.datasync();
        });
        const j = await pool(perRun, 1, () => one.append(crashTestEntry(SESSION, n++)));
        base.push(...b.latencies);
        jour.push(...j.latencies);
        p99s.push({ journal: percentile(j.latencies, 99), bare: percentile(b.latencies, 99) });
        options.log(`journal run ${run + 1}/${runs}: p99 journal ${round(percentile(j.latencies, 99), 2)} ms, bare ${round(percentile(b.latencies, 99), 2)} ms`);
      }
      const bursts: number[] = [];
      const bareBursts: number[] = [];
      const burstJournal = await store.session(BURST_SESSION);
      for (let run = 0; run < runs; run++) {
        // The disk's ceiling for the same grouping: 256 entries per writev, one fdatasync each.
        let t = performance.now();
        for (let i = 0; i < burst; i += 256) {
          const frames = Array.from({ length: Math.min(256, burst - i) }, (_, k) => Buffer.from(`${JSON.stringify(crashTestEntry(BURST_SESSION, run * burst + i + k))}\n`));
          await file.writev(frames);
          await file.datasync();
        }
        bareBursts.push(burst / ((performance.now() - t) / 1000));
        t = performance.now();
        const r = await pool(burst, 256, (i) => burstJournal.append(crashTestEntry(BURST_SESSION, run * burst + i)));
        bursts.push(burst / r.seconds);
        options.log(`journal burst ${run + 1}/${runs}: ${Math.round(burst / r.seconds)} entries/s (bare writev + fdatasync per 256: ${Math.round(bareBursts.at(-1) ?? 0)}/s)`);
      }
      await file.close();
      // Each run's p99 beside the baseline's p99 of the run just before it: the median of those
      // ratios, so that one noisy stretch of the disk does not decide the figure.
      const p99 = median(p99s.map((r) => r.journal));
      const baseP99 = median(p99s.map((r) => r.bare));
      const p99Ratio = median(p99s.map((r) => r.journal / r.bare));
      const burstRate = median(bursts);
      const bareBurstRate = median(bareBursts);
      return [
        {
          figure: 'journal append → durable, one in flight',
          value: round(p99, 2),
          unit: 'ms',
          stat: 'p99 (median of runs)',
          p95: round(percentile(jour, 95), 2),
          baseline: round(baseP99, 2),
          baselineLabel: 'one write + fdatasync per entry, p99',
          ratio: round(p99Ratio),
          target: 'p99 ≤ 1.2×',
          met: judge(options, p99Ratio <= 1.2),
          runs,
          detail: {
            entries: jour.length,
            perRunP99Ratios: p99s.map((r) => round(r.journal / r.bare)),
            pooledP99Ms: round(percentile(jour, 99), 2),
            pooledBaselineP99Ms: round(percentile(base, 99), 2),
            medianMs: round(median(jour), 3),
            baselineMedianMs: round(median(base), 3),
          },
        },
        {
          figure: 'journal burst, group commit (256 in flight)',
          value: Math.round(burstRate),
          unit: 'entries/s',
          stat: 'median',
          baseline: Math.round(bareBurstRate),
          baselineLabel: 'bare writev of 256 + one fdatasync',
          ratio: round(burstRate / bareBurstRate),
          target: '≥ 50,000 entries/s',
          met: judge(options, burstRate >= 50_000),
          runs,
          detail: { entriesPerRun: burst, perRun: bursts.map(Math.round), barePerRun: bareBursts.map(Math.round) },
        },
      ];
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
