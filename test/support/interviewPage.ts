import type { StationApi } from '@interview-station/contracts';
import type { Browser, Page } from 'playwright-core';
import type postgres from 'postgres';
import { expect } from 'vitest';
import { SEED_PASSWORD } from '../../devstack/supabase/seedUsers';

/**
 * Driving the interview screens in Chromium the way a proctor does, and reading what the station
 * and Postgres hold, for the browser tests that run whole interviews against the local stack.
 */

/** A new browser context signed in as Acme's proctor; page errors are collected in `problems`. */
export async function signedInPage(browser: Browser, url: string, problems: string[]): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(url);
  await page.getByLabel('Email').fill('proctor@acme.test');
  await page.getByLabel('Password').fill(SEED_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('signed-in-as').waitFor({ timeout: 30_000 });
  return page;
}

/** Check-in with consent → device check → Start → "Live". */
export async function checkInAndGoLive(page: Page, candidateRef: string): Promise<void> {
  await page.getByRole('button', { name: 'New interview' }).click();
  await page.getByLabel('Candidate reference').fill(candidateRef);
  await expect.poll(() => page.getByLabel('Interview', { exact: true }).locator('option:checked').textContent(), { timeout: 30_000 }).toContain('Support engineer screen');
  await page.getByRole('checkbox', { name: /^I agree/ }).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  const start = page.getByRole('button', { name: 'Start interview' });
  await expect.poll(() => start.isEnabled(), { timeout: 60_000 }).toBe(true);
  await start.click();
  await roomStatus(page, /^Live/, 60_000);
}

/** Waits until the room's status line matches (e.g. /^Reconnecting/, /^Paused/, /^Live/). */
export async function roomStatus(page: Page, pattern: RegExp, timeout: number): Promise<void> {
  await page.getByRole('status').filter({ hasText: pattern }).waitFor({ timeout });
}

export interface TranscriptLine {
  readonly speaker: string;
  readonly text: string;
}

/** The transcript's final lines as the room shows them ('Interviewer' | 'Candidate'). */
export async function finalLines(page: Page): Promise<TranscriptLine[]> {
  return page
    .getByRole('log', { name: 'Transcript' })
    .locator('li[aria-busy="false"]')
    .evaluateAll((items) => items.map((li) => ({ speaker: li.querySelector('.speaker')?.textContent ?? '', text: li.querySelector('.text')?.textContent ?? '' })));
}

/** Waits until the transcript shows at least `n` final lines by `speaker`. */
export async function waitForFinals(page: Page, speaker: 'Interviewer' | 'Candidate', n: number, timeout = 60_000): Promise<void> {
  await expect.poll(async () => (await finalLines(page)).filter((l) => l.speaker === speaker).length, { timeout, interval: 500 }).toBeGreaterThanOrEqual(n);
}

/** End interview → End now → the end screen. */
export async function endInterview(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'End interview' }).click();
  await page.getByRole('button', { name: 'End now' }).click();
  await page.getByRole('heading', { name: 'Interview ended' }).waitFor({ timeout: 60_000 });
}

export interface JournalEntry {
  readonly itemId: string;
  readonly contentIndex: number;
  readonly speaker: 'ai' | 'candidate';
  readonly content: string;
  readonly speechStartedAt: string;
}

/** What this station's journal holds for a session (in speech order), and how much is not synced. */
export async function journal(page: Page, sessionId: string): Promise<{ entries: JournalEntry[]; unsynced: number }> {
  // globalThis, not window: this file is also compiled without the DOM library.
  const listed = await page.evaluate((id) => (globalThis as unknown as { station: StationApi }).station.transcript.list({ sessionId: id }), sessionId);
  if (!listed.ok) throw new Error(`transcript.list: ${listed.error.message}`);
  return listed.value;
}

export async function sessionOf(sql: postgres.Sql, candidateRef: string): Promise<string> {
  const [row] = await sql<{ id: string }[]>`select id from public.interview_sessions where candidate_ref = ${candidateRef}`;
  if (!row) throw new Error(`no session for ${candidateRef}`);
  return row.id;
}

export async function sessionStatus(sql: postgres.Sql, sessionId: string): Promise<string | undefined> {
  return (await sql<{ status: string }[]>`select status::text as status from public.interview_sessions where id = ${sessionId}`)[0]?.status;
}

export interface StoredRow {
  readonly item_id: string;
  readonly content_index: number;
  readonly speaker: string;
  readonly content: string;
  /** Speech start (ISO), what rows are ordered by. */
  readonly spoken_at: string;
  readonly copies: number;
}

/**
 * Once the journal has synced: Postgres's rows for the session in speech order, each with how many
 * copies of its key exist (the caller asserts exactly one).
 */
export async function storedAfterSync(page: Page, sql: postgres.Sql, sessionId: string): Promise<StoredRow[]> {
  await expect.poll(async () => (await journal(page, sessionId)).unsynced, { timeout: 60_000, interval: 1_000 }).toBe(0);
  return sql<StoredRow[]>`
    select item_id, content_index, speaker::text as speaker, content,
      to_char("timestamp" at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as spoken_at, count(*) over (partition by item_id, content_index)::int as copies
    from public.transcript_entries where session_id = ${sessionId} order by "timestamp", item_id, content_index`;
}
