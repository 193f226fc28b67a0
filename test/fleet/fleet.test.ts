// Issue 13, proved locally: the token service as a fleet of machines behind the Fly stand-in's
// proxy (round-robin, fly-replay), against the whole local stack (real Postgres and edge functions,
// the Realtime simulator with werift peers). Sessions have one owner recorded in Postgres; a
// machine SIGKILLed mid-interview and a rolling restart of the others lose no interview and no
// transcript; a tenant hammering mints across all machines is held to its limit.
//
// Sized for CI on 2 cores: FLEET_INTERVIEWS concurrent interviews, the issue's 200 by default
// (about two and a half minutes here when the cores are not shared with other test runs; see
// proxy-service/README.md, "The fleet", for what it gave under heavy outside load, and lower
// FLEET_INTERVIEWS there). Each
// simulated interview is a real WebRTC call (werift offerer in this process ↔ the simulator's
// werift answerer in its own process, ICE, DTLS-SRTP, Opus audio, the `oai-events` channel) with a
// three-line script of short lines (about half a second of audio each); the interviewer's lines are
// triggered by the test (`response.create`): one before the kill, one after the takeover, one after
// the rolling restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenServiceFleet } from '../../devstack/fly/tokenServiceFleet';
import { type LocalFleet, startBody, startLocalFleet } from './localFleet';
import { SimulatedStation, callFunction } from './station';

const INTERVIEWS = Number(process.env['FLEET_INTERVIEWS'] ?? 200);
// The interviewer speaks when asked (`response.create`), as the real model does.
const SCRIPT = { lines: ['Welcome.', 'Next question.', 'Thank you, goodbye.'], openOnConnect: false };
/** Short leases so a dead machine's sessions move within seconds (production: 15 s, see fly.toml). */
const FAST_FLEET = { FLEET_LEASE_SECONDS: '3', FLEET_HEARTBEAT_MS: '1000', FLEET_SWEEP_MS: '1000', DRAIN_GRACE_MS: '3000' };

let local: LocalFleet;
const report: Record<string, unknown> = {};

beforeAll(async () => {
  local = await startLocalFleet({ script: SCRIPT });
}, 180_000);

afterAll(async () => {
  console.log(`fleet scenario figures: ${JSON.stringify(report)}`);
  await local?.stop();
}, 60_000);

/** Polls `check` until it holds; the message says what was still missing. */
async function until(what: string, check: () => boolean | Promise<boolean>, progress: () => Promise<string> | string = () => '', timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${` ${await progress()}`.trimEnd()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Runs `work` over `items` with at most `limit` at once; results in order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i]!);
  }));
  return results;
}

/** How many stations heard `line` lines, and the state of the calls of those that did not. */
async function lineProgress(stations: readonly SimulatedStation[], line: number): Promise<string> {
  const behind = stations.filter((s) => s.finals() < line);
  const calls = await local.simulator.calls();
  const states = calls.reduce<Record<string, number>>((acc, call) => ({ ...acc, [`${call.state}/${call.endReason ?? '-'}`]: (acc[`${call.state}/${call.endReason ?? '-'}`] ?? 0) + 1 }), {});
  return `(${stations.length - behind.length}/${stations.length} did; ${behind.filter((s) => s.peer.pc.connectionState !== 'connected').length} of the others' peers not connected; calls: ${JSON.stringify(states)})`;
}

