// The interview figures, through the whole local stack (web host, Postgres, auth, edge functions,
// token service, Realtime simulator) in Debian Chromium with the fake microphone, in hybrid and in
// direct mode, beside a bare Chromium ↔ simulator connect in the same run:
// - Start pressed → data channel open, and → first interviewer audio at the page; the baseline is
//   the bare connect (the simulator's demo page: key first, then createOffer → open) and its first
//   audio (which includes the simulator's first-speech delay), measured the same way.
// - Final transcript event (as the data channel delivers it) → visible in the room (final line in
//   the transcript log), → durable in the journal (transcript.appendBatch answered), → row in
//   Postgres (created_at), online.
// The page is instrumented from outside (an init script wraps RTCPeerConnection and watches the
// DOM); the station's code is unchanged.
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import postgres from 'postgres';
import type { WebHostProcess } from '../../test/support/webHostProcess';
import { type Bench, type BenchOptions, type Row, judge, median, notMeasured, percentile, round } from '../lib';
import { benchStack } from '../stack';
import { endInterview, launchStationBrowser, signInAndStart, startStationHost, waitUntil } from '../station';
import type { Probe } from './interview.probe';

export const FINAL_EVENTS = ['conversation.item.input_audio_transcription.completed', 'response.output_audio_transcript.done'];

/** What interview.page.ts runs in the page (type-checked with the DOM library, tsconfig.e2e.json). */
interface PageCode {
  instrument(finalEvents: string[]): void;
  bareConnect(): Promise<{ dcOpen: number; firstAudio: number; answer: number }>;
}
export const PAGE_MODULE = path.join(import.meta.dirname, 'interview.page.ts');
/** tsx (esbuild, keepNames) wraps named functions and classes in __name(); the page has none. */
export const NAME_SHIM = 'globalThis.__name ??= (target) => target;';

interface RunResult {
  /** Start → createOffer, → answer applied (the signalling path), → open. */
  offer: number;
  answer: number;
  dcOpen: number;
  firstAudio: number;
  visible: number[];
  durable: number[];
  /** Final event → sent to main on the bridge (the renderer's part of `durable`). */
  sent: number[];
  postgres: number[];
}

