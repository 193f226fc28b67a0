import type { TranscriptLine } from './transcriptManager';

/**
 * A new realtime call (after a drop) cannot replay the old call's audio: it receives the
 * conversation so far as text items (REALTIME.md §7, as the Agents SDK does), then one
 * `response.create` so the interviewer picks up where it left off instead of waiting in silence.
 */

/** Enough context to continue without filling the model's context window. */
export const MAX_HISTORY_ITEMS = 60;

/**
 * Why a new call gets the context: `reconnect` (a drop: the interviewer says the interview
 * continues and carries on) or `rollover` (a planned move to a new session at a turn boundary
 * before the provider's cap: the interviewer says nothing about it; it replies only if the
 * candidate spoke last, else it waits for the candidate's answer as the old session would have).
 */
export type ContinuityReason = 'reconnect' | 'rollover';

export function continuityEvents(finals: readonly TranscriptLine[], reason: ContinuityReason = 'reconnect'): Record<string, unknown>[] {
  const recent = finals.slice(-MAX_HISTORY_ITEMS);
  if (recent.length === 0) return [];
  const items = recent.map((line) => ({
    type: 'conversation.item.create',
    item: {
      type: 'message',
      role: line.speaker === 'ai' ? 'assistant' : 'user',
      content: [{ type: line.speaker === 'ai' ? 'output_text' : 'input_text', text: line.text }],
    },
  }));
  if (reason === 'rollover') {
    if (recent.at(-1)?.speaker === 'ai') return items;
    return [...items, { type: 'response.create', response: { instructions: 'Carry on from where the conversation stopped, without mentioning any interruption.' } }];
  }
  return [
    ...items,
    {
      type: 'response.create',
      response: {
        instructions:
          'The connection dropped and has just come back. Briefly tell the candidate the interview continues, then carry on from where the conversation stopped.',
      },
    },
  ];
}
