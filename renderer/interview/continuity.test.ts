import { describe, expect, it } from 'vitest';
import { continuityEvents, MAX_HISTORY_ITEMS } from './continuity';
import type { TranscriptLine } from './transcriptManager';

const line = (n: number, speaker: 'ai' | 'candidate'): TranscriptLine => ({ key: `k${n}`, speaker, text: `line ${n}`, status: 'final', startedAt: n });

describe('continuity after a dropped call', () => {
  it('gives the new call the conversation as text items in order, then asks the interviewer to continue', () => {
    const events = continuityEvents([line(1, 'ai'), line(2, 'candidate')]);
    expect(events).toEqual([
      { type: 'conversation.item.create', item: { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'line 1' }] } },
      { type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'line 2' }] } },
      expect.objectContaining({ type: 'response.create' }),
    ]);
  });

  it('sends nothing for a call that had no conversation yet, and only the most recent items of a long one', () => {
    expect(continuityEvents([])).toEqual([]);
    const long = Array.from({ length: MAX_HISTORY_ITEMS + 10 }, (_, n) => line(n, n % 2 ? 'candidate' : 'ai'));
    const events = continuityEvents(long);
    expect(events).toHaveLength(MAX_HISTORY_ITEMS + 1);
    expect(events[0]).toMatchObject({ item: { content: [{ text: 'line 10' }] } });
  });
});
