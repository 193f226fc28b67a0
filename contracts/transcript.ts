import { z } from 'zod';
import { IsoDateTimeSchema, LIMITS, ProviderIdSchema, storedText, UuidSchema } from './common';

export const SpeakerSchema = z.enum(['ai', 'candidate']);
export type Speaker = z.infer<typeof SpeakerSchema>;

/** Which path delivered an entry: the station's data channel, or the token service's sideband. */
export const TranscriptSourceSchema = z.enum(['client', 'sideband']);
export type TranscriptSource = z.infer<typeof TranscriptSourceSchema>;

/**
 * The deterministic key of one utterance. Both delivery paths derive the same key from the
 * Realtime event, so storage converges to one row per utterance.
 */
export const TranscriptKeySchema = z
  .object({
    sessionId: UuidSchema,
    itemId: ProviderIdSchema,
    contentIndex: z.number().int().min(0).max(1000),
  })
  .strict();
export type TranscriptKey = z.infer<typeof TranscriptKeySchema>;

const entryFields = {
  speaker: SpeakerSchema,
  content: storedText(LIMITS.transcriptContent),
  /** When the speech began (wall clock); entries are ordered by this, not by arrival. */
  speechStartedAt: IsoDateTimeSchema,
};

/** What the renderer hands to `transcript:append`: main stamps the source and arrival time. */
export const TranscriptEntryInputSchema = TranscriptKeySchema.extend(entryFields).strict();
export type TranscriptEntryInput = z.infer<typeof TranscriptEntryInputSchema>;

/** A final transcript entry as journaled, synced and stored. */
export const TranscriptEntrySchema = TranscriptKeySchema.extend({
  ...entryFields,
  source: TranscriptSourceSchema,
  receivedAt: IsoDateTimeSchema,
  /** Recognizer confidence when the provider gives one. */
  confidence: z.number().min(0).max(1).optional(),
}).strict();
export type TranscriptEntry = z.infer<typeof TranscriptEntrySchema>;

/** The key as one string, for maps and journal indexes. */
export function transcriptKeyString(key: TranscriptKey): string {
  return `${key.sessionId}/${key.itemId}/${key.contentIndex}`;
}

/** Orders entries by when the speech started; ties keep a stable order by key. */
export function compareBySpeechStart(a: TranscriptEntryInput, b: TranscriptEntryInput): number {
  const byTime = Date.parse(a.speechStartedAt) - Date.parse(b.speechStartedAt);
  if (byTime !== 0) return byTime;
  return transcriptKeyString(a) < transcriptKeyString(b) ? -1 : transcriptKeyString(a) > transcriptKeyString(b) ? 1 : 0;
}
