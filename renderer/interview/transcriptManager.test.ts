import { describe, expect, it } from 'vitest';
import { MAX_HOLD_MS, TranscriptManager, TRUNCATION_WAIT_MS } from './transcriptManager';
import { GAP_TEXT, UNFINISHED_TEXT } from './transcriptText';

const SESSION = '4f1c2a52-7b4e-4c8f-9d0a-0b6c1d2e3f40';
const T0 = Date.UTC(2026, 11, 1, 10, 0, 0);
const at = (ms: number) => new Date(T0 + ms).toISOString();
const ai = (type: string, item: string, response: string, extra: object = {}) => ({ type, response_id: response, item_id: item, output_index: 0, content_index: 0, ...extra });
const user = (type: string, item: string, extra: object = {}) => ({ type, item_id: item, content_index: 0, ...extra });

describe('transcript manager', () => {
  it('stores finals keyed exactly as the sideband keys them, and deltas only in the live view', () => {
    const m = new TranscriptManager(SESSION);
    m.handle(user('conversation.item.input_audio_transcription.delta', 'item_u1', { delta: 'I built ' }), T0);
    expect(m.takeReady()).toEqual([]);
    expect(m.lines()).toMatchObject([{ speaker: 'candidate', text: 'I built ', status: 'partial' }]);
    m.handle(user('conversation.item.input_audio_transcription.completed', 'item_u1', { transcript: 'I built a compiler.' }), T0 + 500);
    expect(m.takeReady()).toEqual([
      { sessionId: SESSION, itemId: 'item_u1', contentIndex: 0, speaker: 'candidate', content: 'I built a compiler.', speechStartedAt: at(0) },
    ]);
    expect(m.takeReady()).toEqual([]);
  });

  it('orders by speech start, not arrival: a late candidate final goes before the reply it prompted', () => {
    const m = new TranscriptManager(SESSION);
    m.callStarted(T0);
    // Speech began 2 s into the call, reported 300 ms later.
    m.handle({ type: 'input_audio_buffer.speech_started', item_id: 'item_u1', audio_start_ms: 2_000 }, T0 + 2_300);
    m.handle({ type: 'output_audio_buffer.started', response_id: 'resp_1' }, T0 + 5_000);
    m.handle(ai('response.output_audio_transcript.delta', 'item_a1', 'resp_1', { delta: 'Great, ' }), T0 + 5_010);
    m.handle(ai('response.output_audio_transcript.done', 'item_a1', 'resp_1', { transcript: 'Great, tell me more.' }), T0 + 5_100);
    m.handle({ type: 'output_audio_buffer.stopped', response_id: 'resp_1' }, T0 + 6_500);
    m.handle(user('conversation.item.input_audio_transcription.completed', 'item_u1', { transcript: 'I led the team.' }), T0 + 7_000);
    expect(m.lines().map((l) => [l.speaker, l.text])).toEqual([
      ['candidate', 'I led the team.'],
      ['ai', 'Great, tell me more.'],
    ]);
    const ready = m.takeReady();
    expect(ready.map((e) => [e.itemId, e.speechStartedAt])).toEqual([
      ['item_u1', at(2_000)],
      ['item_a1', at(5_000)],
    ]);
  });

  it('holds an interviewer final until its audio has played, so an interruption can still cut it', () => {
    const m = new TranscriptManager(SESSION);
    m.handle({ type: 'output_audio_buffer.started', response_id: 'resp_1' }, T0);
    expect(m.interviewerSpeaking).toBe(true);
    m.handle(ai('response.output_audio_transcript.done', 'item_a1', 'resp_1', { transcript: 'Thank you. Could you tell me about a project you are proud of?' }), T0 + 200);
    expect(m.takeReady()).toEqual([]);
    m.handle({ type: 'input_audio_buffer.speech_started', item_id: 'item_u2', audio_start_ms: 2_000 }, T0 + 2_100);
    m.handle({ type: 'output_audio_buffer.cleared', response_id: 'resp_1' }, T0 + 2_150);
    expect(m.interviewerSpeaking).toBe(false);
    m.handle({ type: 'conversation.item.truncated', item_id: 'item_a1', content_index: 0, audio_end_ms: 2_000 }, T0 + 2_200);
    const [entry] = m.takeReady();
    expect(entry).toMatchObject({ itemId: 'item_a1', speaker: 'ai', content: 'Thank you. Could you tell me —', speechStartedAt: at(0) });
    expect(m.lines()[0]).toMatchObject({ status: 'cut', text: 'Thank you. Could you tell me —' });
  });

  it('applies a truncation that arrives before the final text', () => {
    const m = new TranscriptManager(SESSION);
    m.handle({ type: 'conversation.item.truncated', item_id: 'item_a1', content_index: 0, audio_end_ms: 1_000 }, T0 + 1_000);
    m.handle(ai('response.audio_transcript.done', 'item_a1', 'resp_1', { transcript: 'Thank you. Could you tell me more?' }), T0 + 1_100);
    expect(m.takeReady()).toMatchObject([{ content: 'Thank you. —' }]);
  });

  it('stores the full text when the audio was cleared but no truncation followed, after a short wait', () => {
    const m = new TranscriptManager(SESSION);
    m.handle(ai('response.output_audio_transcript.done', 'item_a1', 'resp_1', { transcript: 'Hello.' }), T0);
    m.handle({ type: 'output_audio_buffer.cleared', response_id: 'resp_1' }, T0 + 100);
    m.tick(T0 + 100 + TRUNCATION_WAIT_MS - 1);
    expect(m.takeReady()).toEqual([]);
    m.tick(T0 + 100 + TRUNCATION_WAIT_MS);
    expect(m.takeReady()).toMatchObject([{ content: 'Hello.' }]);
  });

  it('never holds an interviewer final forever, and flushes what is held when the call ends', () => {
    const m = new TranscriptManager(SESSION);
    m.handle(ai('response.output_audio_transcript.done', 'item_a1', 'resp_1', { transcript: 'One.' }), T0);
    m.tick(T0 + MAX_HOLD_MS);
    expect(m.takeReady()).toMatchObject([{ content: 'One.' }]);
    m.handle(ai('response.output_audio_transcript.done', 'item_a2', 'resp_2', { transcript: 'Two.' }), T0);
    m.flush();
    expect(m.takeReady()).toMatchObject([{ content: 'Two.' }]);
  });

  it('shows and stores a failed candidate transcription as a marked gap', () => {
    const m = new TranscriptManager(SESSION);
    m.handle({ type: 'input_audio_buffer.speech_started', item_id: 'item_u1', audio_start_ms: 0 }, T0);
    m.handle(user('conversation.item.input_audio_transcription.failed', 'item_u1', { error: { type: 'transcription_error', code: 'audio_unintelligible', message: 'no' } }), T0 + 900);
    expect(m.lines()).toMatchObject([{ speaker: 'candidate', text: GAP_TEXT, status: 'gap' }]);
    expect(m.takeReady()).toMatchObject([{ itemId: 'item_u1', speaker: 'candidate', content: GAP_TEXT, speechStartedAt: at(0) }]);
  });

  it('does not store a completed transcription with no words, and hands each entry out once', () => {
    const m = new TranscriptManager(SESSION);
    m.handle(user('conversation.item.input_audio_transcription.completed', 'item_u1', { transcript: '  ' }), T0);
    expect(m.takeReady()).toEqual([]);
    expect(m.lines()).toEqual([]);
    const final = user('conversation.item.input_audio_transcription.completed', 'item_u2', { transcript: 'Yes.' });
    m.handle(final, T0);
    m.handle(final, T0 + 10);
    expect(m.takeReady()).toHaveLength(1);
  });

  it('places candidate speech on the clock of the call it belongs to (audio_start_ms restarts per call)', () => {
    const m = new TranscriptManager(SESSION);
    m.callStarted(T0);
    m.handle({ type: 'input_audio_buffer.speech_started', item_id: 'item_u1', audio_start_ms: 1_000 }, T0 + 1_200);
    m.callStarted(T0 + 60_000);
    m.handle({ type: 'input_audio_buffer.speech_started', item_id: 'item_u2', audio_start_ms: 500 }, T0 + 60_800);
    // Never later than arrival, even if the call opened late by our clock.
    m.handle({ type: 'input_audio_buffer.speech_started', item_id: 'item_u3', audio_start_ms: 9_000 }, T0 + 61_000);
    expect(m.lines().map((l) => l.startedAt - T0)).toEqual([1_000, 60_500, 61_000]);
  });

  it('ignores events it does not read and malformed ones', () => {
    const m = new TranscriptManager(SESSION);
    m.handle({ type: 'rate_limits.updated', rate_limits: [] }, T0);
    m.handle({ type: 'conversation.item.input_audio_transcription.completed' }, T0);
    m.handle('garbage', T0);
    expect(m.lines()).toEqual([]);
  });

  it('marks speech left unfinished by a dropped call in the view, without storing it under a key the sideband may still fill', () => {
    const m = new TranscriptManager(SESSION);
    m.callStarted(T0);
    m.handle({ type: 'input_audio_buffer.speech_started', item_id: 'item_u1', audio_start_ms: 100 }, T0 + 200);
    m.handle(ai('response.output_audio_transcript.delta', 'item_a0', 'resp_0', { delta: 'Before we' }), T0 + 50);
    m.callStarted(T0 + 5_000);
    expect(m.lines().map((l) => [l.speaker, l.status, l.text])).toEqual([
      ['ai', 'cut', 'Before we —'],
      ['candidate', 'gap', UNFINISHED_TEXT],
    ]);
    expect(m.takeReady()).toEqual([]);
  });
});
