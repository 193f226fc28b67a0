// The station in Debian Chromium against the bench's local stack, for the figures that drive a
// whole interview (bench/figures/interview.ts, bench/figures/memory.ts): the built web host in a
// given connection mode, the browser with the fake microphone, and the proctor's steps from
// sign-in to Start and from End to "Interview ended".
import type { Page } from 'playwright-core';
import { signIn } from '../test/support/proctor';
import { stationEnv } from '../test/support/interviewStack';
import { startWebHostProcess, type WebHostProcess } from '../test/support/webHostProcess';
import type { BenchStack } from './stack';

// Chromium with the fake microphone, and End → "Interview ended", as the browser tests have them.
export { launchInterviewBrowser as launchStationBrowser } from '../test/support/chromium';
export { endInterview } from '../test/support/proctor';

/** The built web host (out/), wired to the bench stack, in `mode`. */
export function startStationHost(stack: BenchStack, mode: 'hybrid' | 'direct'): Promise<WebHostProcess> {
  const targets = { supabaseUrl: stack.supabase.supabaseUrl, anonKey: stack.supabase.anonKey, tokenServiceUrl: stack.tokenService.url, realtimeUrl: stack.simulator.url };
  return startWebHostProcess({ env: stationEnv(targets, mode) });
}

/** Sign in as the seeded proctor, check the candidate in with consent, wait for Start, press it. */
export async function signInAndStart(page: Page, hostUrl: string, candidateRef: string): Promise<void> {
  await signIn(page, hostUrl);
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

export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
