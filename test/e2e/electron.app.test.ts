import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { _electron as electron, type ElectronApplication } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import pkg from '../../package.json';
import { findElectronBinary } from '../../scripts/electronBinary.mjs';
import { ARTIFACTS, ROOT } from '../support/paths';

/**
 * The Electron app itself, driven by playwright-core's Electron support. It needs the Electron
 * binary, which cannot be downloaded on machines without internet: there it is skipped, and the
 * reason is printed. Everywhere the binary exists, it runs.
 */
const binary = findElectronBinary();
const skipReason = 'missing' in binary ? binary.missing : undefined;
if (skipReason) process.stdout.write(`\n[electron.app.test] skipped: ${skipReason}\n`);

describe.skipIf(skipReason !== undefined)(skipReason ? `Electron app (skipped: ${skipReason})` : 'Electron app', () => {
  let app: ElectronApplication | undefined;

  afterAll(async () => {
    await app?.close();
  });

  it('opens a locked-down window that shows the station version from app.info()', async () => {
    app = await electron.launch({ executablePath: 'path' in binary ? binary.path : '', args: [ROOT], env: { ...process.env, CI: 'true' } });
    const stationWindow = await app.firstWindow();
    await stationWindow.getByTestId('station-version').waitFor({ timeout: 15_000 });
    expect(await stationWindow.getByTestId('station-version').textContent()).toBe(`Interview Station ${pkg.version}`);
    expect(await stationWindow.getByTestId('station-host').textContent()).toMatch(/^Electron /);

    const inPage = await stationWindow.evaluate(() => ({
      origin: location.origin,
      hasRequire: typeof (globalThis as { require?: unknown }).require !== 'undefined',
      hasProcess: typeof (globalThis as { process?: unknown }).process !== 'undefined',
      domains: Object.keys(window.station).sort(),
    }));
    expect(inPage.hasRequire).toBe(false);
    expect(inPage.hasProcess).toBe(false);
    expect(inPage.domains).toContain('transcript');

    const opened = await stationWindow.evaluate(() => window.open('https://example.com') === null);
    expect(opened).toBe(true);

    mkdirSync(ARTIFACTS, { recursive: true });
    await stationWindow.screenshot({ path: path.join(ARTIFACTS, 'electron-station.png') });
  });
});
