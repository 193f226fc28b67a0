// The sync engine's decisions, with a scripted `fetch`, hand-fired timers and a real journal on
// disk. What it does over real HTTP against the real function is in syncEngine.stack.test.ts.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SyncStatusSchema, TranscriptBatchRequestSchema, type NetworkState, type SyncStatus, type TranscriptEntry } from '@interview-station/contracts';
import { createLogger } from '../../log';
import { JournalStore } from '../journal/journalStore';
import { ManualTimers } from '../network/manualTimers.fixture';
import type { NetworkSignal } from '../network/networkMonitor';
import { TranscriptService } from '../transcriptService';
import { SyncEngine, type SyncEngineDeps } from './syncEngine';

const SESSION_A = '0f0e0d0c-0000-4000-8000-00000000000a';
const SESSION_B = '0f0e0d0c-0000-4000-8000-00000000000b';
const TOKEN = 'eyJ.token-that-must-never-be-logged';
const NOW = new Date('2026-11-21T12:00:00.000Z');

type Reply = Response | Error | ((body: { sessionId: string; entries: TranscriptEntry[] }) => Response | Error);
interface Sent {
  readonly url: string;
  readonly authorization: string | null;
  readonly apikey: string | null;
  readonly sessionId: string;
  readonly entries: TranscriptEntry[];
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const stored = (body: { entries: unknown[] }) => json(200, { accepted: body.entries.length, duplicates: 0 });

class FakeNetwork implements NetworkSignal {
  private current: NetworkState = { online: true, supabaseReachable: true, checkedAt: NOW.toISOString() };
  private readonly listeners = new Set<(state: NetworkState) => void>();
  checks = 0;
  state = () => this.current;
  subscribe(listener: (state: NetworkState) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  checkNow = async () => {
    this.checks += 1;
    return this.current;
  };
  set(reachable: boolean) {
    this.current = { online: true, supabaseReachable: reachable, checkedAt: NOW.toISOString() };
    for (const listener of this.listeners) listener(this.current);
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A station's journal, transcript service and sync engine, talking to a scripted server. */
async function rig(options: { dir?: string; replies?: Reply[]; tokens?: (string | null)[]; network?: FakeNetwork; deps?: Partial<SyncEngineDeps> } = {}) {
  const dir = options.dir ?? (await mkdtemp(path.join(os.tmpdir(), 'sync-unit-')));
  const journals = new JournalStore(dir);
  const timers = new ManualTimers();
  const replies = [...(options.replies ?? [])];
  const sent: Sent[] = [];
  const statuses: SyncStatus[] = [];
  const logLines: string[] = [];
  const tokens = [...(options.tokens ?? [TOKEN])];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    const body = TranscriptBatchRequestSchema.parse(JSON.parse(String(init?.body)));
    sent.push({ url: String(input), authorization: headers.get('authorization'), apikey: headers.get('apikey'), ...body });
    const reply = replies.shift() ?? stored;
    const answer = typeof reply === 'function' ? reply(body) : reply;
    if (answer instanceof Error) throw answer;
    return answer;
  }) as typeof fetch;
  const engine = new SyncEngine({
    journals,
    supabaseUrl: 'http://supabase.test',
    anonKey: 'anon-key',
    getAccessToken: async () => (tokens.length > 1 ? tokens.shift()! : tokens[0]!),
    log: createLogger('sync', (line) => logLines.push(line)),
    emit: (status) => statuses.push(SyncStatusSchema.parse(status)),
    fetch: fetchImpl,
    timers,
    random: () => 0.5,
    now: () => NOW,
    backoff: { baseMs: 1_000, capMs: 60_000, minMs: 100 },
    coalesceMs: 250,
    ...(options.network ? { network: options.network } : {}),
    ...options.deps,
  });
  const transcripts = new TranscriptService(journals, () => NOW, (entry) => engine.entryDurable(entry));
  cleanups.push(async () => {
    await engine.dispose();
    await journals.close();
    await rm(dir, { recursive: true, force: true });
  });
  let counter = 0;
  const append = async (sessionId: string, count: number) => {
    const start = counter;
    counter += count;
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        transcripts.append({
          sessionId,
          itemId: `item_${start + i}`,
          contentIndex: 0,
          speaker: i % 2 ? 'candidate' : 'ai',
          content: `secret words ${start + i}`,
          speechStartedAt: new Date(NOW.getTime() + (start + i) * 1000).toISOString(),
        }),
      ),
    );
    // Let the engine's onDurable handlers (journal lookups) run before the test goes on.
    await new Promise((resolve) => setImmediate(resolve));
  };
  const unsynced = async (sessionId: string) => (await journals.session(sessionId)).unsynced().length;
  /** Waits until the engine has settled into a state with no request in flight. */
  const settled = (predicate: (status: SyncStatus) => boolean) =>
    vi.waitFor(() => expect(predicate(engine.status()) && engine.status().state !== 'syncing').toBe(true), { timeout: 2_000, interval: 5 });
  return { dir, engine, journals, transcripts, timers, sent, statuses, logLines, append, unsynced, settled };
}

