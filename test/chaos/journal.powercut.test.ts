/**
 * Power cuts, not only process crashes. A SIGKILL leaves the page cache intact, so the crash test
 * cannot tell an acknowledgement sent after fsync from one sent before it. Here the journal's files
 * live on a model disk (powerCutDisk.ts, in place of `node:fs/promises`' `open`) that drops every
 * byte not yet fsynced when the power goes. The real JournalStore and TranscriptJournal append
 * entries and mark some synced, four appends in flight; the power is cut at a random disk call
 * (seeded), again and again; after each cut the journal is reopened on the surviving bytes and
 * must hold every entry and every synced mark it acknowledged. The same run against a journal that
 * acknowledges before its fsync completes must lose some: the test can fail.
 */
import type * as FsPromises from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { transcriptKeyString } from '@interview-station/contracts';
import { crashTestEntry } from '../../electron/services/journal/crashTestEntry';
import { JournalStore } from '../../electron/services/journal/journalStore';
import { PowerCutDisk } from './powerCutDisk';
import { between, seededRandom } from './seededRandom';

const disk = vi.hoisted(() => ({ current: null as null | { open: (path: string, flags: string) => Promise<unknown> } }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof FsPromises>();
  const open = (file: string, flags: string, mode?: number) => (disk.current ? disk.current.open(file, flags) : real.open(file, flags, mode));
  return { ...real, open, default: { ...real, open } };
});

const SEED = Number(process.env['CHAOS_SEED'] ?? 20261201);
/** A fresh session (journal file) every this many cuts, so reopening stays cheap. */
const CUTS_PER_SESSION = 25;

interface Counts {
  cuts: number;
  acknowledged: number;
  survived: number;
  lost: number;
  syncedMarksAcknowledged: number;
  syncedMarksLost: number;
  /** Cuts that dropped unsynced bytes: they landed while writes were in the page cache. */
  cutsDroppingBytes: number;
}

function sessionOf(n: number): string {
  return `4f1c2a52-7b4e-4c8f-9d0a-${n.toString(16).padStart(12, '0')}`;
}

/** Appends and marks synced until the power goes, then reopens and counts what survived. */
async function powerCutRun(dir: string, cuts: number, options: { torn: boolean; ackBeforeSync: boolean }): Promise<Counts> {
  const random = seededRandom(SEED + (options.ackBeforeSync ? 1 : 0) + (options.torn ? 2 : 0));
  const model = new PowerCutDisk({ random, torn: options.torn, ackBeforeSync: options.ackBeforeSync });
  disk.current = model;
  const counts: Counts = { cuts: 0, acknowledged: 0, survived: 0, lost: 0, syncedMarksAcknowledged: 0, syncedMarksLost: 0, cutsDroppingBytes: 0 };
  let acknowledged = new Set<number>();
  let syncedAcknowledged = new Set<number>();
  let next = 0;
  try {
    for (let cut = 0; cut < cuts; cut++) {
      const session = sessionOf(Math.floor(cut / CUTS_PER_SESSION));
      if (cut % CUTS_PER_SESSION === 0) {
        acknowledged = new Set();
        syncedAcknowledged = new Set();
      }
      // Power on: a new process opens the journal on what the disk kept.
      model.cutAfter(between(random, 1, 40));
      const cutsBefore = model.cuts;
      const ackedBefore = acknowledged.size;
      const syncedBefore = syncedAcknowledged.size;
      const store = new JournalStore(dir);
      // The process stops at the cut. A call that touches the disk never returns after it, but one
      // that does not (markSynced of keys this journal does not hold) would: without this check a
      // dead process's marker would go on acknowledging marks it never wrote.
      const halted = (): boolean => model.cuts !== cutsBefore;
      const run = (async () => {
        const journal = await store.session(session);
        const appender = async (): Promise<void> => {
          while (!halted()) {
            const n = next++;
            await journal.append(crashTestEntry(session, n));
            if (halted()) return;
            acknowledged.add(n);
          }
        };
        const marker = async (): Promise<void> => {
          while (!halted()) {
            await new Promise<void>((resolve) => setImmediate(resolve));
            if (halted()) return;
            const pick = [...acknowledged].filter((n) => !syncedAcknowledged.has(n) && random() < 0.3);
            if (pick.length === 0) continue;
            await journal.markSynced(pick.map((n) => transcriptKeyString(crashTestEntry(session, n))));
            if (halted()) return;
            for (const n of pick) syncedAcknowledged.add(n);
          }
        };
        await Promise.all([appender(), appender(), appender(), appender(), marker()]);
      })();
      void run.catch(() => undefined);
      // Everything above stops for good at the cut (its disk calls never complete).
      await vi.waitFor(() => expect(model.cuts).toBe(cutsBefore + 1), { timeout: 5_000, interval: 1 });
      counts.cuts += 1;
      if ((model.lastCut?.droppedBytes ?? 0) > 0) counts.cutsDroppingBytes += 1;

      // Power back: reopen on the surviving bytes (this open is not cut).
      model.cutAfter(Infinity);
      const check = new JournalStore(dir);
      const journal = await check.session(session);
      const present = new Map(journal.list().map((entry) => [entry.itemId, entry]));
      const unsynced = new Set(journal.unsynced().map((entry) => entry.itemId));
      await check.close();
      // Every entry acknowledged so far in this session is checked after every cut.
      for (const n of acknowledged) {
        const found = present.get(`item_${n}`);
        if (!found || JSON.stringify(found) !== JSON.stringify(crashTestEntry(session, n))) counts.lost += 1;
      }
      for (const n of syncedAcknowledged) if (unsynced.has(`item_${n}`) || !present.has(`item_${n}`)) counts.syncedMarksLost += 1;
      counts.acknowledged += acknowledged.size - ackedBefore;
      counts.syncedMarksAcknowledged += syncedAcknowledged.size - syncedBefore;
      // What was lost is gone; later cuts judge only what is acknowledged from here on.
      acknowledged = new Set([...acknowledged].filter((n) => present.has(`item_${n}`)));
      syncedAcknowledged = new Set([...syncedAcknowledged].filter((n) => present.has(`item_${n}`) && !unsynced.has(`item_${n}`)));
    }
  } finally {
    disk.current = null;
  }
  counts.survived = counts.acknowledged - counts.lost;
  return counts;
}

