import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiPathOf } from '../../contracts/api';
import { IPC_CHANNELS, IPC_EVENTS } from '../../contracts/ipc';
import pkg from '../../package.json';
import { ELECTRON_SKIP, launchStation, named, type LaunchedStation } from '../support/electronApp';
import { ARTIFACTS } from '../support/paths';

/**
 * The Electron app itself, driven by playwright-core's `_electron`: the locked-down window. Skipped,
 * saying so, where the Electron binary is not installed.
 */
describe.skipIf(ELECTRON_SKIP !== undefined)('Electron app: the window', () => {
  let station: LaunchedStation;

  beforeAll(async () => {
    station = await launchStation();
  }, 60_000);
  afterAll(async () => station?.close());

  it(named('shows the station version from app.info(), under Electron'), async () => {
    const page = station.window;
    await page.getByTestId('station-version').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('station-version').textContent()).toBe(`Interview Station ${pkg.version}`);
    expect(await page.getByTestId('station-host').textContent()).toMatch(/^Electron /);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'electron-station.png') });
  });

  it(named('the preload exposes window.station and nothing else of Node or Electron'), async () => {
    const seen = await station.window.evaluate(() => ({
      origin: location.origin,
      domains: Object.keys(window.station).sort(),
      leaks: ['require', 'process', 'module', 'Buffer', 'ipcRenderer', 'electron', 'global'].filter((name) => name in globalThis),
    }));
    expect(seen.origin).toBe('app://station');
    expect(seen.domains).toEqual([...new Set([...IPC_CHANNELS, ...IPC_EVENTS].map((name) => apiPathOf(name)[0]))].sort());
    expect(seen.leaks).toEqual([]);
  });

  it(named('denies window.open and navigation away from the app'), async () => {
    const page = station.window;
    expect(await page.evaluate(() => window.open('https://example.com') === null)).toBe(true);
    await page.evaluate(() => {
      location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(new URL(page.url()).origin).toBe('app://station');
    expect(station.app.windows()).toHaveLength(1);
  });
});
