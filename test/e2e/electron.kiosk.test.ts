import { afterEach, describe, expect, it } from 'vitest';
import { hashPin } from '../../electron/services/proctor/pin';
import { ELECTRON_SKIP, launchStation, named, type LaunchedStation } from '../support/electronApp';

/**
 * The kiosk IT deploys, in the Electron app: full-screen kiosk window kept out of screen capture,
 * close and quit refused without the proctor PIN, the PIN's lockout surviving a restart. Skipped,
 * saying so, where the Electron binary is not installed.
 */
const PIN = '482913';
let running: LaunchedStation[] = [];
afterEach(async () => {
  for (const station of running) await station.close();
  running = [];
});

async function kioskStation(dataDir?: string): Promise<LaunchedStation> {
  const station = await launchStation({ policy: { kiosk: true, proctorPinHash: await hashPin(PIN, { N: 1024, r: 8, p: 1 }) }, dataDir });
  running.push(station);
  return station;
}

const windowState = (station: LaunchedStation) =>
  station.app.evaluate(({ BrowserWindow }) => {
    const window = BrowserWindow.getAllWindows()[0];
    return window ? { kiosk: window.isKiosk(), fullScreen: window.isFullScreen(), contentProtected: window.isContentProtected(), open: !window.isDestroyed() } : null;
  });

describe.skipIf(ELECTRON_SKIP !== undefined)('Electron app: kiosk', () => {
  it(named('opens as a full-screen kiosk window protected from screen capture'), async () => {
    const station = await kioskStation();
    expect(await windowState(station)).toMatchObject({ kiosk: true, fullScreen: true, contentProtected: true });
  });

  it(named('refuses close and quit without the proctor PIN, and quits with it'), async () => {
    const station = await kioskStation();
    await station.app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.close());
    await station.app.evaluate(({ app }) => app.quit());
    await station.window.waitForTimeout(500);
    expect(await windowState(station)).toMatchObject({ open: true, kiosk: true });

    const closed = station.app.waitForEvent('close');
    const answer = await station.window.evaluate((pin) => window.station.proctor.unlock({ pin, action: 'quit' }), PIN);
    expect(answer).toEqual({ ok: true, value: { unlocked: true } });
    await closed;
  });

  it(named('keeps the PIN lockout across a restart'), async () => {
    const first = await kioskStation();
    for (let i = 0; i < 5; i++) await first.window.evaluate(() => window.station.proctor.unlock({ pin: '000000', action: 'quit' }));
    // A proctor's quit is refused while locked out; the test ends this run the hard way.
    await first.app.evaluate(({ app }) => app.exit(0));
    const second = await kioskStation(first.dataDir);
    const answer = await second.window.evaluate((pin) => window.station.proctor.unlock({ pin, action: 'exit-kiosk' }), PIN);
    expect(answer).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
  });
});
