import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchInterviewBrowser } from '../support/chromium';
import { endInterview, finalLines, goLive, journal, openCall, roomStatus, screenshots, sessionOf, storedAfterSync, waitForFinals, type StoredRow } from '../support/interviewPage';
import {
  controlledSimulatorComponent,
  importRealtimeModule,
  importStackModule,
  longScript,
  restartableTokenServiceComponent,
  startStation,
  type RestartableService,
  stopSuite,
} from '../support/interviewStack';
import { ARTIFACTS } from '../support/paths';
import type { CallSnapshot, SimulatorHandle } from '../support/simulatorModule';
import type { WebHostProcess } from '../support/webHostProcess';

/**
 * Interviews that survive (issue 14), in Debian Chromium through the web host against the whole
 * local stack, hybrid mode (the token service relays the offers and keeps a sideband): the
 * simulator drops the peer, closes the data channel, fails a transcription; the token service
 * restarts; a 30 s provider session cap makes the station roll over. Each time the interview goes
 * on in a new realtime session that was given the transcript so far (asserted on the simulator's
 * record of what each call received), and Postgres ends with every entry exactly once.
 */

const GAP_TEXT = '[inaudible — transcription failed]';
const SIDEBAND_LOST = "The server's copy of the transcript is interrupted.";
const ROLLOVER_CAP_SECONDS = 30;
let stack: { info: Record<string, unknown>; stop(): Promise<void> };
let sim: SimulatorHandle;
let script: readonly string[];
let tokenService: RestartableService;
let sql: postgres.Sql;
let browser: Browser;
const hosts: WebHostProcess[] = [];

beforeAll(async () => {
  const stackModule = await importStackModule();
  const realtime = await importRealtimeModule();
  // A longer interview than the default three lines, so "continued" and "started over" differ for a while.
  script = longScript(realtime, 14);
  const simulatorComponent = controlledSimulatorComponent(realtime, script, (handle) => (sim = handle));
  const restartableTokenService = restartableTokenServiceComponent(stackModule, (service) => (tokenService = service));
  stack = await stackModule.startStack([stackModule.supabaseComponent, simulatorComponent, restartableTokenService], { temp: true });
  sql = postgres(String(stack.info['dbUrl']), { max: 2 });
  browser = await launchInterviewBrowser();
}, 240_000);

afterAll(() => stopSuite({ browser, hosts, sql, stack }), 60_000);

async function station(extraEnv: Record<string, string> = {}): Promise<WebHostProcess> {
  const host = await startStation(stack.info, { mode: 'hybrid', env: extraEnv, logPath: path.join(ARTIFACTS, `resilience-webhost-${hosts.length + 1}.log`) });
  hosts.push(host);
  return host;
}

const shot = screenshots('resilience');

/** The fault on the running call → "Reconnecting" → "Live" in a new call; returns the new call. */
async function dropAndReconnect(page: Page, kind: 'drop-peer' | 'close-data-channel', screenshot: string): Promise<CallSnapshot> {
  const before = openCall(sim);
  const said = (await finalLines(page)).length;
  const whole = await wholeInterviewerLines(page);
  sim.control.faultCall(before.id, { kind });
  await roomStatus(page, /^Reconnecting/, 20_000);
  await shot(page, screenshot);
  await roomStatus(page, /^Live/, 30_000);
  let after: CallSnapshot | undefined;
  await expect.poll(() => (after = sim.control.calls().find((c) => c.state === 'open' && c.id !== before.id)) !== undefined, { timeout: 10_000 }).toBe(true);
  // The new realtime session received the transcript so far as text, and continued after it.
  await expect.poll(() => sim.control.calls().find((c) => c.id === after!.id)?.context.items.length ?? 0, { timeout: 10_000 }).toBeGreaterThanOrEqual(said);
  const now = sim.control.calls().find((c) => c.id === after!.id)!;
  expect(now.context.resumedAtLine).toBeGreaterThan(0);
  expect(now.context.items.filter((i) => i.role === 'assistant').map((i) => i.text)).toContain(script[0]);
  // The new call says a line of its own in full, shown in the room, before anything else happens
  // to it. (Counting whole lines alone could count the old call's last line, finalised just after
  // the fault, and let the next fault cut the new call's first line off: then no line is its own.)
  await expect.poll(() => wholeInterviewerLines(page), { timeout: 30_000, interval: 500 }).toBeGreaterThan(whole);
  await expect.poll(async () => ownLineShown(page, now.id), { timeout: 30_000, interval: 500 }).toBe(true);
  return now;
}

