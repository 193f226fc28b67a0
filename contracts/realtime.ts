import { z } from 'zod';
import type { Speaker, TranscriptKey } from './transcript';

/**
 * The OpenAI Realtime server events the station reads from the `oai-events` data channel (and the
 * token service from the sideband). These come from a provider that adds fields over time, so the
 * schemas check what the station relies on and let other fields through (`z.looseObject`).
 */

export const REALTIME_EVENT = {
  sessionCreated: 'session.created',
  sessionUpdated: 'session.updated',
  speechStarted: 'input_audio_buffer.speech_started',
  speechStopped: 'input_audio_buffer.speech_stopped',
  inputTranscriptDelta: 'conversation.item.input_audio_transcription.delta',
  inputTranscriptCompleted: 'conversation.item.input_audio_transcription.completed',
  inputTranscriptFailed: 'conversation.item.input_audio_transcription.failed',
  outputTranscriptDelta: 'response.output_audio_transcript.delta',
  outputTranscriptDone: 'response.output_audio_transcript.done',
  /** Beta names of the assistant transcript events, still sent by some deployments. */
  outputTranscriptDeltaBeta: 'response.audio_transcript.delta',
  outputTranscriptDoneBeta: 'response.audio_transcript.done',
  outputAudioStarted: 'output_audio_buffer.started',
  outputAudioStopped: 'output_audio_buffer.stopped',
  /** WebRTC only: the interviewer's audio was cut off (the candidate spoke over it). */
  outputAudioCleared: 'output_audio_buffer.cleared',
  /** The interviewer was interrupted: the server keeps only what was heard, up to `audio_end_ms`. */
  itemTruncated: 'conversation.item.truncated',
  responseDone: 'response.done',
  rateLimitsUpdated: 'rate_limits.updated',
  error: 'error',
} as const;

const itemRef = { item_id: z.string().min(1).max(128), content_index: z.number().int().min(0) };
const outputRef = {
  response_id: z.string().max(128),
  item_id: z.string().min(1).max(128),
  output_index: z.number().int().min(0),
  content_index: z.number().int().min(0),
};

export const RealtimeErrorBodySchema = z.looseObject({
  type: z.string(),
  code: z.string().nullish(),
  message: z.string(),
  param: z.string().nullish(),
  event_id: z.string().nullish(),
});

