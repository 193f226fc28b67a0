import type { TranscriptEntry } from '@interview-station/contracts';

/** The n-th entry the crash test writes; the checker rebuilds it to compare byte for byte. */
export function crashTestEntry(sessionId: string, n: number): TranscriptEntry {
  const at = new Date(Date.UTC(2026, 10, 21, 10, 0, 0) + n * 1000).toISOString();
  return {
    sessionId,
    itemId: `item_${n}`,
    contentIndex: 0,
    speaker: n % 2 === 0 ? 'ai' : 'candidate',
    content: `utterance ${n} `.repeat(1 + (n % 40)),
    speechStartedAt: at,
    source: 'client',
    receivedAt: at,
  };
}
