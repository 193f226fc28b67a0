import { describe, expect, it } from 'vitest';
import { transcriptKeyString, type TranscriptEntryInput } from '@interview-station/contracts';
import type { AppendOutcome } from './ports';
import { AppendQueue, AppendSender, MAX_BATCH, type RetryTimer } from './appendQueue';

const entry = (n: number): TranscriptEntryInput => ({
  sessionId: '4f1c2a52-7b4e-4c8f-9d0a-0b6c1d2e3f40',
  itemId: `item_${n}`,
  contentIndex: 0,
  speaker: 'candidate',
  content: `answer ${n}`,
  speechStartedAt: new Date(Date.UTC(2026, 11, 1, 10, 0, n)).toISOString(),
});
const key = (n: number) => transcriptKeyString(entry(n));

describe('append queue', () => {
  it('sends small batches one at a time and counts what main made durable', () => {
    const q = new AppendQueue();
    q.add([entry(1), entry(2), entry(3)]);
    const first = q.nextBatch(2)!;
    expect(first.map((e) => e.itemId)).toEqual(['item_1', 'item_2']);
    expect(q.nextBatch(2)).toBeNull();
    q.settle({ stored: [key(1), key(2)], failed: [] });
    expect(q.counts()).toMatchObject({ stored: 2, pending: 1, failed: 0 });
    q.settle({ stored: (q.nextBatch(2) ?? []).map(transcriptKeyString), failed: [] });
    expect(q.isIdle()).toBe(true);
  });

  it('retries retryable failures first, keeps refused entries aside and visible, never drops one', () => {
    const q = new AppendQueue();
    q.add([entry(1), entry(2), entry(3)]);
    q.nextBatch(2);
    q.add([entry(4)]);
    q.settle({ stored: [], failed: [{ key: key(1), retryable: true, message: 'disk busy' }, { key: key(2), retryable: false, message: 'content refused' }] });
    expect(q.counts()).toEqual({ stored: 0, pending: 3, failed: 1, lastError: 'content refused' });
    expect(q.nextBatch(10)!.map((e) => e.itemId)).toEqual(['item_1', 'item_3', 'item_4']);
  });

  it('puts the whole batch back when the call itself fails', () => {
    const q = new AppendQueue();
    q.add([entry(1)]);
    q.nextBatch();
    q.settleAllFailed('bridge closed');
    expect(q.counts()).toMatchObject({ pending: 1, lastError: 'bridge closed' });
    expect(q.nextBatch()).toHaveLength(1);
  });
});

/** main's side of the bridge, answered by hand: each call waits until the test answers it. */
function fakeMain() {
  const calls: { batch: string[]; answer(outcome: AppendOutcome): Promise<void>; fail(message: string): Promise<void> }[] = [];
  const send = (batch: readonly TranscriptEntryInput[]) =>
    new Promise<AppendOutcome>((resolve, reject) => {
      const settle = async (f: () => void) => {
        f();
        // Let the sender see the answer and send what waits.
        for (let i = 0; i < 5; i++) await Promise.resolve();
      };
      calls.push({ batch: batch.map((e) => e.itemId), answer: (outcome) => settle(() => resolve(outcome)), fail: (message) => settle(() => reject(new Error(message))) });
    });
  const durable = (batch: string[]): AppendOutcome => ({ stored: batch.map((id) => key(Number(id.slice(5)))), failed: [] });
  return { calls, send, durable };
}

/** A retry timer the test fires by hand. */
function manualTimer(): RetryTimer & { pending: number; fire(): void } {
  let callback: (() => void) | null = null;
  return {
    set: (cb) => (callback = cb),
    clear: () => (callback = null),
    get pending() {
      return callback ? 1 : 0;
    },
    fire() {
      const cb = callback;
      callback = null;
      cb?.();
    },
  };
}

