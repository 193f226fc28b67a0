import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, silentLogger } from '../log';
import { appUpdaterPort } from './appUpdaterPort';
import { nodeAppImageUpdater } from './nodeUpdater.fixture';
import { UpdateController } from './updateController';

/**
 * The update policy with electron-updater's own code against a local feed on 127.0.0.1 laid out as
 * electron-builder publishes it (latest-linux.yml, beta-linux.yml, the AppImage). Only Electron's
 * `app` and `net` are replaced (see nodeUpdater.fixture.ts).
 */
const appImage = Buffer.from('stand-in AppImage bytes for the update feed test\n'.repeat(64));
const sha512 = createHash('sha512').update(appImage).digest('base64');

function channelFile(version: string): string {
  const file = `Interview-Station-${version}.AppImage`;
  return `version: ${version}\nfiles:\n  - url: ${file}\n    sha512: ${sha512}\n    size: ${appImage.length}\npath: ${file}\nsha512: ${sha512}\nreleaseDate: '2026-12-01T00:00:00.000Z'\n`;
}

let feed: { latest: string; beta: string } = { latest: '0.2.0', beta: '0.3.0-beta.1' };
const requests: string[] = [];
const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  requests.push(url.pathname);
  if (url.pathname === '/feed/latest-linux.yml') return void res.end(channelFile(feed.latest));
  if (url.pathname === '/feed/beta-linux.yml') return void res.end(channelFile(feed.beta));
  if (url.pathname.endsWith('.AppImage')) return void res.writeHead(200, { 'content-length': appImage.length }).end(appImage);
  res.writeHead(404).end();
});
let feedUrl = '';
const scratch = mkdtempSync(path.join(tmpdir(), 'station-update-feed-'));

beforeAll(async () => {
  // An AppImage station runs with APPIMAGE naming its own file; the updater replaces that file.
  const running = path.join(scratch, 'Interview-Station-running.AppImage');
  writeFileSync(running, 'the AppImage this station runs from');
  process.env['APPIMAGE'] = running;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  feedUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(scratch, { recursive: true, force: true });
});
beforeEach(() => {
  requests.length = 0;
  feed = { latest: '0.2.0', beta: '0.3.0-beta.1' };
});

let run = 0;
/** A station at `version` with the managed `updates` setting, on electron-updater's real code. */
function station(version: string, updates: 'off' | { channel: 'stable' | 'beta' }) {
  const dir = path.join(scratch, String(run++));
  const cacheDir = path.join(dir, 'cache');
  const control = new UpdateController({
    // The schema takes only https feeds; the test feed is plain http on loopback.
    updates: updates === 'off' ? 'off' : { ...updates, url: feedUrl },
    currentVersion: version,
    createUpdater: () => appUpdaterPort(nodeAppImageUpdater({ version, dataDir: dir, cacheDir }), process.env['DEBUG_UPDATES'] ? createLogger('updater', undefined, 'debug') : silentLogger),
    log: process.env['DEBUG_UPDATES'] ? createLogger('updates') : silentLogger,
    timers: { setInterval: () => 'no periodic checks in this test', clearInterval: () => undefined },
  });
  const downloaded = () => {
    try {
      return readdirSync(path.join(cacheDir, 'interview-station-updater', 'pending')).filter((f) => f.endsWith('.AppImage'));
    } catch {
      return [];
    }
  };
  return { control, downloaded };
}

describe('controlled updates against a local feed', () => {
  it('stable channel: reads latest-linux.yml only, downloads the newer AppImage and checks its sha512', async () => {
    const { control, downloaded } = station('0.1.0', { channel: 'stable' });
    control.start();
    expect(await control.checkNow()).toBe('downloaded');
    expect(requests).toContain('/feed/latest-linux.yml');
    expect(requests.some((r) => r.startsWith('/feed/beta'))).toBe(false);
    expect(downloaded()).toEqual(['Interview-Station-0.2.0.AppImage']);
  });

  it('beta channel: reads beta-linux.yml and takes the pre-release', async () => {
    const { control, downloaded } = station('0.1.0', { channel: 'beta' });
    control.start();
    expect(await control.checkNow()).toBe('downloaded');
    expect(requests).toContain('/feed/beta-linux.yml');
    expect(requests).not.toContain('/feed/latest-linux.yml');
    expect(downloaded()).toEqual(['Interview-Station-0.3.0-beta.1.AppImage']);
  });

  it('off: the feed is never asked', async () => {
    const { control } = station('0.1.0', 'off');
    control.start();
    expect(await control.checkNow()).toBe('off');
    expect(requests).toEqual([]);
  });

  it('never downgrades: a beta station moved to stable keeps its version while stable is older', async () => {
    // electron-updater allows downgrades as soon as a channel is set; the station turns that off.
    const { control, downloaded } = station('0.3.0-beta.1', { channel: 'stable' });
    control.start();
    const state = await control.checkNow();
    expect(requests).toContain('/feed/latest-linux.yml');
    expect(state).toBe('up-to-date');
    expect(requests.some((r) => r.endsWith('.AppImage'))).toBe(false);
    expect(downloaded()).toEqual([]);
  });

  it('during an interview nothing is fetched; when it ends the update is checked and downloaded', async () => {
    const { control, downloaded } = station('0.1.0', { channel: 'stable' });
    control.interviewActive(true);
    control.start();
    expect(await control.checkNow()).toBe('deferred');
    expect(requests).toEqual([]);
    control.interviewActive(false);
    await expect.poll(() => control.status(), { timeout: 10_000 }).toBe('downloaded');
    expect(downloaded()).toEqual(['Interview-Station-0.2.0.AppImage']);
  });
});
