// A 10,000-entry offline backlog drained to Postgres by the sync engine (journal → batches →
// interview-transcript → Postgres), beside the bare baseline of the same batches POSTed back to
// back with fetch, in the same run; then every entry uploaded again must come back a duplicate.
// Against the local stack (real Postgres, the real Deno edge function). Runs alternate baseline
// and engine.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { LIMITS, edgeFunctionUrl, type SyncStatus, type TranscriptEntry } from '../../contracts';
import { silentLogger } from '../../electron/log';
import { JournalStore } from '../../electron/services/journal/journalStore';
import { SyncEngine } from '../../electron/services/sync/syncEngine';
import { type Bench, type BenchOptions, type Row, judge, median, round } from '../lib';
import { benchStack } from '../stack';

function entriesFor(sessionId: string, total: number): TranscriptEntry[] {
  return Array.from({ length: total }, (_, n) => {
    const at = new Date(Date.UTC(2026, 10, 21, 10, 0, 0) + n * 1000).toISOString();
    return { sessionId, itemId: `item_${n}`, contentIndex: 0, speaker: n % 2 ? 'candidate' : 'ai', content: `utterance ${n} `.repeat(8), speechStartedAt: at, source: 'client', receivedAt: at };
  });
}

export const sync: Bench = {
  name: 'sync',
  title: '10,000-entry offline backlog → Postgres vs bare POSTs of the same batches',
  async run(options: BenchOptions): Promise<Row[]> {
    const total = options.quick ? 1_000 : 10_000;
    const runs = options.quick ? 1 : (options.runs ?? 3);
    const stack = await benchStack();
    const sql = postgres(stack.supabase.dbUrl, { max: 1, onnotice: () => undefined });
    const dir = await mkdtemp(path.join(tmpdir(), 'station-bench-sync-'));
    const batchSize = LIMITS.transcriptBatch;
    try {
      const url = edgeFunctionUrl(stack.supabase.supabaseUrl, 'interview-transcript');
      const rows = async (sessionId: string) => Number((await sql`select count(*)::int as n from public.transcript_entries where session_id = ${sessionId}`)[0]?.['n']);
      const post = async (sessionId: string, batch: TranscriptEntry[]) => {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.proctorToken}`, apikey: stack.supabase.anonKey },
          body: JSON.stringify({ sessionId, entries: batch }),
        });
        if (!res.ok) throw new Error(`interview-transcript answered ${res.status}: ${await res.text()}`);
        return (await res.json()) as { accepted: number; duplicates: number };
      };
      const start = async () => {
        const started = await stack.startInterview('hybrid');
        if (!started.sessionId) throw new Error(`interview-start answered ${started.status} ${started.code ?? ''}`);
        return started.sessionId;
      };
      const bare: number[] = [];
      const engine: number[] = [];
      let accepted = 0;
      let duplicates = 0;
      let rowsAfter = 0;
      let lastEngineSession = '';
      // Baseline: the same batches, back to back, no journal and no engine.
      const bareRun = async () => {
        const bareSession = await start();
        const bareEntries = entriesFor(bareSession, total);
        const t = performance.now();
        for (let i = 0; i < bareEntries.length; i += batchSize) await post(bareSession, bareEntries.slice(i, i + batchSize));
        const seconds = (performance.now() - t) / 1000;
        if ((await rows(bareSession)) !== total) throw new Error('baseline: not every entry reached Postgres');
        return seconds;
      };
      // The station: a backlog written while offline, then the sync engine at start-up.
      const engineRun = async () => {
        const sessionId = await start();
        lastEngineSession = sessionId;
        const journals = new JournalStore(path.join(dir, `journal-${sessionId}`));
        const journal = await journals.session(sessionId);
        await Promise.all(entriesFor(sessionId, total).map((entry) => journal.append(entry)));
        let done: () => void = () => undefined;
        const synced = new Promise<void>((resolve) => (done = resolve));
        const syncEngine = new SyncEngine({
          journals,
          supabaseUrl: stack.supabase.supabaseUrl,
          anonKey: stack.supabase.anonKey,
          getAccessToken: async () => stack.proctorToken,
          log: silentLogger,
          emit: (status: SyncStatus) => {
            if (status.pending === 0 && status.lastSuccessAt) done();
          },
        });
        const t = performance.now();
        await syncEngine.start();
        await synced;
        const seconds = (performance.now() - t) / 1000;
        await syncEngine.dispose();
        await journals.close();
        const stored = await rows(sessionId);
        if (stored !== total) throw new Error(`engine: ${stored} of ${total} entries reached Postgres`);
        return seconds;
      };
      for (let run = 0; run < runs; run++) {
        // ABBA order: the baseline first in even runs, the engine first in odd ones.
        if (run % 2 === 0) {
          bare.push(await bareRun());
          engine.push(await engineRun());
        } else {
          engine.push(await engineRun());
          bare.push(await bareRun());
        }
        const sessionId = lastEngineSession;
        const entries = entriesFor(sessionId, total);
        // Re-upload everything: every entry must come back a duplicate, and no row be added.
        accepted = 0;
        duplicates = 0;
        for (let i = 0; i < entries.length; i += batchSize) {
          const answer = await post(sessionId, entries.slice(i, i + batchSize));
          accepted += answer.accepted;
          duplicates += answer.duplicates;
        }
        rowsAfter = await rows(sessionId);
        options.log(`sync run ${run + 1}/${runs}: engine ${round(engine.at(-1) ?? NaN)} s, bare ${round(bare.at(-1) ?? NaN)} s; re-upload: ${accepted} accepted, ${duplicates} duplicates, rows ${rowsAfter}`);
        if (accepted !== 0 || rowsAfter !== total) throw new Error(`re-upload wrote again: ${accepted} accepted, ${rowsAfter} rows`);
      }
      const e = median(engine);
      const b = median(bare);
      const perRound = engine.map((s, i) => s / (bare[i] ?? NaN));
      const ratio = median(perRound);
      return [
        {
          figure: `${total.toLocaleString('en-US')}-entry offline backlog → Postgres`,
          value: round(e, 2),
          unit: 's',
          stat: 'median',
          baseline: round(b, 2),
          baselineLabel: `bare POSTs of the same ${batchSize}-entry batches`,
          ratio: round(ratio),
          target: '≤ 1.2×, 0 duplicates written on re-upload',
          met: judge(options, ratio <= 1.2 && accepted === 0),
          runs,
          detail: { perRoundRatios: perRound.map((r) => round(r)), engineSeconds: engine.map((s) => round(s)), bareSeconds: bare.map((s) => round(s)), reupload: { accepted, duplicates, rows: rowsAfter } },
        },
      ];
    } finally {
      await sql.end({ timeout: 1 });
      await rm(dir, { recursive: true, force: true });
    }
  },
};