describe('append sender', () => {
  it('sends a final to main at once when nothing is in flight, without waiting for a timer', () => {
    const main = fakeMain();
    const sender = new AppendSender(new AppendQueue(), main.send, undefined, manualTimer());
    sender.push([entry(1)]);
    expect(main.calls.map((c) => c.batch)).toEqual([['item_1']]);
  });

  it('coalesces what arrives while a batch is in flight and sends it as soon as main answers, in order', async () => {
    const main = fakeMain();
    const queue = new AppendQueue();
    const sender = new AppendSender(queue, main.send, undefined, manualTimer());
    sender.push([entry(1)]);
    sender.push([entry(2)]);
    sender.push([entry(3), entry(4)]);
    expect(main.calls).toHaveLength(1);
    expect(queue.counts()).toMatchObject({ stored: 0, pending: 4 });
    await main.calls[0]!.answer(main.durable(main.calls[0]!.batch));
    expect(main.calls.map((c) => c.batch)).toEqual([['item_1'], ['item_2', 'item_3', 'item_4']]);
    // Counted as stored only once main has said so.
    expect(queue.counts()).toMatchObject({ stored: 1, pending: 3 });
    await main.calls[1]!.answer(main.durable(main.calls[1]!.batch));
    expect(queue.counts()).toMatchObject({ stored: 4, pending: 0 });
    expect(queue.isIdle()).toBe(true);
    expect(main.calls).toHaveLength(2);
  });

  it('never has more than one batch in flight nor more than MAX_BATCH entries in one', async () => {
    const main = fakeMain();
    const sender = new AppendSender(new AppendQueue(), main.send, undefined, manualTimer());
    sender.push([entry(0)]);
    sender.push(Array.from({ length: MAX_BATCH + 5 }, (_, n) => entry(n + 1)));
    expect(main.calls).toHaveLength(1);
    await main.calls[0]!.answer(main.durable(main.calls[0]!.batch));
    expect(main.calls).toHaveLength(2);
    expect(main.calls[1]!.batch).toHaveLength(MAX_BATCH);
    await main.calls[1]!.answer(main.durable(main.calls[1]!.batch));
    expect(main.calls[2]!.batch).toEqual(['item_51', 'item_52', 'item_53', 'item_54', 'item_55']);
  });

  it('after a failure waits for the retry timer, then resends the same entries first and in order', async () => {
    const main = fakeMain();
    const timer = manualTimer();
    const queue = new AppendQueue();
    const sender = new AppendSender(queue, main.send, undefined, timer);
    sender.push([entry(1), entry(2)]);
    sender.push([entry(3)]);
    await main.calls[0]!.fail('bridge closed');
    expect(main.calls).toHaveLength(1);
    expect(timer.pending).toBe(1);
    expect(queue.counts()).toMatchObject({ stored: 0, pending: 3, lastError: 'bridge closed' });
    sender.push([entry(4)]);
    expect(main.calls).toHaveLength(1);
    timer.fire();
    expect(main.calls[1]!.batch).toEqual(['item_1', 'item_2', 'item_3', 'item_4']);
    await main.calls[1]!.answer({ stored: [key(1), key(3), key(4)], failed: [{ key: key(2), retryable: true, message: 'disk busy' }] });
    expect(main.calls).toHaveLength(2);
    timer.fire();
    expect(main.calls[2]!.batch).toEqual(['item_2']);
    await main.calls[2]!.answer(main.durable(['item_2']));
    expect(queue.counts()).toEqual({ stored: 4, pending: 0, failed: 0, lastError: 'disk busy' });
  });

  it('keeps a refused entry aside and goes on sending the rest at once', async () => {
    const main = fakeMain();
    const timer = manualTimer();
    const queue = new AppendQueue();
    const sender = new AppendSender(queue, main.send, undefined, timer);
    sender.push([entry(1)]);
    sender.push([entry(2)]);
    await main.calls[0]!.answer({ stored: [], failed: [{ key: key(1), retryable: false, message: 'content refused' }] });
    expect(timer.pending).toBe(0);
    expect(main.calls[1]!.batch).toEqual(['item_2']);
    expect(queue.counts()).toMatchObject({ failed: 1, pending: 1 });
  });

  it('tells its listener after every answer, and wakes whoever waits for one', async () => {
    const main = fakeMain();
    let told = 0;
    const sender = new AppendSender(new AppendQueue(), main.send, () => (told += 1), manualTimer());
    sender.push([entry(1)]);
    let woken = false;
    void sender.settled().then(() => (woken = true));
    await main.calls[0]!.answer(main.durable(main.calls[0]!.batch));
    expect(told).toBe(1);
    expect(woken).toBe(true);
  });

  it('sends nothing more once stopped, and cancels a waiting retry', async () => {
    const main = fakeMain();
    const timer = manualTimer();
    const sender = new AppendSender(new AppendQueue(), main.send, undefined, timer);
    sender.push([entry(1)]);
    await main.calls[0]!.fail('bridge closed');
    sender.stop();
    expect(timer.pending).toBe(0);
    sender.push([entry(2)]);
    expect(main.calls).toHaveLength(1);
  });
});
