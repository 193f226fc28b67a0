import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { StationApi } from '@interview-station/contracts';
import type { Browser, Page } from 'playwright-core';
import type postgres from 'postgres';
import { expect } from 'vitest';
import { ARTIFACTS } from './paths';
import { endInterview, signIn } from './proctor';
import type { CallSnapshot, SimulatorHandle } from './simulatorModule';

export { endInterview, signIn };

/**
 * Driving the interview screens in Chromium the way a proctor does, and reading what the station,
 * Postgres and the realtime simulator hold, for the browser tests that run whole interviews against
 * the local stack.
 */

export interface SignedInPageOptions {
  /** Console errors matching this are collected in `problems` too (e.g. CSP refusals). */
  readonly consoleErrors?: RegExp;
  /** Runs on the new page before it first loads the station (e.g. `page.addInitScript`). */
  readonly beforeGoto?: (page: Page) => Promise<void>;
}

/** A new browser context signed in as Acme's proctor; page errors are collected in `problems`. */
export async function signedInPage(browser: Browser, url: string, problems: string[], options: SignedInPageOptions = {}): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  page.on('pageerror', (error) => problems.push(error.message));
  const { consoleErrors } = options;
  if (consoleErrors) {
    page.on('console', (message) => {
      if (message.type() === 'error' && consoleErrors.test(message.text())) problems.push(message.text());
    });
  }
  await options.beforeGoto?.(page);
  await signIn(page, url);
  return page;
}

/** Home → New interview → the candidate reference → the template offered → consent ticked (not yet Continue). */
export async function fillCheckIn(page: Page, candidateRef: string): Promise<void> {
  await page.getByRole('button', { name: 'New interview' }).click();
  await page.getByLabel('Candidate reference').fill(candidateRef);
  // The template list comes from interview:templates (station-context); Acme has one, chosen for you.
  await expect.poll(() => page.getByLabel('Interview', { exact: true }).locator('option:checked').textContent(), { timeout: 30_000 }).toContain('Support engineer screen');
  await page.getByRole('checkbox', { name: /^I agree/ }).check();
}

/** Presses Start once it is enabled and waits for the room to say "Live". */
export async function startAndGoLive(page: Page): Promise<void> {
  const start = page.getByRole('button', { name: 'Start interview' });
  await expect.poll(() => start.isEnabled(), { timeout: 60_000 }).toBe(true);
  await start.click();
  await roomStatus(page, /^Live/, 60_000);
}

/** Check-in with consent → device check → Start → "Live". */
async function checkInAndGoLive(page: Page, candidateRef: string): Promise<void> {
  await fillCheckIn(page, candidateRef);
  await page.getByRole('button', { name: 'Continue' }).click();
  await startAndGoLive(page);
}

/** Sign in → check-in with consent → device check → Start → "Live", in a new browser context. */
export async function goLive(browser: Browser, url: string, candidateRef: string, problems: string[], options: SignedInPageOptions = {}): Promise<Page> {
  const page = await signedInPage(browser, url, problems, options);
  await checkInAndGoLive(page, candidateRef);
  return page;
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

/** How many final lines by `speaker` the transcript shows. */
export async function finalCount(page: Page, speaker: 'Interviewer' | 'Candidate'): Promise<number> {
  return (await finalLines(page)).filter((l) => l.speaker === speaker).length;
}

/** Waits until the transcript shows at least `n` final lines by `speaker`. */
export async function waitForFinals(page: Page, speaker: 'Interviewer' | 'Candidate', n: number, timeout = 60_000): Promise<void> {
  await expect.poll(() => finalCount(page, speaker), { timeout, interval: 500 }).toBeGreaterThanOrEqual(n);
}

/** The simulator's one open call (asserts there is exactly one). */
export function openCall(sim: SimulatorHandle): CallSnapshot {
  const open = sim.control.calls().filter((c) => c.state === 'open');
  expect(open).toHaveLength(1);
  return open[0]!;
}

/** Screenshots for one suite: `shot(page, name)` writes test-results/<suite>-<name>.png and returns the file. */
export function screenshots(suite: string): (page: Page, name: string) => Promise<string> {
  return async (page, name) => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, `${suite}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };
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

/** The id of the interview session checked in as `candidateRef`. */
export async function sessionOf(sql: postgres.Sql, candidateRef: string): Promise<string> {
  const [row] = await sql<{ id: string }[]>`select id from public.interview_sessions where candidate_ref = ${candidateRef}`;
  if (!row) throw new Error(`no session for ${candidateRef}`);
  return row.id;
}

/** The session row's status in Postgres ('live', 'ended', ...), undefined without a row. */
export async function sessionStatus(sql: postgres.Sql, sessionId: string): Promise<string | undefined> {
  return (await sql<{ status: string }[]>`select status::text as status from public.interview_sessions where id = ${sessionId}`)[0]?.status;
}

export interface StoredRow {
  readonly item_id: string;
  readonly content_index: number;
  readonly speaker: string;
  readonly content: string;
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
      count(*) over (partition by item_id, content_index)::int as copies
    from public.transcript_entries where session_id = ${sessionId} order by "timestamp", item_id, content_index`;
}
