// Sync benchmark (DESIGN.md target: a 10,000-entry offline backlog synced in under 5 s, with zero
// duplicates on re-upload), against the real local stack (Postgres, Deno edge function), beside a
// bare baseline in the same run: the same 500-entry batches POSTed back to back with fetch.
//   node --import tsx bench/sync.ts [entries=10000]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import { edgeFunctionUrl, type SyncStatus, type TranscriptEntry } from '../contracts';
import { SEED, SEED_PASSWORD } from '../devstack/supabase/seedUsers';
import { startSupabaseStack } from '../devstack/supabase/supabaseStack';
import { silentLogger } from '../electron/log';
import { JournalStore } from '../electron/services/journal/journalStore';
import { SyncEngine } from '../electron/services/sync/syncEngine';
import { signedIn } from '../supabase/tests/support/clients';

const total = Number(process.argv[2] ?? 10_000);

function entriesFor(sessionId: string): TranscriptEntry[] {
  return Array.from({ length: total }, (_, n) => {
    const at = new Date(Date.UTC(2026, 10, 21, 10, 0, 0) + n * 1000).toISOString();
    return { sessionId, itemId: `item_${n}`, contentIndex: 0, speaker: n % 2 ? 'candidate' : 'ai', content: `utterance ${n} `.repeat(8), speechStartedAt: at, source: 'client', receivedAt: at };
  });
}

async function main(): Promise<void> {
  const stack = await startSupabaseStack();
  const dir = await mkdtemp(path.join(tmpdir(), 'station-bench-sync-'));
  const sql = postgres(stack.dbUrl, { max: 1 });
  try {
    const proctor = await signedIn(stack.supabaseUrl, stack.anonKey, 'proctor@acme.test', SEED_PASSWORD);
    const token = (await proctor.auth.getSession()).data.session?.access_token ?? '';
    const start = async () =>
      ((await proctor.functions.invoke('interview-start', {
        body: { companyId: SEED.acme.companyId, templateId: SEED.acme.templateId, stationId: SEED.acme.stationId, candidateRef: 'bench', consent: { noticeVersion: '2026-12-v1', acceptedAt: new Date().toISOString() } },
      })).data as { sessionId: string }).sessionId;
    const rows = async (sessionId: string) => (await sql`select count(*)::int as n from public.transcript_entries where session_id = ${sessionId}`)[0]?.['n'];
    const post = (sessionId: string, batch: TranscriptEntry[]) =>
      fetch(edgeFunctionUrl(stack.supabaseUrl, 'interview-transcript'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, apikey: stack.anonKey },
        body: JSON.stringify({ sessionId, entries: batch }),
      }).then((r) => r.json() as Promise<{ accepted: number; duplicates: number }>);

    // Baseline: the same batches, back to back, no journal and no engine.
    const bareSession = await start();
    const bareEntries = entriesFor(bareSession);
    let t = performance.now();
    for (let i = 0; i < bareEntries.length; i += 500) await post(bareSession, bareEntries.slice(i, i + 500));
    const bareSeconds = (performance.now() - t) / 1000;

    // The station: a backlog written while offline, then the sync engine at start-up.
    const sessionId = await start();
    const entries = entriesFor(sessionId);
    const journals = new JournalStore(path.join(dir, 'journal'));
    const journal = await journals.session(sessionId);
    await Promise.all(entries.map((entry) => journal.append(entry)));
    let done: () => void = () => undefined;
    const synced = new Promise<void>((resolve) => (done = resolve));
    const engine = new SyncEngine({
      journals,
      supabaseUrl: stack.supabaseUrl,
      anonKey: stack.anonKey,
      getAccessToken: async () => token,
      log: silentLogger,
      emit: (status: SyncStatus) => status.pending === 0 && status.lastSuccessAt && done(),
    });
    t = performance.now();
    await engine.start();
    await synced;
    const engineSeconds = (performance.now() - t) / 1000;
    await engine.dispose();

    // Re-upload everything: every entry must come back as a duplicate.
    let accepted = 0;
    let duplicates = 0;
    for (let i = 0; i < entries.length; i += 500) {
      const answer = await post(sessionId, entries.slice(i, i + 500));
      accepted += answer.accepted;
      duplicates += answer.duplicates;
    }
    console.log(`${total} entries, batches of 500, local stack (Postgres + Deno function)`);
    console.log(`baseline: bare POSTs back to back      ${bareSeconds.toFixed(2)} s   (${await rows(bareSession)} rows)`);
    console.log(`sync engine: offline backlog drained   ${engineSeconds.toFixed(2)} s   (${await rows(sessionId)} rows, ${(engineSeconds / bareSeconds).toFixed(2)}× baseline)`);
    console.log(`re-upload of all ${total}: accepted ${accepted}, duplicates ${duplicates}; rows now ${await rows(sessionId)}`);
    await journals.close();
  } finally {
    await sql.end();
    await stack.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
