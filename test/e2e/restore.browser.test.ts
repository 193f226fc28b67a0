import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchInterviewBrowser } from '../support/chromium';
import { endInterview, finalLines, goLive, journal, roomStatus, screenshots, sessionOf, sessionStatus, type JournalEntry } from '../support/interviewPage';
import { importStackModule, startStation, stopSuite } from '../support/interviewStack';
import type { RunningComponent } from '../support/stackModule';
import { startGate, type Gate } from '../support/tcpGate';
import type { WebHostProcess } from '../support/webHostProcess';

/**
 * Issue 14, in Debian Chromium through the web host against the whole local stack: the station's
 * main-process services are SIGKILLed mid-interview and started again on the same data folder, the
 * page reloaded (direct and hybrid mode), or only the page is reloaded (hybrid) → the interview is
 * restored from this machine's copy with every acknowledged entry, continues (Live again), ends,
 * and Postgres holds each entry exactly once. And an end made while
 * the edge functions are unreachable survives a restart of the web host and reaches the server
 * once they are back.
 */

let stack: RunningComponent;
let sql: postgres.Sql;
let browser: Browser;
const hosts: WebHostProcess[] = [];
const gates: Gate[] = [];
const dataDirs: string[] = [];

beforeAll(async () => {
  const module = await importStackModule();
  stack = await module.startStack([module.supabaseComponent, module.realtimeComponent, module.tokenServiceComponent], { temp: true });
  sql = postgres(String(stack.info['dbUrl']), { max: 2 });
  browser = await launchInterviewBrowser();
}, 240_000);

afterAll(async () => {
  await stopSuite({ browser, hosts, gates, sql, stack });
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
}, 60_000);

/** One station machine: its data folder and its secret key stay across restarts of its web host. */
function machine(): { dataDir: string; secretKey: string } {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'station-restore-'));
  dataDirs.push(dataDir);
  return { dataDir, secretKey: randomBytes(32).toString('hex') };
}

type Mode = 'direct' | 'hybrid';

async function station(at: { dataDir: string; secretKey: string }, options: { mode?: Mode; supabaseUrl?: string } = {}): Promise<WebHostProcess> {
  const host = await startStation(stack.info, {
    mode: options.mode ?? 'direct',
    supabaseUrl: options.supabaseUrl,
    dataDir: at.dataDir,
    env: { STATION_WEBHOST_SECRET_KEY: at.secretKey },
  });
  hosts.push(host);
  return host;
}

const shot = screenshots('restore');

/**
 * How the interview is interrupted: the web host's station services SIGKILLed and started again
 * on the same data folder (then the page reloaded), or only the page reloaded (services alive).
 */
type Interruption = 'kill' | 'reload';

const RESTORED_BECAUSE: Record<Interruption, string> = {
  kill: 'The station restarted during this interview.',
  reload: 'This page was reloaded during this interview.',
};

/**
 * Live interview → some of it acknowledged (durable in the journal) → interrupted → the restored
 * view shows every acknowledged entry → Continue → Live again, more said → End → Postgres holds
 * every journaled entry exactly once, the row is ended, nothing restorable is left. Screenshots of
 * the restored and continued states go to test-results/restore-<name>-*.png.
 */
async function interruptRestoreContinue(mode: Mode, interruption: Interruption, name: string): Promise<{ page: Page; sessionId: string; candidateRef: string; entries: JournalEntry[]; problems: string[] }> {
  const problems: string[] = [];
  const at = machine();
  const first = await station(at, { mode });
  const candidateRef = `e2e-restore-${name}-${Date.now()}`;
  const page = await goLive(browser, first.url, candidateRef, problems);
  const sessionId = await sessionOf(sql, candidateRef);
  // Some of the interview is said and acknowledged (durable in the journal) before the interruption.
  await expect
    .poll(async () => new Set((await journal(page, sessionId)).entries.map((e) => e.speaker)), { timeout: 120_000, interval: 1000 })
    .toEqual(new Set(['ai', 'candidate']));
  const acknowledged = (await journal(page, sessionId)).entries;

  if (interruption === 'kill') {
    await first.kill();
    await page.goto((await station(at, { mode })).url);
  } else {
    await page.reload();
  }

  // Restored: still signed in, and the interview comes back from the journal.
  await page.getByRole('heading', { name: 'Interview restored' }).waitFor({ timeout: 60_000 });
  const notice = await page.getByTestId('restored-notice').textContent();
  expect(notice).toContain("restored from this machine's copy");
  expect(notice).toContain(RESTORED_BECAUSE[interruption]);
  expect(await page.getByTestId('restored-candidate').textContent()).toBe(candidateRef);
  const shown = await finalLines(page);
  expect(shown.length).toBeGreaterThanOrEqual(acknowledged.length);
  for (const entry of acknowledged) expect(shown.map((line) => line.text)).toContain(entry.content);
  await shot(page, `${name}-restored`);

  // Continue: a new realtime session (context from the journal), Live again, the room keeps the earlier lines.
  await page.getByRole('button', { name: 'Continue interview' }).click();
  await roomStatus(page, /^Live/, 60_000);
  await expect.poll(async () => (await finalLines(page)).length, { timeout: 120_000, interval: 1000 }).toBeGreaterThan(shown.length);
  await shot(page, `${name}-continued`);

  await endInterview(page);

  // Postgres: every journaled entry (those before the interruption among them) exactly once.
  const { entries } = await journal(page, sessionId);
  for (const entry of acknowledged) expect(entries.some((e) => e.itemId === entry.itemId && e.contentIndex === entry.contentIndex)).toBe(true);
  const journaled = new Set(entries.map((e) => `${e.itemId}/${e.contentIndex}`));
  let rows: { key: string; source: string; copies: number }[] = [];
  await expect
    .poll(
      async () => {
        rows = await sql`select item_id || '/' || content_index as key, source::text as source, count(*) over (partition by item_id, content_index)::int as copies
                         from public.transcript_entries where session_id = ${sessionId}`;
        return [...journaled].filter((key) => !rows.some((row) => row.key === key));
      },
      { timeout: 60_000, interval: 1000 },
    )
    .toEqual([]);
  expect(rows.filter((row) => row.copies !== 1)).toEqual([]);
  // Nothing else, except (hybrid) what the token service captured server-side on the sideband
  // while the station was down: it stores those lines itself.
  const unjournaled = rows.filter((row) => !journaled.has(row.key));
  if (mode === 'direct') expect(unjournaled).toEqual([]);
  else expect(unjournaled.filter((row) => row.source !== 'sideband')).toEqual([]);
  await expect.poll(() => sessionStatus(sql, sessionId), { timeout: 30_000 }).toBe('ended');
  // Nothing restorable is left once it ended.
  const active = await page.evaluate(() => window.station.interview.active());
  expect(active).toEqual({ ok: true, value: { interview: null } });
  return { page, sessionId, candidateRef, entries, problems };
}

