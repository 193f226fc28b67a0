import { z } from 'zod';

/**
 * Server events the room reads that `contracts/realtime.ts` does not parse yet (it returns them as
 * `ignored`). Parsed here, loosely like the contract does, until the contract gains them.
 */
const TruncatedSchema = z.looseObject({
  type: z.literal('conversation.item.truncated'),
  item_id: z.string().min(1).max(128),
  content_index: z.number().int().min(0),
  audio_end_ms: z.number().min(0),
});
const ClearedSchema = z.looseObject({ type: z.literal('output_audio_buffer.cleared'), response_id: z.string().max(128).optional() });

export type ExtraEvent = z.infer<typeof TruncatedSchema> | z.infer<typeof ClearedSchema>;

export function parseExtraEvent(raw: unknown): ExtraEvent | null {
  const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
  if (type === 'conversation.item.truncated') return TruncatedSchema.safeParse(raw).data ?? null;
  if (type === 'output_audio_buffer.cleared') return ClearedSchema.safeParse(raw).data ?? null;
  return null;
}

/** `response_id` of `output_audio_buffer.*`: the contract lets it through without typing it. */
export function responseIdOf(event: object): string | null {
  const id = (event as { response_id?: unknown }).response_id;
  return typeof id === 'string' && id.length > 0 ? id : null;
}
