import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSupabaseStack, type SupabaseStack } from '../../devstack/supabase/supabaseStack';
import postgres from 'postgres';
import { SEED, SEED_PASSWORD } from '../../devstack/supabase/seedUsers';
import { launchChromium } from '../support/chromium';
import { ARTIFACTS } from '../support/paths';
import { startWebHostProcess, type WebHostProcess } from '../support/webHostProcess';

/** A proctor signs in through the UI against the local stack; the page never holds a token. */
let stack: SupabaseStack;
let host: WebHostProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  stack = await startSupabaseStack();
  host = await startWebHostProcess({ env: { STATION_SUPABASE_URL: stack.supabaseUrl, STATION_SUPABASE_ANON_KEY: stack.anonKey, STATION_ID: SEED.acme.stationId } });
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(host.url);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await stack?.stop();
});

async function signIn(password: string): Promise<void> {
  await page.getByLabel('Email').fill('proctor@acme.test');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('proctor sign-in through the web host', () => {
  it('says so when the password is wrong', async () => {
    await signIn('not the password');
    await page.getByTestId('sign-in-error').waitFor();
    expect(await page.getByTestId('sign-in-error').textContent()).toBe('Wrong email or password.');
  });

  it('signs in, shows who and in which role, and survives a reload without the page holding a token', async () => {
    await signIn(SEED_PASSWORD);
    await page.getByTestId('signed-in-as').waitFor();
    expect(await page.getByTestId('signed-in-as').textContent()).toBe('Signed in as proctor@acme.test (proctor)');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'webhost-signed-in.png'), fullPage: true });

    await page.reload();
    await page.getByTestId('signed-in-as').waitFor();
    const seenByPage = await page.evaluate(async () => JSON.stringify(await window.station.auth.state()) + JSON.stringify(localStorage) + document.cookie);
    expect(seenByPage).not.toMatch(/eyJ|refresh_token|access_token/);
  });

  it('syncs transcript entries written through the page to Postgres, exactly once', async () => {
    // The station starts the interview itself: main journals only sessions it started.
    const started = await page.evaluate(
      (templateId) => window.station.interview.start({ templateId, candidateRef: 'e2e-sync', consent: { noticeVersion: '2026-12-v1', acceptedAt: new Date().toISOString() } }),
      SEED.acme.templateId,
    );
    if (!started.ok) throw new Error(`interview:start failed: ${started.error.code} ${started.error.message}`);
    const sessionId = started.value.sessionId;
    const entries = [0, 1, 2].map((n) => ({
      sessionId,
      itemId: `item_${n}`,
      contentIndex: 0,
      speaker: n % 2 === 0 ? 'ai' : 'candidate',
      content: `utterance ${n}`,
      speechStartedAt: new Date(Date.UTC(2026, 10, 21, 10, 0, n)).toISOString(),
    }));
    await page.evaluate(async (list) => {
      for (const entry of list) await window.station.transcript.append(entry as never);
      await window.station.transcript.append(list[0] as never); // a replay: no second row
    }, entries);

    const sql = postgres(stack.dbUrl, { max: 1 });
    try {
      const rows = async () => sql<{ item_id: string }[]>`select item_id from public.transcript_entries where session_id = ${sessionId} order by item_id`;
      await expect.poll(async () => (await rows()).length, { timeout: 15_000 }).toBe(3);
      expect((await rows()).map((r) => r.item_id)).toEqual(['item_0', 'item_1', 'item_2']);
    } finally {
      await sql.end();
    }
    await expect
      .poll(async () => page.evaluate(() => window.station.sync.status()), { timeout: 5_000 })
      .toMatchObject({ ok: true, value: { state: 'idle', pending: 0 } });
    await expect.poll(() => page.getByTestId('sync-status').textContent(), { timeout: 5_000 }).toBe('All transcripts are synced.');
  });

  it('signs out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('form', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate(() => window.station.auth.state())).toMatchObject({ ok: true, value: { status: 'signed-out' } });
  });
});
