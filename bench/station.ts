// The station in Debian Chromium against the bench's local stack, for the figures that drive a
// whole interview (bench/figures/interview.ts, bench/figures/memory.ts): the built web host in a
// given connection mode, the browser with the fake microphone, and the proctor's steps from
// sign-in to Start and from End to "Interview ended".
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { SEED, SEED_PASSWORD } from '../devstack/supabase/seedUsers';
import { launchChromium } from '../test/support/chromium';
import { startWebHostProcess, type WebHostProcess } from '../test/support/webHostProcess';
import type { BenchStack } from './stack';

const FAKE_MIC = path.join(import.meta.dirname, '..', 'devstack', 'realtime', 'fixtures', 'candidate.wav');

/** Debian Chromium with the fake microphone (the candidate fixture), autoplay and loopback WebRTC. */
export function launchStationBrowser(): Promise<Browser> {
  return launchChromium([`--use-file-for-fake-audio-capture=${FAKE_MIC}`, '--autoplay-policy=no-user-gesture-required', '--allow-loopback-in-peer-connection']);
}

/** The built web host (out/), wired to the bench stack, in `mode`. */
export function startStationHost(stack: BenchStack, mode: 'hybrid' | 'direct'): Promise<WebHostProcess> {
  return startWebHostProcess({
    env: {
      STATION_SUPABASE_URL: stack.supabase.supabaseUrl,
      STATION_SUPABASE_ANON_KEY: stack.supabase.anonKey,
      STATION_TOKEN_SERVICE_URL: stack.tokenService.url,
      STATION_REALTIME_URL: stack.simulator.url,
      STATION_CONNECTION_MODE: mode,
      STATION_ID: SEED.acme.stationId,
    },
  });
}

/** Sign in as the seeded proctor, check the candidate in with consent, wait for Start, press it. */
export async function signInAndStart(page: Page, hostUrl: string, candidateRef: string): Promise<void> {
  await page.goto(hostUrl);
  await page.getByLabel('Email').fill('proctor@acme.test');
  await page.getByLabel('Password').fill(SEED_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('signed-in-as').waitFor({ timeout: 30_000 });
  await page.getByRole('button', { name: 'New interview' }).click();
  await page.getByLabel('Candidate reference').fill(candidateRef);
  const picker = page.getByLabel('Interview', { exact: true });
  await waitUntil(async () => ((await picker.locator('option:checked').textContent()) ?? '').length > 0, 30_000, 'a template to be offered');
  await page.getByRole('checkbox', { name: /^I agree/ }).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  const start = page.getByRole('button', { name: 'Start interview' });
  // The device check does the early work (session, key or proxy) meanwhile; Start is enabled after.
  await waitUntil(() => start.isEnabled(), 60_000, 'Start to be enabled');
  await start.click();
}

/** End the interview from the room and wait for the ended screen. */
export async function endInterview(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'End interview' }).click();
  await page.getByRole('button', { name: 'End now' }).click();
  await page.getByRole('heading', { name: 'Interview ended' }).waitFor({ timeout: 60_000 });
}

export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
