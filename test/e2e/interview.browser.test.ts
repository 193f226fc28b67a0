import { copyFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchInterviewBrowser } from '../support/chromium';
import { endInterview, fillCheckIn, finalLines, journal, screenshots, sessionOf, sessionStatus, signedInPage, startAndGoLive } from '../support/interviewPage';
import { gatedTokenServiceComponent, importStackModule, startStation, stopSuite } from '../support/interviewStack';
import { ROOT } from '../support/paths';
import { startGate, type Gate } from '../support/tcpGate';
import type { WebHostProcess } from '../support/webHostProcess';

/**
 * The whole interview in Debian Chromium through the web host, against the whole local stack
 * (Postgres, auth, edge functions, Realtime simulator, token service), with the fake microphone
 * playing devstack/realtime/fixtures/candidate.wav: in hybrid and in direct mode; the token
 * service down at the start; the edge functions unreachable during an interview.
 */

const NOTICE_VERSION = '2026-12-v1';
let stack: { info: Record<string, unknown>; stop(): Promise<void> };
/** Between interview-start's token service URL and the token service: shut it and the token service is down. */
let tokenGate: Gate;
let sql: postgres.Sql;
let browser: Browser;
const hosts: WebHostProcess[] = [];
const gates: Gate[] = [];

beforeAll(async () => {
  const module = await importStackModule();
  // The token service listens on a port of its own; interview-start hands out the gate's.
  const gatedTokenService = gatedTokenServiceComponent(module, (gate) => (tokenGate = gate));
  stack = await module.startStack([module.supabaseComponent, module.realtimeComponent, gatedTokenService], { temp: true });
  sql = postgres(String(stack.info['dbUrl']), { max: 2 });
  browser = await launchInterviewBrowser();
}, 240_000);

afterAll(() => stopSuite({ browser, hosts, gates, sql, stack }), 60_000);

async function station(mode: 'hybrid' | 'direct', supabaseUrl?: string): Promise<WebHostProcess> {
  const host = await startStation(stack.info, { mode, supabaseUrl });
  hosts.push(host);
  return host;
}

const shot = screenshots('interview');

/** Signed in, with page errors and CSP refusals in the console collected in `problems`. */
function openSignedIn(host: WebHostProcess, problems: string[]): Promise<Page> {
  return signedInPage(browser, host.url, problems, { consoleErrors: /Content Security Policy|Refused to connect/ });
}

/** Home → check-in with consent → device check with a moving level meter. */
async function checkIn(page: Page, candidateRef: string, screenshotPrefix: string | null): Promise<void> {
  if (screenshotPrefix) await shot(page, `${screenshotPrefix}-1-home`);
  await fillCheckIn(page, candidateRef);
  if (screenshotPrefix) await shot(page, `${screenshotPrefix}-2-check-in`);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Microphone', { exact: true }).waitFor({ timeout: 30_000 });
  const meter = page.getByRole('meter', { name: 'Microphone level' });
  await expect.poll(async () => Number(await meter.getAttribute('aria-valuenow')), { timeout: 30_000 }).toBeGreaterThan(0);
}

/** The loudest level (0..1 RMS) of what the page's <audio> element plays, over `ms`. */
function interviewerLevel(page: Page, ms: number): Promise<number> {
  return page.evaluate(async (duration) => {
    const audio = document.querySelector('audio');
    const stream = audio?.srcObject;
    if (!(stream instanceof MediaStream) || stream.getAudioTracks().length === 0) return 0;
    const context = new AudioContext();
    await context.resume();
    const analyser = context.createAnalyser();
    context.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let peak = 0;
    const until = performance.now() + duration;
    while (performance.now() < until) {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const v of samples) sum += v * v;
      peak = Math.max(peak, Math.sqrt(sum / samples.length));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await context.close();
    return peak;
  }, ms);
}

async function waitForBothSpeakers(page: Page): Promise<void> {
  await expect
    .poll(async () => new Set((await finalLines(page)).map((line) => line.speaker)), { timeout: 120_000, interval: 1000 })
    .toEqual(new Set(['Interviewer', 'Candidate']));
}

/**
 * Postgres holds every journaled entry exactly once, with its speaker, and ordering the rows by
 * speech start gives the journal's speech-start order.
 */