describe('the token service as a fleet of three machines', () => {
  it('holds a tenant hammering mints across all three machines to its limit', async () => {
    const LIMIT = 30;
    const fleet = await local.startFleet(3, { ...FAST_FLEET, RATE_TENANT_PER_MINUTE: String(LIMIT) });
    try {
      const ctx = { ...local.northwind, appUrl: fleet.appUrl };
      // 20 direct sessions: their own mint buckets (3 each) would allow 60 keys; the tenant's allows 30.
      const sessions = await mapLimit(Array.from({ length: 20 }, (_, i) => i), 5, async () =>
        (await callFunction(ctx, 'interview-start', startBody('northwind', 'direct'))) as { sessionId: string; sessionToken: string },
      );
      const started = Date.now();
      const answers = await Promise.all(
        sessions.flatMap((s) =>
          Array.from({ length: 4 }, async () => {
            const res = await fetch(`${fleet.appUrl}/api/realtime/sessions`, {
              method: 'POST',
              headers: { authorization: `Bearer ${s.sessionToken}`, 'content-type': 'application/json' },
              body: JSON.stringify({ sessionId: s.sessionId }),
            });
            await res.arrayBuffer();
            return res.status;
          }),
        ),
      );
      const seconds = (Date.now() - started) / 1000;
      const granted = answers.filter((status) => status === 200).length;
      // The bucket holds LIMIT and refills LIMIT per minute: over `seconds`, at most this many.
      const ceiling = LIMIT + Math.ceil((LIMIT / 60) * seconds);
      report['mintHammer'] = { requests: answers.length, granted, limitPerMinute: LIMIT, ceiling, seconds, refused429: answers.filter((s) => s === 429).length };
      expect(answers.filter((status) => status !== 200 && status !== 429)).toEqual([]);
      expect(granted).toBeGreaterThanOrEqual(LIMIT);
      expect(granted).toBeLessThanOrEqual(ceiling);
    } finally {
      await fleet.close();
    }
  }, 120_000);

  it(`runs ${INTERVIEWS} interviews through a SIGKILL and a rolling restart: every one completes, every entry stored once, no row left live`, async () => {
    const fleet: TokenServiceFleet = await local.startFleet(3, { ...FAST_FLEET, RATE_TENANT_PER_MINUTE: '100000' });
    const ctx = { ...local.acme, appUrl: fleet.appUrl };
    const t0 = Date.now();
    const stations = await mapLimit(Array.from({ length: INTERVIEWS }, (_, i) => i), 10, async () => {
      const station = await SimulatedStation.start(ctx, startBody('acme', 'hybrid'));
      await station.connect();
      return station;
    });
    const ids = stations.map((s) => s.sessionId);
    report['interviews'] = INTERVIEWS;
    report['connectedSeconds'] = (Date.now() - t0) / 1000;
    // More than one offer: a call that did not connect under load, replaced as the station does.
    report['callAttempts'] = stations.reduce((sum, s) => sum + s.attempts, 0);
    report['callFailures'] = stations.flatMap((s) => s.callFailures).reduce<Record<string, number>>((acc, why) => ({ ...acc, [why]: (acc[why] ?? 0) + 1 }), {});
    try {
      await until('every interviewer\'s first line', () => stations.every((s) => s.finals() >= 1), () => lineProgress(stations, 1));
      const owners = async () =>
        new Map(
          (await local.sql<{ machine_id: string; n: number }[]>`
            select machine_id, count(*)::int as n from app.token_service_owners where session_id in ${local.sql(ids)} group by machine_id`).map((r) => [r.machine_id, r.n]),
        );
      const before = await owners();
      report['ownersBeforeKill'] = Object.fromEntries(before);
      // Round-robin spread the sessions over all three machines.
      expect(new Set(before.keys())).toEqual(new Set(fleet.machines()));

      const [victim, ...survivors] = fleet.machines();
      const victimSessions = (await local.sql<{ session_id: string }[]>`
        select session_id from app.token_service_owners where machine_id = ${victim!} and session_id in ${local.sql(ids)}`).map((r) => r.session_id);
      await fleet.kill(victim!);
      const killedAt = Date.now();
      // The dead machine's sessions are taken over (sweep or the stations' reconnects), none left with it.
      await until('the dead machine\'s sessions to be taken over', async () => !(await owners()).has(victim!));
      await until('every station to reconnect', () => stations.every((s) => s.connected));
      report['takeoverSeconds'] = (Date.now() - killedAt) / 1000;
      for (const station of stations) station.nextLine();
      await until('every interviewer\'s second line', () => stations.every((s) => s.finals() >= 2), () => lineProgress(stations, 2));

      const restartAt = Date.now();
      await fleet.rollingRestart(survivors);
      await until('every station to reconnect after the rolling restart', () => stations.every((s) => s.connected));
      report['rollingRestartSeconds'] = (Date.now() - restartAt) / 1000;
      const after = await owners();
      report['ownersAfterRestart'] = Object.fromEntries(after);
      expect([...after.keys()].every((id) => fleet.machines().includes(id))).toBe(true);
      for (const station of stations) station.nextLine();
      await until('every interviewer\'s third line', () => stations.every((s) => s.finals() >= 3), () => lineProgress(stations, 3));

      const ended = await mapLimit(stations, 20, (s) => s.end());
      report['reconnects'] = stations.reduce((sum, s) => sum + s.reconnects, 0);
      expect(ended.map((e) => e.status)).toEqual(stations.map(() => 'ended'));

      // Every interview continued: each station heard the three lines in order, and no interviewer
      // started over (a call that failed under load was replaced by one given the transcript so far).
      for (const station of stations) expect([...station.journal.values()].map((e) => e.content)).toEqual(SCRIPT.lines);
      // (A line cut off by a failed call is spoken again by its replacement: the candidate did not hear it.)
      report['recalls'] = stations.reduce((sum, s) => sum + s.recalls, 0);

      // Postgres holds every entry every station heard, exactly once.
      const rows = await local.sql<{ session_id: string; item_id: string; content_index: number; source: string; content: string }[]>`
        select session_id, item_id, content_index, source::text as source, content from public.transcript_entries where session_id in ${local.sql(ids)}`;
      const heard = stations.flatMap((s) => [...s.journal.values()].map((e) => `${e.sessionId}/${e.itemId}/${e.contentIndex}`)).sort();
      const stored = rows.map((r) => `${r.session_id}/${r.item_id}/${r.content_index}`).sort();
      expect(heard).toHaveLength(3 * INTERVIEWS);
      expect(stored).toEqual(heard);
      const bySource = (line: string) => rows.filter((r) => r.content === line).reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.source]: (acc[r.source] ?? 0) + 1 }), {});
      report['storedEntries'] = rows.length;
      report['entriesBySourcePerLine'] = Object.fromEntries(SCRIPT.lines.map((line) => [line, bySource(line)]));
      // The sideband capture resumed on the new owners: what the dead machine's interviews said after
      // the takeover reached Postgres from the token service (before the stations uploaded their
      // journals), and so did what was said after the rolling restart. (Under load some forwards
      // fail and are left to the station's journal, by design: those count as 'client'.)
      const victimLine2 = rows.filter((r) => victimSessions.includes(r.session_id) && r.content === SCRIPT.lines[1]);
      report['deadMachineSessions'] = victimSessions.length;
      report['deadMachineLine2BySideband'] = victimLine2.filter((r) => r.source === 'sideband').length;
      expect(victimSessions.length).toBeGreaterThan(0);
      expect(victimLine2.filter((r) => r.source === 'sideband').length).toBeGreaterThan(0);
      expect(bySource(SCRIPT.lines[2]!)['sideband'] ?? 0).toBeGreaterThan(0);

      // No session row stays live, and nobody owns an ended session.
      const open = await local.sql<{ n: number }[]>`
        select count(*)::int as n from public.interview_sessions where id in ${local.sql(ids)} and status in ('created', 'connecting', 'live')`;
      expect(open[0]!.n).toBe(0);
      expect((await owners()).size).toBe(0);
    } finally {
      await Promise.all(stations.map((s) => s.close()));
      await fleet.close();
    }
  }, 600_000);
});
