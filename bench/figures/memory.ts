// Renderer memory after a 500-entry interview: the station's JS heap in Chromium (CDP
// Performance.getMetrics, after HeapProfiler.collectGarbage) when the room is live and before any
// entry, and again once 500 final entries have arrived and main has them durable.
//
// The simulator speaks recorded audio in real time (a few seconds a turn), so 500 entries would
// take about half an hour; this figure uses its rapid-turns script (devstack/realtime/README.md):
// short interviewer lines and text-only candidate turns, back to back, through the real path
// (peer connection, data channel, room, journal, sync). Direct mode; one run.
import type { CDPSession } from 'playwright-core';
import { DEFAULT_SCRIPT } from '../../devstack/realtime/index';
import { type Bench, type BenchOptions, type Row, judge, round } from '../lib';
import { benchStack } from '../stack';
import { endInterview, launchStationBrowser, signInAndStart, startStationHost, waitUntil } from '../station';
import { FINAL_EVENTS, NAME_SHIM, PAGE_MODULE } from './interview';

const ENTRIES = 500;
const GROWTH_LIMIT_MB = 20;
/** Time after the channel opens to read the heap before the first turn (shorter in the smoke run). */
const BASELINE_WINDOW_MS = 4_000;
const QUICK_BASELINE_WINDOW_MS = 1_500;

interface Heap {
  usedMB: number;
  domNodes: number;
  listeners: number;
}

async function heapAfterGc(cdp: CDPSession): Promise<Heap> {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? NaN;
  return { usedMB: metric('JSHeapUsedSize') / 2 ** 20, domNodes: metric('Nodes'), listeners: metric('JSEventListeners') };
}

export const memory: Bench = {
  name: 'memory',
  title: 'renderer memory (JS heap) after a 500-entry interview, against its start (simulator rapid turns)',
  async run(options: BenchOptions): Promise<Row[]> {
    const entries = options.quick ? 10 : ENTRIES;
    const { countFinals } = (await import(PAGE_MODULE)) as { countFinals(finalEvents: string[]): void };
    const stack = await benchStack();
    stack.simulator.control.setScript({ ...DEFAULT_SCRIPT, rapidTurns: { pairs: entries / 2, startAfterMs: options.quick ? QUICK_BASELINE_WINDOW_MS : BASELINE_WINDOW_MS } });
    const browser = await launchStationBrowser();
    const host = await startStationHost(stack, 'direct');
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      page.on('pageerror', (error) => options.log(`memory page: ${error.message}`));
      await page.addInitScript(NAME_SHIM);
      await page.addInitScript(countFinals, FINAL_EVENTS);
      const cdp = await context.newCDPSession(page);
      await cdp.send('Performance.enable');
      const counts = () => page.evaluate('window.__counts') as Promise<{ finals: number; durable: number }>;
      await signInAndStart(page, host.url, `bench-memory-${Date.now()}`);
      await page.getByRole('log', { name: 'Transcript' }).waitFor({ timeout: 60_000 });
      const before = await heapAfterGc(cdp);
      const atStart = await counts();
      const started = performance.now();
      await waitUntil(async () => {
        const c = await counts();
        return c.finals >= entries && c.durable >= entries;
      }, 300_000, `${entries} final entries durable`);
      const seconds = (performance.now() - started) / 1000;
      const shown = await page.locator('li[aria-busy="false"]').count();
      const after = await heapAfterGc(cdp);
      options.log(`memory: ${entries} entries in ${Math.round(seconds)} s (${shown} final lines shown); JS heap ${round(before.usedMB, 1)} → ${round(after.usedMB, 1)} MB, DOM nodes ${before.domNodes} → ${after.domNodes}`);
      await endInterview(page);
      await context.close();
      const growth = after.usedMB - before.usedMB;
      return [
        {
          figure: 'renderer memory after a 500-entry interview',
          value: round(growth, 1),
          unit: 'MB',
          stat: `JS heap growth over ${entries} entries`,
          baseline: round(before.usedMB, 1),
          baselineLabel: 'JS heap at its start, after GC',
          target: `growth ≤ ${GROWTH_LIMIT_MB} MB`,
          met: judge(options, growth <= GROWTH_LIMIT_MB),
          runs: 1,
          detail: {
            entries,
            finalsBeforeBaseline: atStart.finals,
            finalLinesShown: shown,
            seconds: round(seconds, 1),
            heapBeforeMB: round(before.usedMB, 2),
            heapAfterMB: round(after.usedMB, 2),
            domNodes: [before.domNodes, after.domNodes],
            jsEventListeners: [before.listeners, after.listeners],
          },
        },
      ];
    } finally {
      stack.simulator.control.setScript(DEFAULT_SCRIPT);
      await host.stop();
      await browser.close();
    }
  },
};