const schemas = {
  [REALTIME_EVENT.sessionCreated]: z.looseObject({ type: z.literal(REALTIME_EVENT.sessionCreated), session: z.looseObject({}) }),
  [REALTIME_EVENT.sessionUpdated]: z.looseObject({ type: z.literal(REALTIME_EVENT.sessionUpdated), session: z.looseObject({}) }),
  [REALTIME_EVENT.speechStarted]: z.looseObject({
    type: z.literal(REALTIME_EVENT.speechStarted),
    item_id: z.string().min(1).max(128),
    audio_start_ms: z.number().min(0),
  }),
  [REALTIME_EVENT.speechStopped]: z.looseObject({
    type: z.literal(REALTIME_EVENT.speechStopped),
    item_id: z.string().min(1).max(128),
    audio_end_ms: z.number().min(0),
  }),
  [REALTIME_EVENT.inputTranscriptDelta]: z.looseObject({ type: z.literal(REALTIME_EVENT.inputTranscriptDelta), ...itemRef, delta: z.string() }),
  [REALTIME_EVENT.inputTranscriptCompleted]: z.looseObject({
    type: z.literal(REALTIME_EVENT.inputTranscriptCompleted),
    ...itemRef,
    transcript: z.string(),
  }),
  [REALTIME_EVENT.inputTranscriptFailed]: z.looseObject({
    type: z.literal(REALTIME_EVENT.inputTranscriptFailed),
    ...itemRef,
    error: RealtimeErrorBodySchema,
  }),
  [REALTIME_EVENT.outputTranscriptDelta]: z.looseObject({ type: z.literal(REALTIME_EVENT.outputTranscriptDelta), ...outputRef, delta: z.string() }),
  [REALTIME_EVENT.outputTranscriptDeltaBeta]: z.looseObject({
    type: z.literal(REALTIME_EVENT.outputTranscriptDeltaBeta),
    ...outputRef,
    delta: z.string(),
  }),
  [REALTIME_EVENT.outputTranscriptDone]: z.looseObject({ type: z.literal(REALTIME_EVENT.outputTranscriptDone), ...outputRef, transcript: z.string() }),
  [REALTIME_EVENT.outputTranscriptDoneBeta]: z.looseObject({
    type: z.literal(REALTIME_EVENT.outputTranscriptDoneBeta),
    ...outputRef,
    transcript: z.string(),
  }),
  [REALTIME_EVENT.outputAudioStarted]: z.looseObject({ type: z.literal(REALTIME_EVENT.outputAudioStarted), response_id: z.string().max(128).optional() }),
  [REALTIME_EVENT.outputAudioStopped]: z.looseObject({ type: z.literal(REALTIME_EVENT.outputAudioStopped), response_id: z.string().max(128).optional() }),
  [REALTIME_EVENT.outputAudioCleared]: z.looseObject({ type: z.literal(REALTIME_EVENT.outputAudioCleared), response_id: z.string().max(128).optional() }),
  [REALTIME_EVENT.itemTruncated]: z.looseObject({ type: z.literal(REALTIME_EVENT.itemTruncated), ...itemRef, audio_end_ms: z.number().min(0) }),
  [REALTIME_EVENT.responseDone]: z.looseObject({ type: z.literal(REALTIME_EVENT.responseDone), response: z.looseObject({}) }),
  [REALTIME_EVENT.rateLimitsUpdated]: z.looseObject({
    type: z.literal(REALTIME_EVENT.rateLimitsUpdated),
    rate_limits: z.array(
      z.looseObject({ name: z.string(), limit: z.number(), remaining: z.number(), reset_seconds: z.number() }),
    ),
  }),
  [REALTIME_EVENT.error]: z.looseObject({ type: z.literal(REALTIME_EVENT.error), error: RealtimeErrorBodySchema }),
};

type Schemas = typeof schemas;
export type RealtimeEventType = keyof Schemas;
export type RealtimeServerEvent = { [T in RealtimeEventType]: z.infer<Schemas[T]> }[RealtimeEventType];

/**
 * Parses one data-channel message. Returns `null` for event types the station does not read;
 * throws nothing. A known type with a malformed body is reported as `invalid` so callers can log it.
 */
export function parseRealtimeEvent(
  raw: unknown,
): { kind: 'event'; event: RealtimeServerEvent } | { kind: 'ignored'; type: string } | { kind: 'invalid'; type: string } {
  if (typeof raw !== 'object' || raw === null || typeof (raw as { type?: unknown }).type !== 'string') {
    return { kind: 'invalid', type: '' };
  }
  const type = (raw as { type: string }).type;
  if (!Object.hasOwn(schemas, type)) return { kind: 'ignored', type };
  const parsed = schemas[type as RealtimeEventType].safeParse(raw);
  return parsed.success ? { kind: 'event', event: parsed.data as RealtimeServerEvent } : { kind: 'invalid', type };
}

/** A final utterance found in a Realtime event, keyed deterministically. */
export interface FinalTranscript extends TranscriptKey {
  readonly speaker: Speaker;
  readonly content: string;
}

/**
 * Maps a final transcript event (candidate `...input_audio_transcription.completed`, interviewer
 * `response.output_audio_transcript.done` or its beta name) to its keyed utterance; `null` for
 * every other event, deltas included (they are for the live view only).
 */
export function finalTranscriptOf(event: RealtimeServerEvent, sessionId: string): FinalTranscript | null {
  switch (event.type) {
    case REALTIME_EVENT.inputTranscriptCompleted:
      return { sessionId, itemId: event.item_id, contentIndex: event.content_index, speaker: 'candidate', content: event.transcript };
    case REALTIME_EVENT.outputTranscriptDone:
    case REALTIME_EVENT.outputTranscriptDoneBeta:
      return { sessionId, itemId: event.item_id, contentIndex: event.content_index, speaker: 'ai', content: event.transcript };
    default:
      return null;
  }
}
