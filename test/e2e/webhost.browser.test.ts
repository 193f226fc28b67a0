import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pkg from '../../package.json';
import { launchChromium } from '../support/chromium';
import { ARTIFACTS } from '../support/paths';
import { startWebHostProcess, type WebHostProcess } from '../support/webHostProcess';

/**
 * The renderer, unchanged, in real Chromium through the web host: window.station works over the
 * bridge and what it answers reaches the screen.
 */
let host: WebHostProcess;
/** An interview this station started before the run (its journal is on disk). */
const EARLIER_SESSION = '4f1c2a52-7b4e-4c8f-9d0a-0b6c1d2e3f40';
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  host = await startWebHostProcess({ earlierSessions: [EARLIER_SESSION] });
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(host.url);
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('station UI through the web host', () => {
  it('shows the station version that app.info() answered over the bridge', async () => {
    const version = page.getByTestId('station-version');
    await version.waitFor({ timeout: 10_000 });
    expect(await version.textContent()).toBe(`Interview Station ${pkg.version}`);
    expect(await page.getByTestId('station-host').textContent()).toBe('Web host (development)');
    expect(await page.getByTestId('station-config').textContent()).toContain('Connection mode hybrid');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'webhost-station.png'), fullPage: true });
  });

  it('gives the page window.station and nothing generic', async () => {
    const shape = await page.evaluate(() => ({
      domains: Object.keys(window.station).sort(),
      auth: Object.keys(window.station.auth).sort(),
      hasInvoke: 'invoke' in window.station,
      tokenInUrl: location.href.includes('token='),
    }));
    expect(shape.domains).toEqual(['app', 'auth', 'config', 'interview', 'network', 'proctor', 'realtime', 'station', 'sync', 'transcript']);
    expect(shape.auth).toEqual(['onStateChanged', 'signIn', 'signOut', 'state']);
    expect(shape.hasInvoke).toBe(false);
    expect(shape.tokenInUrl).toBe(false);
  });

  it('gets typed errors back for bad input and for a station not connected to a project', async () => {
    const [bad, notYet, notOurs] = await page.evaluate(async () => [
      await window.station.auth.signIn({ email: 'not-an-email', password: 'x' }),
      await window.station.interview.start({
        templateId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
        candidateRef: 'CAND-1',
        consent: { noticeVersion: '2026-12-v1', acceptedAt: '2026-12-01T10:00:00.000Z' },
      }),
      await window.station.realtime.token({ sessionId: '0b6c1d2e-3f40-4f1c-8a52-7b4e4c8f9d0a' }),
    ]);
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', field: 'email' } });
    expect(notYet).toMatchObject({ ok: false, error: { code: 'CONFIGURATION_INVALID' } });
    expect(notOurs).toMatchObject({ ok: false, error: { code: 'NOT_AUTHORIZED', field: 'sessionId' } });
  });

  it('makes a transcript entry durable and lists it again after a reload', async () => {
    const sessionId = EARLIER_SESSION;
    const entry = { sessionId, itemId: 'item_1', contentIndex: 0, speaker: 'candidate', content: 'I led the migration.', speechStartedAt: '2026-11-21T10:00:00.000Z' } as const;
    const appended = await page.evaluate((e) => window.station.transcript.append(e), entry);
    expect(appended).toEqual({ ok: true, value: { key: `${sessionId}/item_1/0`, duplicate: false } });
    await page.reload();
    const listed = await page.evaluate((id) => window.station.transcript.list({ sessionId: id }), sessionId);
    expect(listed).toMatchObject({ ok: true, value: { entries: [{ ...entry, source: 'client' }], unsynced: 1 } });
    const exported = await page.evaluate((id) => window.station.transcript.export({ sessionId: id, format: 'text' }), sessionId);
    expect(exported).toEqual({
      ok: true,
      value: { filename: `interview-${sessionId}.txt`, mimeType: 'text/plain', content: '[10:00:00] Candidate: I led the migration.\n' },
    });
  });

  it('loads without console errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