/** A line the call `callId` spoke, and no earlier call did, is shown whole in the room. */
async function ownLineShown(page: Page, callId: string): Promise<boolean> {
  const calls = sim.control.calls();
  const mine = calls.find((c) => c.id === callId)?.linesSpoken ?? [];
  const others = new Set(calls.filter((c) => c.id !== callId).flatMap((c) => c.linesSpoken));
  const shown = new Set((await finalLines(page)).filter((l) => l.speaker === 'Interviewer').map((l) => l.text));
  return mine.some((line) => !others.has(line) && shown.has(script[line]!));
}

/** The interviewer's final lines that were not cut off. */
async function wholeInterviewerLines(page: Page): Promise<number> {
  return (await finalLines(page)).filter((l) => l.speaker === 'Interviewer' && script.includes(l.text)).length;
}

/** Every journaled entry in Postgres exactly once; returns the rows in speech order. */
async function expectStoredExactlyOnce(page: Page, sessionId: string): Promise<StoredRow[]> {
  const { entries } = await journal(page, sessionId);
  const rows = await storedAfterSync(page, sql, sessionId);
  expect(rows.every((row) => row.copies === 1)).toBe(true);
  const stored = new Set(rows.map((row) => `${row.item_id}/${row.content_index}`));
  expect(entries.filter((e) => !stored.has(`${e.itemId}/${e.contentIndex}`))).toEqual([]);
  return rows;
}

/**
 * The interviewer's lines in `texts` (in the order shown or stored) come call by call: every line of
 * one realtime call before any line of the next. Each whole script line is attributed to the call
 * the simulator says spoke it (the later one, if a dropped call had begun it and the next one spoke
 * it again); interrupted lines are left out. Returns how many calls the lines span.
 */
function expectInCallOrder(texts: readonly string[], callIds: readonly string[]): number {
  const snapshots = sim.control.calls();
  const callOfLine = new Map<string, number>();
  callIds.forEach((id, call) => {
    for (const line of snapshots.find((c) => c.id === id)?.linesSpoken ?? []) callOfLine.set(script[line]!, call);
  });
  const calls = texts.map((text) => callOfLine.get(text)).filter((call): call is number => call !== undefined);
  expect(calls).toEqual([...calls].sort((a, b) => a - b));
  return new Set(calls).size;
}

/** The greeting (script line 0) is stored once: no new session started the interview over. */
function expectScriptNeverRestarts(rows: readonly StoredRow[]): void {
  expect(rows.filter((r) => r.speaker === 'ai' && r.content === script[0])).toHaveLength(1);
}

