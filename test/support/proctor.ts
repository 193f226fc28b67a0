import type { Page } from 'playwright-core';
import { SEED_PASSWORD } from '../../devstack/supabase/seedUsers';

/**
 * The proctor's steps that need no test runner, so the benchmarks (bench/station.ts, run outside
 * vitest) drive them too; test/support/interviewPage.ts builds the browser tests' steps on them.
 */

/** Sign in as Acme's proctor on the station at `url`, and wait until it says who is signed in. */
export async function signIn(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Email').fill('proctor@acme.test');
  await page.getByLabel('Password').fill(SEED_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('signed-in-as').waitFor({ timeout: 30_000 });
}

/** End interview → End now → the end screen. */
export async function endInterview(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'End interview' }).click();
  await page.getByRole('button', { name: 'End now' }).click();
  await page.getByRole('heading', { name: 'Interview ended' }).waitFor({ timeout: 60_000 });
}