async function expectStoredExactlyOnce(page: Page, sessionId: string): Promise<number> {
  const { entries } = await journal(page, sessionId);
  expect(entries.length).toBeGreaterThanOrEqual(2);
  let rows: { item_id: string; content_index: number; speaker: string; copies: number }[] = [];
  await expect
    .poll(
      async () => {
        rows = await sql`
          select item_id, content_index, speaker::text as speaker, count(*) over (partition by item_id, content_index)::int as copies
          from public.transcript_entries where session_id = ${sessionId}
          order by "timestamp", item_id, content_index`;
        return rows.length;
      },
      { timeout: 60_000, interval: 1000 },
    )
    .toBeGreaterThanOrEqual(entries.length);
  const key = (e: { itemId?: string; item_id?: string; contentIndex?: number; content_index?: number }) => `${e.itemId ?? e.item_id}/${e.contentIndex ?? e.content_index}`;
  const ordered = [...entries].sort((a, b) => Date.parse(a.speechStartedAt) - Date.parse(b.speechStartedAt) || (key(a) < key(b) ? -1 : 1));
  expect(rows.every((row) => row.copies === 1)).toBe(true);
  // Every journaled entry is stored, with its speaker, in speech-start order (the sideband may add
  // utterances the page never finalised; they keep their place in the same order).
  const stored = rows.map((row) => ({ key: key(row), speaker: row.speaker }));
  const journaled = ordered.map((entry) => ({ key: key(entry), speaker: entry.speaker }));
  expect(stored.filter((row) => journaled.some((j) => j.key === row.key))).toEqual(journaled);
  expect(new Set(rows.map((row) => row.speaker))).toEqual(new Set(['ai', 'candidate']));
  return rows.length;
}

async function expectEndedWithConsent(sessionId: string): Promise<void> {
  const [row] = await sql<{ status: string; consent_notice_version: string | null; consent_accepted_at: Date | null; created_at: Date }[]>`
    select status, consent_notice_version, consent_accepted_at, created_at from public.interview_sessions where id = ${sessionId}`;
  expect(row).toMatchObject({ status: 'ended', consent_notice_version: NOTICE_VERSION });
  expect(row?.consent_accepted_at).toBeInstanceOf(Date);
  // Accepted at check-in, just before the session was created.
  expect(Math.abs(row!.created_at.getTime() - row!.consent_accepted_at!.getTime())).toBeLessThan(120_000);
}

describe.each(['hybrid', 'direct'] as const)('a whole interview in %s mode', (mode) => {
  it(
    'sign in → check-in with consent → device check → Start → interviewer heard, both speakers transcribed → End → stored once, in order, ended with consent',
    async () => {
      const problems: string[] = [];
      const host = await station(mode);
      const page = await openSignedIn(host, problems);
      // The page may reach the Realtime API only in direct mode, and only its configured origin.
      const csp = (await page.request.get(`${host.origin}/index.html`)).headers()['content-security-policy'] ?? '';
      const connectSrc = /connect-src ([^;]*)/.exec(csp)?.[1]?.split(' ') ?? [];
      const realtimeOrigin = new URL(String(stack.info['realtimeUrl'])).origin;
      expect(connectSrc).toEqual(["'self'", `ws://${new URL(host.origin).host}`, ...(mode === 'direct' ? [realtimeOrigin] : [])]);
      const candidateRef = `e2e-${mode}-${Date.now()}`;
      await checkIn(page, candidateRef, mode);
      await expect.poll(() => page.getByRole('button', { name: 'Start interview' }).isEnabled(), { timeout: 60_000 }).toBe(true);
      await shot(page, `${mode}-3-device-check`);
      await startAndGoLive(page);

      await expect.poll(() => interviewerLevel(page, 1500), { timeout: 60_000, interval: 500 }).toBeGreaterThan(0.001);
      await waitForBothSpeakers(page);
      const room = await shot(page, `${mode}-4-room`);
      // The README's screenshot, refreshed on request only (a test run leaves committed files alone).
      if (mode === 'hybrid' && process.env['UPDATE_DOCS_SCREENSHOTS'] === '1') copyFileSync(room, path.join(ROOT, 'docs', 'interview-room.png'));

      await page.getByRole('button', { name: 'End interview' }).click();
      await shot(page, `${mode}-5-confirm-end`);
      await page.getByRole('button', { name: 'End now' }).click();
      await page.getByRole('heading', { name: 'Interview ended' }).waitFor({ timeout: 60_000 });

      const sessionId = await sessionOf(sql, candidateRef);
      const stored = await expectStoredExactlyOnce(page, sessionId);
      await expectEndedWithConsent(sessionId);
      // The end screen counts what this station saved and what reached the server.
      await expect.poll(() => page.getByTestId('entries-synced').textContent(), { timeout: 60_000 }).toBe(await page.getByTestId('entries-saved').textContent());
      await shot(page, `${mode}-6-ended`);
      expect(stored).toBeGreaterThanOrEqual(2);
      expect(problems).toEqual([]);
    },
    420_000,
  );
});