describe('SyncEngine', () => {
  it('publishes the new pending count only after the append that made the entry durable has answered', async () => {
    const { transcripts, statuses } = await rig();
    const before = statuses.length;
    const entry = { sessionId: SESSION_A, itemId: 'item_first', contentIndex: 0, speaker: 'candidate', content: 'hello', speechStartedAt: NOW.toISOString() } as const;
    const answers = await transcripts.appendBatch({ sessionId: SESSION_A, entries: [entry] });
    expect(answers.results).toEqual([{ key: `${SESSION_A}/item_first/0`, duplicate: false }]);
    // The hosts answer a few promise hops later (router, bridge): still no status event by then.
    for (let hop = 0; hop < 20; hop++) await Promise.resolve();
    expect(statuses).toHaveLength(before);
    await vi.waitFor(() => expect(statuses.at(-1)?.pending).toBe(1));
    expect(statuses).toHaveLength(before + 1);
  });

  it('coalesces a burst of new entries into one request, and marks them synced only after the answer', async () => {
    const { engine, timers, sent, statuses, append, unsynced, settled } = await rig();
    await append(SESSION_A, 30);
    await vi.waitFor(() => expect(engine.status().pending).toBe(30));
    expect(sent).toHaveLength(0);
    expect(timers.delays()).toEqual([250]); // one coalescing timer for the whole burst
    timers.fire(250);
    await settled((s) => s.pending === 0);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ url: 'http://supabase.test/functions/v1/interview-transcript', authorization: `Bearer ${TOKEN}`, apikey: 'anon-key', sessionId: SESSION_A });
    expect(sent[0]!.entries).toHaveLength(30);
    expect(sent[0]!.entries.map((e) => e.itemId)).toEqual(Array.from({ length: 30 }, (_, i) => `item_${i}`)); // speech order
    expect(await unsynced(SESSION_A)).toBe(0);
    expect(engine.status()).toEqual({ state: 'idle', pending: 0, lastSuccessAt: NOW.toISOString(), lastError: null, setAside: 0, setAsideReason: null });
    expect(statuses.map((s) => s.state)).toContain('syncing');
  });

  it('sends at most 500 entries per request and walks every session found at start-up', async () => {
    const first = await rig();
    await first.append(SESSION_A, 1_201);
    await first.append(SESSION_B, 3);
    // Quit before anything synced; the next run reopens the journals from disk.
    await first.engine.dispose();
    await first.journals.close();
    const restarted = await rig({ dir: first.dir });
    await restarted.engine.start();
    await restarted.settled((s) => s.pending === 0 && s.lastSuccessAt !== null);
    expect(restarted.sent.map((r) => [r.sessionId, r.entries.length])).toEqual([
      [SESSION_A, 500],
      [SESSION_A, 500],
      [SESSION_A, 201],
      [SESSION_B, 3],
    ]);
    expect(new Set(restarted.sent.flatMap((r) => r.entries.map((e) => e.itemId))).size).toBe(1_204);
  });

  it('backs off with growing jittered delays on network errors and 5xx, keeping entries unsynced until a 200', async () => {
    const { engine, timers, sent, append, unsynced, settled } = await rig({
      replies: [new TypeError('fetch failed'), new TypeError('fetch failed'), json(503, { code: 'INTERNAL', message: 'x', retryable: true })],
    });
    await append(SESSION_A, 2);
    await engine.syncNow();
    expect(engine.status()).toMatchObject({ state: 'backoff', pending: 2, lastError: { code: 'NETWORK_OFFLINE', retryable: true } });
    expect(await unsynced(SESSION_A)).toBe(2);
    // random 0.5 between the 100 ms floor and a ceiling of 1 s, 2 s, 4 s.
    expect(timers.fire()).toBe(550);
    await settled((s) => s.state === 'backoff' && sent.length === 2);
    expect(timers.fire()).toBe(1_050);
    await settled((s) => s.state === 'backoff' && sent.length === 3);
    expect(engine.status().lastError).toMatchObject({ code: 'INTERNAL' });
    expect(timers.fire()).toBe(2_050);
    await settled((s) => s.pending === 0);
    expect(engine.status()).toEqual({ state: 'idle', pending: 0, lastSuccessAt: NOW.toISOString(), lastError: null, setAside: 0, setAsideReason: null });
    // Success resets the backoff: the next failure starts from the first delay again.
    expect(timers.size).toBe(0);
  });

  it('waits at least as long as a 429 asks, and treats a 200 that is not our answer as a failure', async () => {
    const { engine, timers, append, unsynced, settled } = await rig({
      replies: [json(429, { code: 'RATE_LIMITED', message: 'slow down', retryable: true }, { 'retry-after': '7' }), new Response('<html>portal</html>', { status: 200 })],
    });
    await append(SESSION_A, 1);
    await engine.syncNow();
    expect(engine.status()).toMatchObject({ state: 'backoff', lastError: { code: 'RATE_LIMITED' } });
    expect(timers.fire()).toBe(7_000);
    await settled((s) => s.state === 'backoff' && s.lastError?.code === 'UPSTREAM_UNAVAILABLE');
    expect(await unsynced(SESSION_A)).toBe(1);
  });

  it('sets aside the one entry a 400 names and uploads the rest in the same pass', async () => {
    const { engine, timers, sent, append, settled } = await rig({
      replies: [json(400, { code: 'VALIDATION_FAILED', message: 'too long', retryable: false, field: 'entries[1].content' })],
    });
    await append(SESSION_A, 3);
    await engine.syncNow();
    await settled((s) => s.lastSuccessAt !== null);
    expect(sent.map((r) => r.entries.map((e) => e.itemId))).toEqual([['item_0', 'item_1', 'item_2'], ['item_0', 'item_2']]);
    expect(engine.status()).toMatchObject({
      state: 'idle',
      pending: 1,
      lastError: { code: 'VALIDATION_FAILED', field: 'entries[1].content' },
      setAside: 1,
      setAsideReason: { code: 'VALIDATION_FAILED', field: 'entries[1].content' },
    });
    expect(timers.size).toBe(0); // no retry of a refusal
    await engine.syncNow();
    expect(sent).toHaveLength(2);
  });

  it('sets aside a session that ended long ago (409) and still syncs the others', async () => {
    const { engine, sent, append, unsynced, settled, timers } = await rig({
      replies: [json(409, { code: 'SESSION_ENDED', message: 'ended', retryable: false })],
    });
    await append(SESSION_A, 2);
    await append(SESSION_B, 2);
    await engine.syncNow();
    await settled((s) => s.pending === 2);
    expect(sent.map((r) => r.sessionId)).toEqual([SESSION_A, SESSION_B]);
    expect(await unsynced(SESSION_A)).toBe(2); // kept on disk, exportable, never claimed as synced
    expect(engine.status()).toMatchObject({ state: 'idle', lastError: { code: 'SESSION_ENDED', retryable: false }, setAside: 2, setAsideReason: { code: 'SESSION_ENDED' } });
    await append(SESSION_A, 1);
    timers.fire(250);
    await engine.syncNow();
    expect(sent).toHaveLength(2);
  });

  it("does not let a session whose batch fails forever (5xx) stop another session's entries reaching the server", async () => {
    const failing = (body: { sessionId: string; entries: unknown[] }) =>
      body.sessionId === SESSION_A ? json(500, { code: 'INTERNAL', message: 'cannot store', retryable: true }) : stored(body);
    const { engine, timers, sent, append, unsynced } = await rig({ replies: Array.from({ length: 100 }, () => failing) });
    await append(SESSION_A, 3); // first in line
    await append(SESSION_B, 2);
    await engine.syncNow();
    expect(sent.map((r) => r.sessionId)).toEqual([SESSION_A, SESSION_B]);
    expect(await unsynced(SESSION_B)).toBe(0);
    expect(engine.status()).toMatchObject({ state: 'backoff', pending: 3, lastError: { code: 'INTERNAL' } });
    // Later entries of the other session are not held up by the failing one either.
    for (let pass = 0; pass < 4; pass += 1) {
      await append(SESSION_B, 1);
      expect(timers.size).toBeGreaterThan(0); // a retry is due
      await engine.syncNow();
      expect(await unsynced(SESSION_B)).toBe(0);
    }
    expect(await unsynced(SESSION_A)).toBe(3); // still on disk, still retried
  });

  it("sets aside another proctor's session (403) and still syncs the signed-in proctor's own, then retries it after a sign-in", async () => {
    const notOwner = (body: { sessionId: string; entries: unknown[] }) =>
      body.sessionId === SESSION_A ? json(403, { code: 'NOT_AUTHORIZED', message: 'this interview was started by another proctor', retryable: false }) : stored(body);
    const { engine, sent, append, unsynced } = await rig({ replies: Array.from({ length: 100 }, () => notOwner) });
    await append(SESSION_A, 2); // first in line
    await append(SESSION_B, 3);
    await engine.syncNow();
    expect(sent.map((r) => r.sessionId)).toEqual([SESSION_A, SESSION_B]);
    expect(await unsynced(SESSION_B)).toBe(0);
    expect(await unsynced(SESSION_A)).toBe(2); // kept on disk for the proctor who started it
    expect(engine.status()).toMatchObject({ pending: 2, setAside: 2, setAsideReason: { code: 'NOT_AUTHORIZED' } });
    await engine.syncNow();
    expect(sent).toHaveLength(2); // not sent again while the same user is signed in
    engine.credentialsChanged();
    await engine.syncNow();
    expect(sent.map((r) => r.sessionId).slice(2)).toContain(SESSION_A);
  });

  it('sets aside an entry the server keeps failing while it stores the others, keeps it on disk and reports it', async () => {
    const poisoned = (body: { entries: TranscriptEntry[] }) =>
      body.entries.some((e) => e.itemId === 'item_1') ? json(500, { code: 'INTERNAL', message: 'cannot store', retryable: true }) : stored(body);
    const { engine, timers, sent, append, unsynced } = await rig({ replies: Array.from({ length: 100 }, () => poisoned) });
    await append(SESSION_A, 4);
    await append(SESSION_B, 1);
    await engine.syncNow();
    // Smaller and smaller batches around the bad entry, then it fails alone while others go up.
    for (let pass = 0; pass < 20 && engine.status().setAside === 0; pass += 1) await engine.syncNow();
    await engine.syncNow();
    expect(engine.status()).toMatchObject({
      pending: 1,
      setAside: 1,
      setAsideReason: { code: 'TRANSCRIPT_PROCESSING_FAILED' },
      lastError: { code: 'TRANSCRIPT_PROCESSING_FAILED' },
      state: 'idle',
    });
    expect(await unsynced(SESSION_A)).toBe(1);
    expect(await unsynced(SESSION_B)).toBe(0);
    const requests = sent.length;
    await engine.syncNow();
    expect(sent).toHaveLength(requests); // not sent again this run
    expect(timers.size).toBe(0);
  });

  it('stops a pass after three failures when the server fails everything, and sets nothing aside', async () => {
    const down = () => json(503, { code: 'UPSTREAM_UNAVAILABLE', message: 'down', retryable: true });
    const { engine, timers, sent, append } = await rig({ replies: Array.from({ length: 100 }, () => down) });
    for (let i = 0; i < 5; i += 1) await append(`0f0e0d0c-0000-4000-8000-00000000010${i}`, 2);
    await engine.syncNow();
    expect(sent).toHaveLength(3);
    for (let pass = 0; pass < 10; pass += 1) {
      expect(timers.size).toBe(1);
      await engine.syncNow();
    }
    expect(sent.length).toBe(33);
    expect(engine.status()).toMatchObject({ pending: 10, setAside: 0, state: 'backoff' });
  });

  it('halves the batch when the body is too large (413) and still sends everything', async () => {
    const tooLarge = (body: { entries: unknown[] }) =>
      body.entries.length > 2 ? json(413, { code: 'VALIDATION_FAILED', message: 'too large', retryable: false }) : stored(body);
    const { engine, sent, append, settled } = await rig({ replies: [tooLarge, tooLarge, tooLarge, tooLarge, tooLarge] });
    await append(SESSION_A, 5);
    await engine.syncNow();
    await settled((s) => s.pending === 0);
    expect(sent.map((r) => r.entries.length)).toEqual([5, 2, 2, 1]);
    expect(engine.status().lastError).toBeNull();
  });

  it('on 401 tries once with a renewed token, then waits for a sign-in instead of looping', async () => {
    const refused = json(401, { code: 'AUTHENTICATION_FAILED', message: 'expired', retryable: false });
    const { engine, timers, sent, append, settled } = await rig({ replies: [refused, refused.clone()], tokens: ['old', 'renewed'] });
    await append(SESSION_A, 1);
    await engine.syncNow();
    expect(sent.map((r) => r.authorization)).toEqual(['Bearer old', 'Bearer renewed']);
    expect(engine.status()).toMatchObject({ state: 'backoff', pending: 1, lastError: { code: 'AUTHENTICATION_FAILED' } });
    expect(timers.delays()).toEqual([60_000]); // only a slow fallback retry
    await append(SESSION_A, 1); // new entries do not trigger requests while the token is refused
    expect(timers.delays()).toEqual([60_000]);
    expect(sent).toHaveLength(2);
    engine.credentialsChanged();
    await settled((s) => s.pending === 0);
    expect(sent).toHaveLength(3);
    expect(engine.status().lastError).toBeNull();
  });

  it('asks for a sign-in without sending anything when there is no token', async () => {
    const { engine, sent, append } = await rig({ tokens: [null] });
    await append(SESSION_A, 1);
    await engine.syncNow();
    expect(sent).toHaveLength(0);
    expect(engine.status()).toMatchObject({ lastError: { code: 'AUTHENTICATION_FAILED' }, pending: 1 });
  });

  it('sends nothing while offline, clears its retry, and syncs as soon as the network is back', async () => {
    const network = new FakeNetwork();
    const { engine, timers, sent, append, statuses, settled } = await rig({ network, replies: [new TypeError('fetch failed')] });
    await append(SESSION_A, 2);
    await engine.syncNow();
    expect(network.checks).toBe(1); // no answer: the monitor is asked to look now
    expect(engine.status().state).toBe('backoff');
    network.set(false);
    expect(engine.status()).toMatchObject({ state: 'offline', pending: 2 });
    expect(timers.size).toBe(0);
    await append(SESSION_A, 1);
    timers.fire(250);
    expect(sent).toHaveLength(1);
    network.set(true);
    await settled((s) => s.pending === 0);
    expect(sent).toHaveLength(2);
    expect(statuses.map((s) => s.state)).toEqual(expect.arrayContaining(['syncing', 'backoff', 'offline', 'idle']));
  });

  it('stops its timers on dispose, and never logs the token or transcript text', async () => {
    const { engine, timers, append, logLines } = await rig({ replies: [new TypeError('fetch failed')] });
    await append(SESSION_A, 2);
    await engine.syncNow();
    expect(timers.size).toBe(1);
    await engine.dispose();
    expect(timers.size).toBe(0);
    expect(logLines.length).toBeGreaterThan(0);
    const log = logLines.join('\n');
    expect(log).not.toContain('token-that-must-never-be-logged');
    expect(log).not.toContain('secret words');
    expect(log).toContain(SESSION_A);
  });
});