function report(label: string, c: Counts): void {
  process.stdout.write(
    `[power cut] ${label}: ${c.cuts} cuts (${c.cutsDroppingBytes} dropping unsynced bytes), ${c.acknowledged} acknowledged, ${c.survived} survived, ${c.lost} lost; ` +
      `${c.syncedMarksAcknowledged} synced marks acknowledged, ${c.syncedMarksLost} lost (seed ${SEED})\n`,
  );
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'station-powercut-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('journal under power cuts', () => {
  it('the model disk drops what was not fsynced and keeps what was', async () => {
    const model = new PowerCutDisk({ random: seededRandom(1) });
    const file = path.join(dir, 'model-check');
    const handle = await model.open(file, 'a+');
    await handle.writev([Buffer.from('durable ')]);
    await handle.datasync();
    // Until its directory is fsynced, a new file's name is not durable: a cut takes the file.
    expect(model.cut()).toEqual({ droppedBytes: 8 });
    const again = await model.open(file, 'a+');
    expect((await again.readFile()).length).toBe(0);
    await again.writev([Buffer.from('durable ')]);
    await again.datasync();
    await (await model.open(dir, 'r')).sync();
    await again.writev([Buffer.from('cached')]);
    expect((await again.readFile()).toString()).toBe('durable cached');
    expect(model.cut()).toEqual({ droppedBytes: 6 });
    const after = await model.open(file, 'a+');
    expect((await after.readFile()).toString()).toBe('durable ');
    // The old handle is dead: its calls never complete.
    const stale = await Promise.race([again.readFile().then(() => 'answered'), new Promise((resolve) => setTimeout(() => resolve('dead'), 20))]);
    expect(stale).toBe('dead');
  });

  it.each([
    ['unsynced bytes dropped', false],
    ['unsynced tail torn at a random byte', true],
  ])('keeps every acknowledged entry and synced mark through 300 power cuts (%s)', async (label, torn) => {
    const counts = await powerCutRun(dir, 300, { torn, ackBeforeSync: false });
    report(label, counts);
    expect(counts.cuts).toBe(300);
    expect(counts.acknowledged).toBeGreaterThan(1000);
    // A mark is acknowledged once per entry at most (more would mean a process acknowledging after its cut).
    expect(counts.syncedMarksAcknowledged).toBeLessThanOrEqual(counts.acknowledged);
    // The cuts must land while bytes sit unsynced, or the test proves nothing.
    expect(counts.cutsDroppingBytes).toBeGreaterThan(counts.cuts / 4);
    expect(counts.lost).toBe(0);
    expect(counts.syncedMarksLost).toBe(0);
  }, 120_000);

  it('catches a journal that acknowledges before its fsync completes', async () => {
    const counts = await powerCutRun(dir, 100, { torn: false, ackBeforeSync: true });
    report('BROKEN on purpose: acknowledges before fsync completes', counts);
    expect(counts.lost).toBeGreaterThan(0);
  }, 120_000);
});
