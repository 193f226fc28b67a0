import type { TranscriptLine } from './transcriptManager';

/**
 * A new realtime call (after a drop) cannot replay the old call's audio: it receives the
 * conversation so far as text items (REALTIME.md §7, as the Agents SDK does), then one
 * `response.create` so the interviewer picks up where it left off instead of waiting in silence.
 */

/** Enough context to continue without filling the model's context window. */
export const MAX_HISTORY_ITEMS = 60;

export function continuityEvents(finals: readonly TranscriptLine[]): Record<string, unknown>[] {
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