export const interview: Bench = {
  name: 'interview',
  title: 'interview: Start → data channel / first audio (hybrid, direct) vs bare connect; transcript → visible / durable / Postgres',
  async run(options: BenchOptions): Promise<Row[]> {
    const runs = options.quick ? 1 : (options.runs ?? 3);
    const bareRuns = options.quick ? 2 : 10;
    const { instrument, bareConnect } = (await import(PAGE_MODULE)) as PageCode;
    const stack = await benchStack();
    const sql = postgres(stack.supabase.dbUrl, { max: 2, onnotice: () => undefined });
    const browser: Browser = await launchStationBrowser();
    const hosts: WebHostProcess[] = [];
    try {
      // The baseline, in the same run and the same browser.
      const bare: { dcOpen: number; firstAudio: number; answer: number }[] = [];
      {
        const context = await browser.newContext();
        const page = await context.newPage();
        page.on('pageerror', (error) => options.log(`bare connect page: ${error.message}`));
        await page.addInitScript(NAME_SHIM);
        await page.addInitScript(instrument, FINAL_EVENTS);
        await page.goto(`${stack.simulator.url}/`);
        await page.evaluate(bareConnect); // warm-up
        for (let i = 0; i < bareRuns; i++) bare.push(await page.evaluate(bareConnect));
        await context.close();
      }
      options.log(`interview: bare connect median ${Math.round(median(bare.map((b) => b.dcOpen)))} ms to open, ${Math.round(median(bare.map((b) => b.firstAudio)))} ms to first audio`);

      const results: Record<'hybrid' | 'direct', RunResult[]> = { hybrid: [], direct: [] };
      for (let run = 0; run < runs; run++) {
        for (const mode of ['hybrid', 'direct'] as const) {
          const host = await startStationHost(stack, mode);
          hosts.push(host);
          const context = await browser.newContext();
          try {
            const page = await context.newPage();
            page.on('pageerror', (error) => options.log(`interview page: ${error.message}`));
            await page.addInitScript(NAME_SHIM);
            await page.addInitScript(instrument, FINAL_EVENTS);
            const result = await oneInterview(page, host.url, `bench-${mode}-${Date.now()}`, sql);
            results[mode].push(result);
            options.log(`interview ${mode} run ${run + 1}/${runs}: offer ${Math.round(result.offer)} ms, answer ${Math.round(result.answer)} ms, open ${Math.round(result.dcOpen)} ms, first audio ${Math.round(result.firstAudio)} ms; finals visible ${result.visible.map(Math.round).join('/')} ms, durable ${result.durable.map(Math.round).join('/')} ms (sent to main at ${result.sent.map(Math.round).join('/')} ms), Postgres ${result.postgres.map(Math.round).join('/')} ms`);
          } finally {
            await context.close();
            await host.stop();
            hosts.splice(hosts.indexOf(host), 1);
          }
        }
      }

      const bareOpen = median(bare.map((b) => b.dcOpen));
      const bareAudio = median(bare.map((b) => b.firstAudio));
      const rows: Row[] = [];
      for (const mode of ['hybrid', 'direct'] as const) {
        const open = results[mode].map((r) => r.dcOpen);
        const audio = results[mode].map((r) => r.firstAudio);
        rows.push({
          figure: `Start pressed → data channel open, ${mode}, whole local stack`,
          value: Math.round(median(open)),
          unit: 'ms',
          stat: 'median',
          p95: Math.round(percentile(open, 95)),
          baseline: Math.round(bareOpen),
          baselineLabel: `bare Chromium ↔ simulator connect, median of ${bareRuns}`,
          ratio: round(median(open) / bareOpen),
          target: '≤ 1.3×',
          met: judge(options, median(open) <= 1.3 * bareOpen),
          runs,
          detail: {
            startToOfferMedianMs: Math.round(median(results[mode].map((r) => r.offer))),
            startToAnswerMedianMs: Math.round(median(results[mode].map((r) => r.answer))),
            bareOfferToAnswerMedianMs: Math.round(median(bare.map((b) => b.answer))),
            perRunMs: open.map(Math.round),
          },
        });
        rows.push({
          figure: `Start pressed → first interviewer audio at the page, ${mode}`,
          value: Math.round(median(audio)),
          unit: 'ms',
          stat: 'median',
          p95: Math.round(percentile(audio, 95)),
          baseline: Math.round(bareAudio),
          baselineLabel: 'bare connect + the simulator’s first-speech delay, same way',
          ratio: round(median(audio) / bareAudio),
          target: '≤ 1.3×',
          met: judge(options, median(audio) <= 1.3 * bareAudio),
          runs,
        });
      }
      const all = [...results.hybrid, ...results.direct];
      const visible = all.flatMap((r) => r.visible);
      const durable = all.flatMap((r) => r.durable);
      const sent = all.flatMap((r) => r.sent);
      const stored = all.flatMap((r) => r.postgres);
      rows.push({
        figure: 'final transcript event → visible in the room',
        value: visible.length ? round(percentile(visible, 95), 1) : null,
        unit: 'ms',
        stat: 'p95',
        target: 'p95 ≤ 50 ms',
        met: judge(options, visible.length > 0 && percentile(visible, 95) <= 50),
        runs: all.length,
        detail: { finals: visible.length, medianMs: round(median(visible), 1) },
        ...(visible.length ? {} : { note: 'not measured: no final line seen' }),
      });
      rows.push(
        durable.length
          ? {
              figure: 'final transcript event → durable in the journal',
              value: round(percentile(durable, 95), 1),
              unit: 'ms',
              stat: 'p95',
              target: '≤ 20 ms',
              met: judge(options, percentile(durable, 95) <= 20),
              runs: all.length,
              detail: { finals: durable.length, medianMs: round(median(durable), 1), maxMs: round(Math.max(...durable), 1), sentToMainP95Ms: round(percentile(sent, 95), 1) },
              note: `the renderer sent each to main within ${round(percentile(sent, 95), 1)} ms (p95); the rest is main's answer: the bridge round trip and the journal's fsync`,
            }
          : notMeasured('final transcript event → durable in the journal', 'ms', 'no transcript:append-batch answer seen on the bridge', '≤ 20 ms'),
      );
      rows.push({
        figure: 'final transcript event → row in Postgres, online',
        value: stored.length ? Math.round(percentile(stored, 95)) : null,
        unit: 'ms',
        stat: 'p95',
        target: '≤ 1 s',
        met: judge(options, stored.length > 0 && percentile(stored, 95) <= 1000),
        runs: all.length,
        detail: { finals: stored.length, medianMs: Math.round(median(stored)), maxMs: stored.length ? Math.round(Math.max(...stored)) : null },
        ...(stored.length ? {} : { note: 'not measured: no row found' }),
      });
      return rows;
    } finally {
      for (const host of hosts) await host.stop();
      await browser.close();
      await sql.end({ timeout: 1 });
    }
  },
};