describe('a dropped call, a closed data channel, a failed transcription and a token service restart in one interview', () => {
  it('reconnects each time into a new realtime session given the transcript so far; the transcript stays one, every entry once', async () => {
    const problems: string[] = [];
    const host = await station();
    const candidateRef = `e2e-resilience-${Date.now()}`;
    const page = await goLive(browser, host.url, candidateRef, problems);
    const sessionId = await sessionOf(sql, candidateRef);
    await waitForFinals(page, 'Interviewer', 1);
    await waitForFinals(page, 'Candidate', 1);
    const callIds = [openCall(sim).id];

    // 1. The peer connection drops (no event): "Reconnecting", then a new call that continues.
    const second = await dropAndReconnect(page, 'drop-peer', 'reconnecting-drop-peer');
    callIds.push(second.id);
    await expect.poll(() => sim.control.calls().find((c) => c.id === second.id)?.linesSpoken.length ?? 0, { timeout: 20_000 }).toBeGreaterThan(0);
    expect(sim.control.calls().find((c) => c.id === second.id)?.linesSpoken[0]).toBeGreaterThan(0);
    await waitForFinals(page, 'Candidate', 2);

    // 2. Only the data channel closes (audio would go on): the station cannot read the call, so it rebuilds it.
    callIds.push((await dropAndReconnect(page, 'close-data-channel', 'reconnecting-data-channel')).id);

    // 3. The token service restarts mid-interview: the call (media goes straight to the provider)
    // goes on, without the server-side copy, and the room says so.
    await tokenService.restart();
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 5_000 }).toMatch(/^Live/);
    await page.getByText(SIDEBAND_LOST).waitFor({ timeout: 10_000 });
    // The call drops after the restart (the fourth connection within a minute): "Reconnecting",
    // then Live in a new call set up through the restarted token service, given the transcript so
    // far; its socket carries the server-side copy again.
    callIds.push((await dropAndReconnect(page, 'drop-peer', 'reconnecting-after-token-service-restart')).id);
    await expect.poll(() => page.getByText(SIDEBAND_LOST).count(), { timeout: 10_000 }).toBe(0);

    // 4. The candidate's transcription fails: a marked gap; the interviewer keeps talking.
    const lines = (await finalLines(page)).length;
    sim.control.faultCall(openCall(sim).id, { kind: 'transcription-failed' });
    await expect.poll(async () => (await finalLines(page)).some((l) => l.speaker === 'Candidate' && l.text.includes(GAP_TEXT)), { timeout: 60_000, interval: 500 }).toBe(true);
    await expect.poll(async () => (await finalLines(page)).filter((l) => l.speaker === 'Interviewer').length, { timeout: 60_000 }).toBeGreaterThan(
      (await finalLines(page)).slice(0, lines).filter((l) => l.speaker === 'Interviewer').length,
    );
    await shot(page, 'transcription-gap');

    // One transcript in call order, in the room and in Postgres (by speech start, its order column).
    const shown = (await finalLines(page)).filter((l) => l.speaker === 'Interviewer').map((l) => l.text);
    expect(expectInCallOrder(shown, callIds)).toBe(callIds.length);
    await endInterview(page);
    const rows = await expectStoredExactlyOnce(page, sessionId);
    expect(rows.some((r) => r.content.includes('transcription failed'))).toBe(true);
    expectScriptNeverRestarts(rows);
    expect(expectInCallOrder(rows.filter((r) => r.speaker === 'ai').map((r) => r.content), callIds)).toBe(callIds.length);
    expect(problems).toEqual([]);
  }, 240_000);
});

describe('rollover before the provider session cap', () => {
  it(`with a ${ROLLOVER_CAP_SECONDS} s cap, a 90 s interview moves to new sessions before the cap, never shows Reconnecting, one continuous transcript`, async () => {
    sim.control.setSessionMaxSeconds(ROLLOVER_CAP_SECONDS);
    try {
      const problems: string[] = [];
      const host = await station({ STATION_REALTIME_SESSION_MAX_SECONDS: String(ROLLOVER_CAP_SECONDS) });
      const earlier = new Set(sim.control.calls().map((c) => c.id));
      const candidateRef = `e2e-rollover-${Date.now()}`;
      const page = await goLive(browser, host.url, candidateRef, problems);
      const sessionId = await sessionOf(sql, candidateRef);
      const statuses = new Set<string>();
      const until = Date.now() + 90_000;
      while (Date.now() < until) {
        statuses.add(((await page.getByRole('status').first().textContent()) ?? '').split(' ')[0] ?? '');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      await shot(page, 'after-rollovers');
      await endInterview(page);
      const calls = sim.control.calls().filter((c) => !earlier.has(c.id));
      // 90 s with a 30 s cap: at least two rollovers, none cut by the provider's cap.
      expect(calls.length).toBeGreaterThanOrEqual(3);
      expect(calls.filter((c) => c.endReason === 'session_expired')).toEqual([]);
      // Every later session was given the conversation and continued it.
      for (const call of calls.slice(1)) {
        expect(call.context.items.length).toBeGreaterThan(0);
        expect(call.context.resumedAtLine).toBeGreaterThan(0);
        expect(call.linesSpoken).not.toContain(0);
      }
      expect([...statuses]).not.toContain('Reconnecting');
      const rows = await expectStoredExactlyOnce(page, sessionId);
      expect(new Set(rows.map((r) => r.speaker))).toEqual(new Set(['ai', 'candidate']));
      expectScriptNeverRestarts(rows);
      expect(problems).toEqual([]);
    } finally {
      sim.control.setSessionMaxSeconds(3600);
    }
  }, 200_000);
});
