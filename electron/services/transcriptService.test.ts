import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { JournalStore } from './journal/journalStore';
import { TranscriptService } from './transcriptService';

const SESSION = '4f1c2a52-7b4e-4c8f-9d0a-0b6c1d2e3f40';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

it("refuses the renderer's entries past a session's bound, typed, and still answers replays of ones it holds", async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'transcripts-'));
  const journals = new JournalStore(dir);
  cleanups.push(async () => {
    await journals.close();
    await rm(dir, { recursive: true, force: true });
  });
  const transcripts = new TranscriptService(journals, undefined, undefined, 5);
  const entry = (i: number) => ({
    sessionId: SESSION,
    itemId: `item_${i}`,
    contentIndex: 0,
    speaker: 'ai' as const,
    content: `words ${i}`,
    speechStartedAt: new Date(Date.UTC(2026, 10, 21, 10, 0, i)).toISOString(),
  });
  for (let i = 0; i < 5; i += 1) await transcripts.append(entry(i));
  await expect(transcripts.append(entry(5))).rejects.toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE', field: 'sessionId' } });
  expect(await transcripts.append(entry(2))).toMatchObject({ duplicate: true });
  expect((await transcripts.list({ sessionId: SESSION })).entries).toHaveLength(5);
});

it('appends a batch in one call, answering each entry: stored, a replay, or refused (the others still kept)', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'transcripts-'));
  const journals = new JournalStore(dir);
  cleanups.push(async () => {
    await journals.close();
    await rm(dir, { recursive: true, force: true });
  });
  const durable: string[] = [];
  const transcripts = new TranscriptService(journals, undefined, (e) => durable.push(e.itemId), 3);
  const entry = (i: number) => ({
    sessionId: SESSION,
    itemId: `item_${i}`,
    contentIndex: 0,
    speaker: (i % 2 === 0 ? 'ai' : 'candidate') as 'ai' | 'candidate',
    content: `words ${i}`,
    speechStartedAt: new Date(Date.UTC(2026, 10, 21, 10, 0, i)).toISOString(),
  });
  await transcripts.append(entry(0));
  const { results } = await transcripts.appendBatch({ sessionId: SESSION, entries: [entry(0), entry(1), entry(2), entry(3)] });
  expect(results[0]).toEqual({ key: `${SESSION}/item_0/0`, duplicate: true });
  expect(results[1]).toEqual({ key: `${SESSION}/item_1/0`, duplicate: false });
  expect(results[2]).toEqual({ key: `${SESSION}/item_2/0`, duplicate: false });
  expect(results[3]).toMatchObject({ key: `${SESSION}/item_3/0`, error: { code: 'PAYLOAD_TOO_LARGE' } });
  expect(durable).toEqual(['item_0', 'item_1', 'item_2']);
  expect((await transcripts.list({ sessionId: SESSION })).entries.map((e) => e.itemId).sort()).toEqual(['item_0', 'item_1', 'item_2']);
});

it("makes a batch's entries durable with one write and one fsync (group commit), not the first alone", async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'transcripts-'));
  const journals = new JournalStore(dir);
  cleanups.push(async () => {
    await journals.close();
    await rm(dir, { recursive: true, force: true });
  });
  const transcripts = new TranscriptService(journals);
  const journal = await journals.session(SESSION);
  const datasync = vi.spyOn(journal['file'], 'datasync');
  const entries = [0, 1, 2].map((i) => ({
    sessionId: SESSION,
    itemId: `item_${i}`,
    contentIndex: 0,
    speaker: 'candidate' as const,
    content: `words ${i}`,
    speechStartedAt: new Date(Date.UTC(2026, 10, 21, 10, 0, i)).toISOString(),
  }));
  const { results } = await transcripts.appendBatch({ sessionId: SESSION, entries });
  expect(results.map((r) => ('duplicate' in r ? r.duplicate : r.error.code))).toEqual([false, false, false]);
  expect(datasync).toHaveBeenCalledTimes(1);
});