/** Sign in, check in with consent, wait for Start, press it; measure; end the interview. */
async function oneInterview(page: Page, hostUrl: string, candidateRef: string, sql: postgres.Sql): Promise<RunResult> {
  await signInAndStart(page, hostUrl, candidateRef);
  const probe = () => page.evaluate('window.__bench') as Promise<Probe>;
  await waitUntil(async () => {
    const p = await probe();
    return p.dcOpen !== null && p.firstAudio !== null;
  }, 60_000, 'the data channel and the interviewer’s audio');
  // Two final lines shown (the interviewer's first line and the candidate's answer), then until
  // the journal has answered for them.
  await waitUntil(async () => (await probe()).finals.filter((f) => f.visible !== undefined).length >= 2, 120_000, 'two final transcript lines shown');
  await waitUntil(async () => (await probe()).finals.every((f) => f.durable !== undefined), 5_000, 'the journal').catch(() => undefined);
  const finals = (await probe()).finals;
  const sessionId = (await sql<{ id: string }[]>`select id from public.interview_sessions where candidate_ref = ${candidateRef}`)[0]?.id;
  const stored = new Map<string, number>();
  await waitUntil(async () => {
    if (!sessionId) return false;
    const rows = await sql<{ item_id: string; content_index: number; created_at: Date }[]>`select item_id, content_index, created_at from public.transcript_entries where session_id = ${sessionId}`;
    for (const row of rows) stored.set(`${row.item_id}/${row.content_index}`, row.created_at.getTime());
    return finals.every((f) => stored.has(`${f.itemId}/${f.contentIndex}`));
  }, 30_000, 'the final lines in Postgres').catch(() => undefined);
  const p = await probe();
  await endInterview(page);
  const startAt = p.start ?? NaN;
  return {
    offer: (p.offer ?? NaN) - startAt,
    answer: (p.answer ?? NaN) - startAt,
    dcOpen: (p.dcOpen ?? NaN) - startAt,
    firstAudio: (p.firstAudio ?? NaN) - startAt,
    visible: p.finals.flatMap((f) => (f.visible === undefined ? [] : [f.visible - f.t])),
    durable: p.finals.flatMap((f) => (f.durable === undefined ? [] : [f.durable - f.t])),
    sent: p.finals.flatMap((f) => (f.sent === undefined ? [] : [f.sent - f.t])),
    postgres: p.finals.flatMap((f) => {
      const at = stored.get(`${f.itemId}/${f.contentIndex}`);
      return at === undefined ? [] : [at - f.at];
    }),
  };
}