describe('the token service is down when the interview is to start', () => {
  it('says so in the device check with Check again, blocks Start, and starts once it is back', async () => {
    const problems: string[] = [];
    const host = await station('hybrid');
    const page = await openSignedIn(host, problems);
    await tokenGate.close();
    try {
      const candidateRef = `e2e-token-down-${Date.now()}`;
      await checkIn(page, candidateRef, null);
      const alert = page.getByRole('alert').filter({ hasText: 'Not answering: the token service' });
      await alert.waitFor({ timeout: 60_000 });
      expect(await alert.textContent()).toContain('The interview cannot start until it does.');
      expect(await page.getByRole('button', { name: 'Start interview' }).isEnabled()).toBe(false);
      await shot(page, 'token-down-device-check');
    } finally {
      await tokenGate.open();
    }
    await page.getByRole('button', { name: 'Check again' }).click();
    await startAndGoLive(page);
    await endInterview(page);
    expect(problems).toEqual([]);
  }, 300_000);
});

describe('the edge functions are unreachable during the interview', () => {
  it('keeps the entries on this machine, shows them pending, and every one arrives once they are back, with the end', async () => {
    const problems: string[] = [];
    // Direct mode: only the station uploads (no sideband), so what reaches Postgres came from this machine.
    const supabaseGate = await startGate(String(stack.info['supabaseUrl']));
    gates.push(supabaseGate);
    const host = await station('direct', supabaseGate.url);
    const page = await openSignedIn(host, problems);
    const candidateRef = `e2e-outage-${Date.now()}`;
    await checkIn(page, candidateRef, null);
    await startAndGoLive(page);
    const sessionId = await sessionOf(sql, candidateRef);

    await supabaseGate.close();
    // Main's sync status becomes an interview:state-changed event, shown in the room.
    await page.getByRole('alert').filter({ hasText: 'Transcripts cannot be uploaded right now' }).waitFor({ timeout: 90_000 });
    await waitForBothSpeakers(page);
    await expect.poll(async () => (await journal(page, sessionId)).unsynced, { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
    await shot(page, 'outage-room');
    const [{ count: before } = { count: -1 }] = await sql<{ count: number }[]>`select count(*)::int as count from public.transcript_entries where session_id = ${sessionId}`;

    await endInterview(page);
    // Ended here, not confirmed by the server; the end screen shows what waits to sync.
    await expect.poll(async () => Number(await page.getByTestId('entries-saved').textContent()), { timeout: 30_000 }).toBeGreaterThan(Number(await page.getByTestId('entries-synced').textContent()));
    await page.getByText(/entries will sync as soon as the network allows/).waitFor();
    await shot(page, 'outage-ended-pending');
    const { entries, unsynced } = await journal(page, sessionId);
    expect(unsynced).toBeGreaterThan(0);
    expect(entries.length - before).toBeGreaterThanOrEqual(unsynced);

    await supabaseGate.open();
    await expect.poll(async () => (await journal(page, sessionId)).unsynced, { timeout: 90_000, interval: 1000 }).toBe(0);
    await expect.poll(() => page.getByTestId('entries-synced').textContent(), { timeout: 30_000 }).toBe(String(entries.length));
    const [{ count: after } = { count: -1 }] = await sql<{ count: number }[]>`select count(*)::int as count from public.transcript_entries where session_id = ${sessionId}`;
    expect(after).toBe(entries.length);
    await expectStoredExactlyOnce(page, sessionId);
    // The end the station could not report is recorded once Supabase answers again.
    await expect.poll(() => sessionStatus(sql, sessionId), { timeout: 60_000, interval: 1000 }).toBe('ended');
    await expectEndedWithConsent(sessionId);
    await shot(page, 'outage-synced');
    expect(problems).toEqual([]);
  }, 420_000);
});
