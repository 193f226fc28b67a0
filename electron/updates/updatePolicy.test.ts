import { describe, expect, it } from 'vitest';
import { silentLogger } from '../log';
import { UpdateController, type Updater, type UpdateOffer } from './updateController';
import { decideOffer, updaterSettings } from './updatePolicy';

const FEED = 'https://updates.example.test/station';

describe('update policy', () => {
  it('off means no updater settings at all; a channel pins the feed file and never allows a downgrade', () => {
    expect(updaterSettings('off')).toMatchObject({ enabled: false });
    expect(updaterSettings({ channel: 'stable', url: FEED })).toEqual({
      enabled: true, feedUrl: FEED, channel: 'latest', allowPrerelease: false, allowDowngrade: false, autoDownload: false, autoInstallOnAppQuit: true,
    });
    expect(updaterSettings({ channel: 'beta', url: FEED })).toMatchObject({ channel: 'beta', allowPrerelease: true, allowDowngrade: false });
  });

  it('takes only a strictly newer version, and no pre-release on stable', () => {
    expect(decideOffer('1.2.0', '1.3.0', 'stable')).toEqual({ action: 'download' });
    expect(decideOffer('1.2.0', '1.2.0', 'stable')).toEqual({ action: 'ignore', reason: 'same-version' });
    expect(decideOffer('1.2.0', '1.1.9', 'stable')).toEqual({ action: 'ignore', reason: 'older-version' });
    expect(decideOffer('1.2.0', '1.3.0-beta.1', 'stable')).toEqual({ action: 'ignore', reason: 'not-on-channel' });
    expect(decideOffer('1.2.0', '1.3.0-beta.1', 'beta')).toEqual({ action: 'download' });
    // A station moved from beta back to stable keeps its beta until stable passes it.
    expect(decideOffer('1.3.0-beta.2', '1.2.5', 'stable')).toEqual({ action: 'ignore', reason: 'older-version' });
    expect(decideOffer('1.3.0-beta.2', '1.3.0', 'stable')).toEqual({ action: 'download' });
    expect(decideOffer('1.2.0', 'latest', 'stable')).toEqual({ action: 'ignore', reason: 'invalid-version' });
  });
});

/** An updater whose feed offers `offer`, whose download waits until `finishDownload()`. */
function fakeUpdater(offer: UpdateOffer | null) {
  const calls: string[] = [];
  let finish: (() => void) | undefined;
  let fail: ((error: Error) => void) | undefined;
  const updater: Updater = {
    configure: (settings) => void calls.push(`configure ${settings.channel}`),
    check: () => {
      calls.push('check');
      return Promise.resolve(offer);
    },
    download: () => {
      calls.push('download');
      return new Promise<void>((resolve, reject) => {
        finish = resolve;
        fail = reject;
      });
    },
    cancelDownload: () => {
      calls.push('cancel');
      fail?.(new Error('cancelled'));
    },
  };
  return { updater, calls, finishDownload: () => finish?.() };
}

function controller(updates: 'off' | { channel: 'stable' | 'beta'; url: string }, offer: UpdateOffer | null, currentVersion = '1.0.0') {
  const fake = fakeUpdater(offer);
  let created = 0;
  const timers = { setInterval: () => 'timer', clearInterval: () => undefined };
  const control = new UpdateController({ updates, currentVersion, createUpdater: () => (created++, fake.updater), log: silentLogger, timers });
  return { control, ...fake, created: () => created };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('update controller', () => {
  it('off: never creates the updater, never checks', async () => {
    const { control, calls, created } = controller('off', { version: '9.9.9' });
    control.start();
    expect(await control.checkNow()).toBe('off');
    expect(created()).toBe(0);
    expect(calls).toEqual([]);
  });

  it('pinned channel: configures it, checks at start and downloads a newer version', async () => {
    const { control, calls, finishDownload } = controller({ channel: 'beta', url: FEED }, { version: '1.1.0-beta.1' });
    control.start();
    await tick();
    expect(calls).toEqual(['configure beta', 'check', 'download']);
    expect(control.status()).toBe('downloading');
    finishDownload();
    expect(await control.checkNow()).toBe('downloaded');
  });

  it('during an interview: no check and no download; the check runs when it ends', async () => {
    const { control, calls, finishDownload } = controller({ channel: 'stable', url: FEED }, { version: '1.1.0' });
    control.interviewActive(true);
    control.start();
    await tick();
    expect(calls).toEqual(['configure latest']);
    expect(control.status()).toBe('deferred');
    control.interviewActive(false);
    await tick();
    expect(calls).toEqual(['configure latest', 'check', 'download']);
    finishDownload();
    await tick();
    expect(control.status()).toBe('downloaded');
  });

  it('an interview that starts mid-download cancels it; it restarts after the interview', async () => {
    const { control, calls } = controller({ channel: 'stable', url: FEED }, { version: '1.1.0' });
    control.start();
    await tick();
    control.interviewActive(true);
    await tick();
    expect(calls).toEqual(['configure latest', 'check', 'download', 'cancel']);
    expect(control.status()).toBe('deferred');
    control.interviewActive(false);
    await tick();
    expect(calls.slice(4)).toEqual(['check', 'download']);
  });

  it('refuses an older version the feed offers, and says so', async () => {
    const { control, calls } = controller({ channel: 'stable', url: FEED }, { version: '0.9.0' });
    control.start();
    await tick();
    expect(control.status()).toBe('refused');
    expect(calls).not.toContain('download');
  });
});
