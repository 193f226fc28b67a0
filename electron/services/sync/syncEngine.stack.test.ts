// The sync engine against the real local stack over real HTTP: Postgres, the auth stand-in and
// the real `interview-transcript` function under Deno. Outages are real refused connections (a
// gate in front of the gateway) and a real response lost in flight (a fault-injecting proxy).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { InterviewStartResponseSchema, SyncStatusSchema, type NetworkState, type SyncStatus } from '@interview-station/contracts';
import { SEED, SEED_PASSWORD } from '../../../devstack/supabase/seedUsers';
import { startSupabaseStack, type SupabaseStack } from '../../../devstack/supabase/supabaseStack';
import { silentLogger } from '../../log';
import { JournalStore } from '../journal/journalStore';
import { NetworkMonitor } from '../network/networkMonitor';
import { TranscriptService } from '../transcriptService';
import { startGate } from '../../../test/support/tcpGate';
import { startLosingProxy } from './stackProxies.fixture';
import { SyncEngine, type SyncEngineDeps } from './syncEngine';

let stack: SupabaseStack;
let sql: postgres.Sql;
let proctor: SupabaseClient;

beforeAll(async () => {
  stack = await startSupabaseStack();
  sql = postgres(stack.dbUrl, { max: 2, onnotice: () => undefined });
  proctor = createClient(stack.supabaseUrl, stack.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: WebSocket as never },
  });
  const { error } = await proctor.auth.signInWithPassword({ email: 'proctor@acme.test', password: SEED_PASSWORD });
  if (error) throw new Error(`proctor sign-in failed: ${error.message}`);
});
afterAll(async () => {
  await sql?.end({ timeout: 1 });
  await stack?.stop();
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const accessToken = async () => (await proctor.auth.getSession()).data.session?.access_token ?? null;

async function startInterview(): Promise<string> {
  const { data, error } = await proctor.functions.invoke('interview-start', {
    body: { companyId: SEED.acme.companyId, templateId: SEED.acme.templateId, stationId: SEED.acme.stationId, candidateRef: 'cand-sync', consent: { noticeVersion: '2026-12-v1', acceptedAt: new Date().toISOString() } },
  });
  if (error) throw error;
  return InterviewStartResponseSchema.parse(data).sessionId;
}

/** The station side: a journal on disk, the transcript service and a sync engine aimed at `supabaseUrl`. */
async function station(supabaseUrl: string, extra: Partial<SyncEngineDeps> = {}, existingDir?: string) {
  const dir = existingDir ?? (await mkdtemp(path.join(os.tmpdir(), 'sync-stack-')));
  const journals = new JournalStore(dir);
  const statuses: SyncStatus[] = [];
  const engine = new SyncEngine({
    journals,
    supabaseUrl,
    anonKey: stack.anonKey,
    getAccessToken: accessToken,
    log: silentLogger,
    emit: (status) => statuses.push(SyncStatusSchema.parse(status)),
    backoff: { baseMs: 100, capMs: 400, minMs: 20 },
    coalesceMs: 20,
    ...extra,
  });
  const transcripts = new TranscriptService(journals, undefined, (entry) => engine.entryDurable(entry));
  cleanups.push(async () => {
    await engine.dispose();
    await journals.close();
    await rm(dir, { recursive: true, force: true });
  });
  const append = (sessionId: string, count: number, offset = 0) =>
    Promise.all(
      Array.from({ length: count }, (_, n) => n + offset).map((i) =>
        transcripts.append({
          sessionId,
          itemId: `item_${i}`,
          contentIndex: i % 2,
          speaker: i % 2 ? 'candidate' : 'ai',
          content: `utterance ${i}`,
          speechStartedAt: new Date(Date.UTC(2026, 10, 21, 10, 0, 0, i)).toISOString(),
        }),
      ),
    );
  const drained = () =>
    vi.waitFor(() => expect(engine.status()).toMatchObject({ state: 'idle', pending: 0, lastError: null }), { timeout: 15_000, interval: 20 });
  return { dir, journals, engine, statuses, append, drained };
}

/** Every row of the session, and how many distinct keys they hold: equal means exactly once. */
async function rowsOf(sessionId: string): Promise<{ rows: number; keys: number }> {
  const [row] = await sql<{ rows: number; keys: number }[]>`
    select count(*)::int as rows, count(distinct (item_id, content_index))::int as keys
    from public.transcript_entries where session_id = ${sessionId}`;
  return row!;
}

/** What a restarted station would find unsynced on disk. */
async function unsyncedOnDisk(dir: string): Promise<number> {
  const reopened = new JournalStore(dir);
  try {
    return [...(await reopened.unsyncedBySession()).values()].reduce((n, entries) => n + entries.length, 0);
  } finally {
    await reopened.close();
  }
}

describe('SyncEngine against the local stack', () => {
  it('holds entries written while Supabase is unreachable, then stores each exactly once when it is back', async () => {
    const [first, second] = [await startInterview(), await startInterview()];
    const gate = await startGate(stack.supabaseUrl);
    cleanups.push(() => gate.close());
    await gate.close(); // the stack is now unreachable: connections to it are refused

    const network: NetworkState[] = [];
    const monitor = new NetworkMonitor({
      isOnline: () => true,
      supabaseUrl: gate.url,
      anonKey: stack.anonKey,
      log: silentLogger,
      emit: (state) => network.push(state),
      intervalMs: 200,
      offlineIntervalMs: 100,
      probeTimeoutMs: 1_000,
    });
    cleanups.push(() => monitor.dispose());
    // A previous run journaled part of `second` and quit before it could sync.
    const previous = await station(gate.url);
    await previous.append(second, 4);
    await previous.engine.dispose();
    await previous.journals.close();

    const s = await station(gate.url, { network: monitor }, previous.dir);
    await monitor.start();
    await s.engine.start();
    expect(s.engine.status()).toMatchObject({ state: 'offline', pending: 4 });

    await s.append(first, 620); // two batches
    await s.append(second, 3, 4);
    await vi.waitFor(() => expect(s.engine.status()).toMatchObject({ state: 'offline', pending: 627 }));
    await new Promise((resolve) => setTimeout(resolve, 300)); // a few offline polls go by
    expect(await rowsOf(first)).toEqual({ rows: 0, keys: 0 });

    await gate.open();
    await s.drained();
    expect(await rowsOf(first)).toEqual({ rows: 620, keys: 620 });
    expect(await rowsOf(second)).toEqual({ rows: 7, keys: 7 });
    expect(await unsyncedOnDisk(s.dir)).toBe(0);

    const states = s.statuses.map((status) => status.state);
    expect(states.indexOf('offline')).toBeGreaterThanOrEqual(0);
    expect(states.lastIndexOf('syncing')).toBeGreaterThan(states.indexOf('offline'));
    expect(s.statuses.at(-1)).toMatchObject({ state: 'idle', pending: 0, lastError: null, lastSuccessAt: expect.any(String) });
    expect(network.map((state) => state.supabaseReachable)).toEqual([false, true]);
  });

  it('backs off on refused connections when no monitor has noticed, and recovers without duplicates', async () => {
    const sessionId = await startInterview();
    const gate = await startGate(stack.supabaseUrl);
    cleanups.push(() => gate.close());
    await gate.close();
    const s = await station(gate.url);
    await s.append(sessionId, 40);
    await vi.waitFor(() => expect(s.engine.status()).toMatchObject({ state: 'backoff', pending: 40, lastError: { code: 'NETWORK_OFFLINE' } }));
    await gate.open();
    await s.drained();
    expect(await rowsOf(sessionId)).toEqual({ rows: 40, keys: 40 });
    expect(await unsyncedOnDisk(s.dir)).toBe(0);
    expect(s.statuses.at(-1)?.lastSuccessAt).toEqual(expect.any(String));
  });

  it('retries after a response lost in flight and adds no row', async () => {
    const sessionId = await startInterview();
    const proxy = await startLosingProxy(stack.supabaseUrl, 2);
    cleanups.push(() => proxy.stop());
    const s = await station(proxy.url);
    await s.append(sessionId, 25);
    await s.drained();

    // The function stored the batch the first time; both retries found every entry already there.
    expect(proxy.answers.map(({ status, body, lost }) => ({ status, body: JSON.parse(body) as unknown, lost }))).toEqual([
      { status: 200, body: { accepted: 25, duplicates: 0 }, lost: true },
      { status: 200, body: { accepted: 0, duplicates: 25 }, lost: true },
      { status: 200, body: { accepted: 0, duplicates: 25 }, lost: false },
    ]);
    expect(await rowsOf(sessionId)).toEqual({ rows: 25, keys: 25 });
    expect(await unsyncedOnDisk(s.dir)).toBe(0);
    expect(s.statuses.some((status) => status.state === 'backoff' && status.lastError?.code === 'NETWORK_OFFLINE')).toBe(true);
  });

  it('sets aside a session the function refuses as ended long ago, keeping its entries and not retrying', async () => {
    const sessionId = await startInterview();
    await proctor.functions.invoke('interview-end', { body: { sessionId, reason: 'completed' } });
    // Ended two days ago, past the grace period (moved back with triggers off, as a data fix would).
    await sql.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await tx`update public.interview_sessions set ended_at = now() - interval '2 days' where id = ${sessionId}`;
    });
    const proxy = await startLosingProxy(stack.supabaseUrl, 0); // counts requests, loses none
    cleanups.push(() => proxy.stop());
    const s = await station(proxy.url);
    await s.append(sessionId, 3);
    await vi.waitFor(() => expect(s.engine.status()).toMatchObject({ state: 'idle', pending: 3, lastError: { code: 'SESSION_ENDED', retryable: false } }));
    await s.engine.syncNow();
    expect(proxy.answers.map((a) => a.status)).toEqual([409]);
    expect(await rowsOf(sessionId)).toEqual({ rows: 0, keys: 0 });
    expect(await unsyncedOnDisk(s.dir)).toBe(3);
  });

  it("never lets a batch the database fails to store hold up other sessions: the rest reach Postgres, the bad entry is set aside on disk", async () => {
    const [stuck, other] = [await startInterview(), await startInterview()];
    // The database fails one entry of `stuck` every time (as it would text it cannot store): the
    // function answers a 5xx for any batch holding it.
    await sql.unsafe(`
      create or replace function public.test_refuse_entry() returns trigger language plpgsql set search_path = '' as $$
      begin raise exception 'cannot store this entry'; end $$;
      create trigger test_refuse_one_entry before insert on public.transcript_entries for each row
        when (new.session_id = '${stuck}' and new.item_id = 'item_2') execute function public.test_refuse_entry();`);
    cleanups.push(async () => {
      await sql.unsafe('drop trigger if exists test_refuse_one_entry on public.transcript_entries; drop function if exists public.test_refuse_entry()');
    });
    const s = await station(stack.supabaseUrl);
    await s.append(stuck, 30); // first in line
    await s.append(other, 12);
    await vi.waitFor(() => expect(s.engine.status()).toMatchObject({ pending: 1, setAside: 1, setAsideReason: { code: 'TRANSCRIPT_PROCESSING_FAILED' } }), {
      timeout: 15_000,
      interval: 20,
    });
    expect(await rowsOf(other)).toEqual({ rows: 12, keys: 12 });
    expect(await rowsOf(stuck)).toEqual({ rows: 29, keys: 29 });
    expect(await unsyncedOnDisk(s.dir)).toBe(1); // kept, and tried again by the next run
    // Other sessions keep syncing while it is set aside.
    // (Waiting on the rows, not on the status: right after the appends answer, the status may not
    // count the new entries yet, and already reads pending 1, set aside 1.)
    await s.append(other, 3, 12);
    await vi.waitFor(async () => expect(await rowsOf(other)).toEqual({ rows: 15, keys: 15 }), { timeout: 10_000, interval: 20 });
    await vi.waitFor(() => expect(s.engine.status()).toMatchObject({ pending: 1, setAside: 1 }), { timeout: 10_000, interval: 20 });
  });

  it('waits for a sign-in when the function refuses the token, then syncs with a valid one', async () => {
    const sessionId = await startInterview();
    let token: string | null = 'not-a-valid-token';
    const s = await station(stack.supabaseUrl, { getAccessToken: async () => token });
    await s.append(sessionId, 3);
    await vi.waitFor(() => expect(s.engine.status()).toMatchObject({ state: 'backoff', pending: 3, lastError: { code: 'AUTHENTICATION_FAILED' } }));
    expect(await rowsOf(sessionId)).toEqual({ rows: 0, keys: 0 });
    token = await accessToken();
    s.engine.credentialsChanged();
    await s.drained();
    expect(await rowsOf(sessionId)).toEqual({ rows: 3, keys: 3 });
  });
});
