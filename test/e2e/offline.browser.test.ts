import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium';
import { ARTIFACTS } from '../support/paths';
import { startWebHostProcess, type WebHostProcess } from '../support/webHostProcess';
import { freePort } from '../../devstack/supabase/freePort';

/** With Supabase unreachable, transcripts are still kept, and the station says they wait to sync. */
let host: WebHostProcess;
/** An interview this station started before the network went (its journal is on disk). */
const SESSION = '4f1c2a52-7b4e-4c8f-9d0a-0b6c1d2e3f40';
let browser: Browser;

beforeAll(async () => {
  const unreachable = `http://127.0.0.1:${await freePort()}`;
  host = await startWebHostProcess({ earlierSessions: [SESSION], env: { STATION_SUPABASE_URL: unreachable, STATION_SUPABASE_ANON_KEY: 'anon-key-of-a-project-that-is-down' } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('offline station', () => {
  it('keeps transcript entries and shows them waiting to sync', async () => {
    const page = await browser.newPage();
    await page.goto(host.url);
    const sessionId = SESSION;
    for (const n of [0, 1]) {
      const appended = await page.evaluate(
        (entry) => window.station.transcript.append(entry),
        { sessionId, itemId: `item_${n}`, contentIndex: 0, speaker: 'candidate', content: `answer ${n}`, speechStartedAt: '2026-11-21T10:00:00.000Z' } as const,
      );
      expect(appended).toMatchObject({ ok: true });
    }
    await expect
      .poll(() => page.getByTestId('sync-status').textContent(), { timeout: 15_000 })
      .toBe('2 transcript entries are kept on this computer and will sync when the network returns.');
    expect(await page.evaluate(() => window.station.network.state())).toMatchObject({ ok: true, value: { supabaseReachable: false } });
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'webhost-offline.png'), fullPage: true });
  });
});
