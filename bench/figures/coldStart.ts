// Web host cold start → station interactive in Chromium: from spawning the built web host
// (out/main/webhost.js, a fresh data folder) to the station's first screen answering over the
// bridge (the version line app.info() fills in) in a new page of an already running Chromium.
// Reported, with its two parts: the host's ready line, then the page.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../test/support/chromium';
import { startWebHostProcess } from '../../test/support/webHostProcess';
import { type Bench, type BenchOptions, type Row, median, percentile } from '../lib';

export const coldStart: Bench = {
  name: 'cold-start',
  title: 'web host cold start → station interactive in Chromium',
  async run(options: BenchOptions): Promise<Row[]> {
    const runs = options.quick ? 1 : (options.runs ?? 5);
    // The working tree is shared: another build may be rewriting out/ right now. Wait for it, and
    // build only if nothing appears.
    const entry = path.join(import.meta.dirname, '..', '..', 'out', 'main', 'webhost.js');
    for (let waited = 0; !existsSync(entry) && waited < 30_000; waited += 500) await new Promise((resolve) => setTimeout(resolve, 500));
    if (!existsSync(entry)) {
      options.log('cold-start: out/main/webhost.js missing; npm run build');
      execFileSync('npm', ['run', '-s', 'build'], { cwd: path.join(entry, '..', '..', '..'), stdio: ['ignore', 'ignore', 'inherit'] });
    }
    const browser: Browser = await launchChromium();
    const total: number[] = [];
    const host: number[] = [];
    try {
      for (let run = 0; run < runs + 1; run++) {
        const t0 = performance.now();
        const webHost = await startWebHostProcess();
        const ready = performance.now();
        const context = await browser.newContext();
        try {
          const page = await context.newPage();
          await page.goto(webHost.url);
          await page.getByTestId('station-version').waitFor({ timeout: 15_000 });
          const interactive = performance.now();
          // The first run warms the disk cache and Chromium: not counted.
          if (run > 0) {
            total.push(interactive - t0);
            host.push(ready - t0);
          }
        } finally {
          await context.close();
          await webHost.stop();
        }
      }
    } finally {
      await browser.close();
    }
    return [
      {
        figure: 'web host cold start → station interactive in Chromium',
        value: Math.round(median(total)),
        unit: 'ms',
        stat: 'median',
        p95: Math.round(percentile(total, 95)),
        target: 'reported',
        met: null,
        runs,
        detail: { hostReadyMedianMs: Math.round(median(host)), pageMedianMs: Math.round(median(total.map((t, i) => t - (host[i] ?? 0)))) },
      },
    ];
  },
};
