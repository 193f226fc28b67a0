import { describe, expect, it } from 'vitest';
import { transcriptKeyString, type TranscriptEntryInput } from '@interview-station/contracts';
import { AppendQueue } from './appendQueue';

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
