import { parseRealtimeEvent, REALTIME_EVENT, type RealtimeServerEvent } from '@interview-station/contracts';

/**
 * The interruption events the room reads before the rest (contracts/realtime.ts parses them):
 * `conversation.item.truncated` (what the candidate heard) and `output_audio_buffer.cleared`.
 */
export type ExtraEvent = Extract<RealtimeServerEvent, { type: typeof REALTIME_EVENT.itemTruncated | typeof REALTIME_EVENT.outputAudioCleared }>;

export function parseExtraEvent(raw: unknown): ExtraEvent | null {
  const parsed = parseRealtimeEvent(raw);
  if (parsed.kind !== 'event') return null;
  const { event } = parsed;
  return event.type === REALTIME_EVENT.itemTruncated || event.type === REALTIME_EVENT.outputAudioCleared ? event : null;
}

/** `response_id` of `output_audio_buffer.*`, when the provider sends one. */
export function responseIdOf(event: object): string | null {
  const id = (event as { response_id?: unknown }).response_id;
  return typeof id === 'string' && id.length > 0 ? id : null;
}
