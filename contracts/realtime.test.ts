import { describe, expect, it } from 'vitest';
import { finalTranscriptOf, parseRealtimeEvent, type RealtimeServerEvent } from './realtime';

const SESSION = '4f1c2a52-7b4e-4c8f-9d0a-0b6c1d2e3f40';

function event(raw: unknown): RealtimeServerEvent {
  const parsed = parseRealtimeEvent(raw);
  if (parsed.kind !== 'event') throw new Error(`expected an event, got ${parsed.kind}`);
  return parsed.event;
}

describe('Realtime data-channel events', () => {
  it('turns a candidate final transcript into a keyed candidate utterance', () => {
    const completed = event({
      type: 'conversation.item.input_audio_transcription.completed',
      event_id: 'event_1',
      item_id: 'item_7',
      content_index: 0,
      transcript: 'I have five years of experience.',
      usage: { type: 'duration', seconds: 3 },
    });
    expect(finalTranscriptOf(completed, SESSION)).toEqual({
      sessionId: SESSION,
      itemId: 'item_7',
      contentIndex: 0,
      speaker: 'candidate',
      content: 'I have five years of experience.',
    });
  });

  it.each(['response.output_audio_transcript.done', 'response.audio_transcript.done'])('reads the interviewer transcript from %s', (type) => {
    const done = event({ type, response_id: 'resp_1', item_id: 'item_8', output_index: 0, content_index: 0, transcript: 'Tell me about yourself.' });
    expect(finalTranscriptOf(done, SESSION)).toMatchObject({ speaker: 'ai', itemId: 'item_8', content: 'Tell me about yourself.' });
  });

  it('never turns a delta into an entry', () => {
    const delta = event({ type: 'response.output_audio_transcript.delta', response_id: 'r', item_id: 'i', output_index: 0, content_index: 0, delta: 'Tell' });
    expect(finalTranscriptOf(delta, SESSION)).toBeNull();
  });

  it('ignores event types the station does not read and flags malformed known ones', () => {
    expect(parseRealtimeEvent({ type: 'conversation.item.added', item: {} })).toEqual({ kind: 'ignored', type: 'conversation.item.added' });
    expect(parseRealtimeEvent({ type: 'conversation.item.input_audio_transcription.completed', item_id: 'i' })).toEqual({
      kind: 'invalid',
      type: 'conversation.item.input_audio_transcription.completed',
    });
    expect(parseRealtimeEvent('not json')).toEqual({ kind: 'invalid', type: '' });
    expect(parseRealtimeEvent({ type: '__proto__' })).toEqual({ kind: 'ignored', type: '__proto__' });
  });

  it('reads an interruption: the truncated item with what was heard, and the cleared audio buffer', () => {
    const truncated = event({ type: 'conversation.item.truncated', event_id: 'e', item_id: 'item_9', content_index: 0, audio_end_ms: 1500 });
    expect(truncated).toMatchObject({ type: 'conversation.item.truncated', item_id: 'item_9', content_index: 0, audio_end_ms: 1500 });
    expect(finalTranscriptOf(truncated, SESSION)).toBeNull();
    expect(event({ type: 'output_audio_buffer.cleared', response_id: 'resp_2' })).toMatchObject({ response_id: 'resp_2' });
    expect(parseRealtimeEvent({ type: 'conversation.item.truncated', item_id: 'item_9', content_index: 0, audio_end_ms: -1 })).toEqual({
      kind: 'invalid',
      type: 'conversation.item.truncated',
    });
  });

  it('reads an error event with the session_expired code', () => {
    const expired = event({ type: 'error', error: { type: 'invalid_request_error', code: 'session_expired', message: 'Your session hit the maximum duration of 60 minutes.' } });
    expect(expired.type === 'error' && expired.error.code).toBe('session_expired');
  });
});
