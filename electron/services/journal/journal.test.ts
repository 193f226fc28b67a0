import { appendFile, mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { transcriptKeyString } from '@interview-station/contracts';
import { crashTestEntry } from './crashTestEntry';
import { transcriptAsJson, transcriptAsText } from './exportTranscript';
import { JournalStore } from './journalStore';
import { encodeFrame } from './recordCodec';

const SESSION = '4f1c2a52-7b4e-4c8f-9d0a-0b6c1d2e3f40';
let dir: string;
let stores: JournalStore[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'station-journal-'));
});

afterEach(async () => {
  await Promise.all(stores.map((store) => store.close()));
  stores = [];
  await rm(dir, { recursive: true, force: true });
});

/** A store on the test's folder, closed after the test (a reopen is a new store). */
function storeAt(): JournalStore {
  const store = new JournalStore(dir);
  stores.push(store);
  return store;
}
const reopened = storeAt;

describe('transcript journal', () => {
  it('keeps every acknowledged entry across a reopen', async () => {
    const store = storeAt();
    const journal = await store.session(SESSION);
    const results = await Promise.all(Array.from({ length: 50 }, (_, n) => journal.append(crashTestEntry(SESSION, n))));
    expect(results.every((r) => !r.duplicate)).toBe(true);
    await store.close();

    const again = await reopened().session(SESSION);
    expect(again.list()).toEqual(Array.from({ length: 50 }, (_, n) => crashTestEntry(SESSION, n)));
    // Transcripts are personal data: no other user of the machine may read them.
    expect((await stat(path.join(dir, `${SESSION}.journal`))).mode & 0o077).toBe(0);
  });

  it('writes a replayed key once, even while the first write is in flight', async () => {
    const journal = await storeAt().session(SESSION);
    const entry = crashTestEntry(SESSION, 1);
    const [first, second] = await Promise.all([journal.append(entry), journal.append({ ...entry, content: 'changed' })]);
    expect([first.duplicate, second.duplicate]).toEqual([false, true]);
    expect(await journal.append(entry)).toEqual({ key: transcriptKeyString(entry), duplicate: true });
    expect(journal.list()).toEqual([entry]);
    await journal.close();
    const size = (await stat(path.join(dir, `${SESSION}.journal`))).size;
    expect(size).toBeLessThan(2 * JSON.stringify(entry).length);
  });

  it('drops a torn tail and keeps appending after the intact records', async () => {
    const store = storeAt();
    const journal = await store.session(SESSION);
    for (let n = 0; n < 3; n++) await journal.append(crashTestEntry(SESSION, n));
    await store.close();
    const file = path.join(dir, `${SESSION}.journal`);
    const intactSize = (await stat(file)).size;
    const torn = encodeFrame(Buffer.from(JSON.stringify({ t: 'entry', entry: crashTestEntry(SESSION, 3) })));
    await appendFile(file, torn.subarray(0, torn.length - 7));

    const store2 = reopened();
    const recovered = await store2.session(SESSION);
    expect(recovered.list().map((e) => e.itemId)).toEqual(['item_0', 'item_1', 'item_2']);
    expect((await stat(file)).size).toBe(intactSize);
    await recovered.append(crashTestEntry(SESSION, 4));
    await store2.close();
    expect((await reopened().session(SESSION)).list().map((e) => e.itemId)).toEqual(['item_0', 'item_1', 'item_2', 'item_4']);
  });

  it('stops at a record whose checksum fails instead of reading garbage', async () => {
    const store = storeAt();
    const journal = await store.session(SESSION);
    await journal.append(crashTestEntry(SESSION, 0));
    await store.close();
    const file = path.join(dir, `${SESSION}.journal`);
    const bad = encodeFrame(Buffer.from(JSON.stringify({ t: 'entry', entry: crashTestEntry(SESSION, 1) })));
    bad.writeUInt8(bad.readUInt8(bad.length - 3) ^ 0xff, bad.length - 3);
    await appendFile(file, bad);
    expect((await reopened().session(SESSION)).list().map((e) => e.itemId)).toEqual(['item_0']);
  });

  it('reopens a journal whose write failed, so later entries are kept again', async () => {
    const store = storeAt();
    const journal = await store.session(SESSION);
    await journal.append(crashTestEntry(SESSION, 0));
    // Stand-in for a failing disk: the file handle goes away under the journal.
    await (journal as unknown as { file: { close(): Promise<void> } }).file.close();
    await expect(journal.append(crashTestEntry(SESSION, 1))).rejects.toBeDefined();
    expect(journal.failed).toBe(true);
    const reopenedJournal = await store.session(SESSION);
    expect(reopenedJournal).not.toBe(journal);
    await reopenedJournal.append(crashTestEntry(SESSION, 2));
    expect(reopenedJournal.list().map((e) => e.itemId)).toEqual(['item_0', 'item_2']);
  });

  it('refuses a record too large for a frame on its own; the entries appended with it are kept', async () => {
    const store = storeAt();
    const journal = await store.session(SESSION);
    const huge = { ...crashTestEntry(SESSION, 1), content: 'x'.repeat(1024 * 1024 + 1) };
    const [small, large, after] = await Promise.allSettled([journal.append(crashTestEntry(SESSION, 0)), journal.append(huge), journal.append(crashTestEntry(SESSION, 2))]);
    expect([small.status, large.status, after.status]).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((large as PromiseRejectedResult).reason).toBeInstanceOf(RangeError);
    expect(journal.failed).toBe(false);
    await store.close();
    expect((await reopened().session(SESSION)).list().map((e) => e.itemId)).toEqual(['item_0', 'item_2']);
  });

  it('orders entries by speech start, not arrival', async () => {
    const journal = await storeAt().session(SESSION);
    const answer = { ...crashTestEntry(SESSION, 1), speechStartedAt: '2026-11-21T10:00:05.000Z' };
    const question = { ...crashTestEntry(SESSION, 2), speechStartedAt: '2026-11-21T10:00:01.000Z' };
    await journal.append(answer);
    await journal.append(question);
    expect(journal.list().map((e) => e.itemId)).toEqual(['item_2', 'item_1']);
  });

  it('remembers what was synced across a reopen', async () => {
    const store = storeAt();
    const journal = await store.session(SESSION);
    for (let n = 0; n < 4; n++) await journal.append(crashTestEntry(SESSION, n));
    await journal.markSynced([transcriptKeyString(crashTestEntry(SESSION, 0)), transcriptKeyString(crashTestEntry(SESSION, 2))]);
    await store.close();
    const unsynced = await reopened().unsyncedBySession();
    expect(unsynced.get(SESSION)?.map((e) => e.itemId)).toEqual(['item_1', 'item_3']);
  });

  it('refuses session ids that are not UUIDs, so no input becomes a path', async () => {
    const store = storeAt();
    for (const bad of ['../../etc/passwd', `${SESSION}/../x`, '', 'a'.repeat(36)]) {
      await expect(store.session(bad)).rejects.toMatchObject({ error: { code: 'VALIDATION_FAILED', field: 'sessionId' } });
    }
    await writeFile(path.join(dir, 'notes.txt'), 'not a journal');
    expect(await store.sessionIds()).toEqual([]);
  });

  it('refuses an entry of another session', async () => {
    const journal = await storeAt().session(SESSION);
    await expect(journal.append(crashTestEntry('9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', 0))).rejects.toMatchObject({ error: { field: 'sessionId' } });
    expect(journal.list()).toEqual([]);
  });

  it('removes fully synced journals past retention and keeps the rest', async () => {
    const other = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
    const store = storeAt();
    const synced = await store.session(SESSION);
    await synced.append(crashTestEntry(SESSION, 0));
    await synced.markSynced([transcriptKeyString(crashTestEntry(SESSION, 0))]);
    await (await store.session(other)).append(crashTestEntry(other, 0));
    const old = new Date(Date.now() - 40 * 86_400_000);
    for (const id of [SESSION, other]) await utimes(path.join(dir, `${id}.journal`), old, old);

    expect(await store.removeSyncedOlderThan(30)).toEqual([SESSION]);
    expect(await store.sessionIds()).toEqual([other]);
    expect(await store.removeSyncedOlderThan(30)).toEqual([]);
  });

  it('exports a session as JSON and as plain text', async () => {
    const entries = [crashTestEntry(SESSION, 0), crashTestEntry(SESSION, 1)];
    expect(JSON.parse(transcriptAsJson(SESSION, entries))).toMatchObject({ sessionId: SESSION, entries });
    expect(transcriptAsText(entries)).toBe('[10:00:00] Interviewer: utterance 0 \n[10:00:01] Candidate: utterance 1 utterance 1 \n');
  });
});
