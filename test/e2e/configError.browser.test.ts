import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium';
import { ARTIFACTS } from '../support/paths';
import { startWebHostProcess, type WebHostProcess } from '../support/webHostProcess';

/** A bad managed-configuration file stops the station and tells the person which file and key. */
let host: WebHostProcess;
let browser: Browser;

beforeAll(async () => {
  host = await startWebHostProcess({ policy: JSON.stringify({ kiosk: 'yes', connectionMode: 'direct' }) });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('configuration error screen', () => {
  it('names the policy file and the bad key, and nothing else runs', async () => {
    const page = await browser.newPage();
    await page.goto(host.url);
    const message = page.getByTestId('config-error');
    await message.waitFor({ timeout: 10_000 });
    expect(await message.textContent()).toMatch(new RegExp(`${path.join(host.dataDir, 'policy.json')}: kiosk: `));
    expect(await page.getByTestId('station-config').count()).toBe(0);
    const append = await page.evaluate(() =>
      window.station.transcript.list({ sessionId: '4f1c2a52-7b4e-4c8f-9d0a-0b6c1d2e3f40' }),
    );
    expect(append).toMatchObject({ ok: false, error: { code: 'CONFIGURATION_INVALID', field: 'kiosk' } });
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'webhost-config-error.png'), fullPage: true });
  });
});