describe('the station is killed mid-interview and comes back', () => {
  it('direct: restores the interview from this machine\'s copy with every acknowledged entry, continues it, ends it; Postgres has each entry once', async () => {
    const { page, sessionId, candidateRef, entries, problems } = await interruptRestoreContinue('direct', 'kill', 'direct-kill');

    // Interviews on this station: the interview is listed with what is saved here and synced, and exports.
    await page.getByRole('button', { name: 'Back to station home' }).click();
    await page.getByRole('button', { name: 'Interviews on this station' }).click();
    const row = page.locator(`tr[data-session-id="${sessionId}"]`);
    await row.waitFor({ timeout: 30_000 });
    expect(await row.textContent()).toContain(candidateRef);
    expect(await row.textContent()).toContain('Ended');
    await expect.poll(() => row.getByTestId('local-synced').textContent(), { timeout: 60_000 }).toBe(String(entries.length));
    expect(await row.getByTestId('local-saved').textContent()).toBe(String(entries.length));
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: 'JSON' }).click()]);
    expect(download.suggestedFilename()).toBe(`interview-${sessionId}.json`);
    await shot(page, 'local-interviews');
    expect(problems).toEqual([]);
  }, 480_000);

  it('hybrid (offers and the sideband through the token service): the same, after a SIGKILL of the station services', async () => {
    const { problems } = await interruptRestoreContinue('hybrid', 'kill', 'hybrid-kill');
    expect(problems).toEqual([]);
  }, 480_000);
});

describe('only the page is reloaded mid-interview (the station services stay up)', () => {
  it('hybrid: the restored view shows every acknowledged entry; continuing works; Postgres has each entry once', async () => {
    const { problems } = await interruptRestoreContinue('hybrid', 'reload', 'hybrid-reload');
    expect(problems).toEqual([]);
  }, 480_000);
});

describe('ending while the edge functions are unreachable', () => {
  it('queues the end durably: the web host restarts, the functions come back, the session row is ended', async () => {
    const problems: string[] = [];
    const gate = await startGate(String(stack.info['supabaseUrl']));
    gates.push(gate);
    const at = machine();
    const first = await station(at, { supabaseUrl: gate.url });
    const candidateRef = `e2e-end-offline-${Date.now()}`;
    const page = await goLive(browser, first.url, candidateRef, problems);
    const sessionId = await sessionOf(sql, candidateRef);
    await expect.poll(() => sessionStatus(sql, sessionId), { timeout: 30_000 }).toBe('live');

    await gate.close();
    await endInterview(page);
    await page.getByText('The server has not confirmed the end yet').waitFor({ timeout: 30_000 });
    expect(await sessionStatus(sql, sessionId)).toBe('live');

    // The station restarts while the functions are still unreachable, then they come back.
    await first.kill();
    const second = await station(at, { supabaseUrl: gate.url });
    await page.goto(second.url);
    await page.getByTestId('signed-in-as').waitFor({ timeout: 60_000 });
    // Ended here: nothing to restore.
    expect(await page.getByRole('heading', { name: 'Interview restored' }).count()).toBe(0);
    const listed = await page.evaluate(() => window.station.interview.listLocal());
    expect(listed.ok && listed.value.interviews.find((i) => i.sessionId === sessionId)).toMatchObject({ candidateRef, endPending: true, active: false });
    await gate.open();
    await expect.poll(() => sessionStatus(sql, sessionId), { timeout: 120_000, interval: 1000 }).toBe('ended');
    await expect
      .poll(async () => {
        const after = await page.evaluate(() => window.station.interview.listLocal());
        return after.ok ? after.value.interviews.find((i) => i.sessionId === sessionId)?.endPending : undefined;
      }, { timeout: 30_000 })
      .toBe(false);
    expect(problems).toEqual([]);
  }, 480_000);
});
