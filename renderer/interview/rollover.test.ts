import { StationFailure, stationError } from '@interview-station/contracts';
import { describe, expect, it } from 'vitest';
import { continuityEvents } from './continuity';
import { CONNECT_RETRY, recoveryFor, withRetry } from './retry';
import { rolloverDecision, rolloverWindow, TURN_STALE_MS, TurnTracker } from './rollover';
import type { TranscriptLine } from './transcriptManager';

describe('rollover timing', () => {
  it('opens the window 5 min before a 60 min cap and forces 15 s before it; short caps scale down', () => {
    expect(rolloverWindow(3600)).toEqual({ earliestMs: 3_300_000, latestMs: 3_585_000 });
    expect(rolloverWindow(30)).toEqual({ earliestMs: 20_000, latestMs: 27_000 });
    expect(rolloverWindow(1800)).toEqual({ earliestMs: 1_500_000, latestMs: 1_785_000 });
  });

  it('waits before the window, rolls over only at a turn boundary inside it, and forces it near the cap', () => {
    expect(rolloverDecision(10_000, 30, true)).toBe('wait');
    expect(rolloverDecision(21_000, 30, false)).toBe('wait');
    expect(rolloverDecision(21_000, 30, true)).toBe('at-boundary');
    expect(rolloverDecision(27_000, 30, false)).toBe('forced');
    expect(rolloverDecision(3_299_999, 3600, true)).toBe('wait');
    expect(rolloverDecision(3_300_000, 3600, true)).toBe('at-boundary');
    expect(rolloverDecision(3_590_000, 3600, false)).toBe('forced');
  });
});

describe('turn boundaries', () => {
  const ev = (type: string, extra: Record<string, unknown> = {}) => ({ type, ...extra });

  it('is a boundary when nothing happens, and not while either side speaks or a reply is on its way', () => {
    const turns = new TurnTracker();
    expect(turns.atBoundary(0)).toBe(true);
    turns.handle(ev('response.created'), 0);
    expect(turns.atBoundary(0)).toBe(false);
    turns.handle(ev('output_audio_buffer.started'), 10);
    turns.handle(ev('response.done'), 2_000);
    // The text is done, the audio still plays: mid-utterance.
    expect(turns.atBoundary(2_000)).toBe(false);
    turns.handle(ev('output_audio_buffer.stopped'), 3_000);
    expect(turns.atBoundary(3_000)).toBe(true);
    turns.handle(ev('input_audio_buffer.speech_started', { item_id: 'c1' }), 3_500);
    expect(turns.atBoundary(3_600)).toBe(false);
    turns.handle(ev('input_audio_buffer.speech_stopped', { item_id: 'c1' }), 6_000);
    // The candidate's transcript and the interviewer's reply are on their way.
    expect(turns.atBoundary(6_100)).toBe(false);
    turns.handle(ev('conversation.item.input_audio_transcription.completed', { item_id: 'c1' }), 6_300);
    expect(turns.atBoundary(6_300)).toBe(false);
    turns.handle(ev('response.created'), 6_400);
    turns.handle(ev('output_audio_buffer.started'), 6_500);
    turns.handle(ev('response.done'), 9_000);
    turns.handle(ev('output_audio_buffer.cleared'), 9_500);
    expect(turns.atBoundary(9_500)).toBe(true);
  });

  it('does not wait forever for a transcript or a reply that never comes, and starts afresh on a new call', () => {
    const turns = new TurnTracker();
    turns.handle({ type: 'input_audio_buffer.speech_stopped', item_id: 'c2' }, 0);
    expect(turns.atBoundary(TURN_STALE_MS - 1)).toBe(false);
    expect(turns.atBoundary(TURN_STALE_MS)).toBe(true);
    turns.handle({ type: 'input_audio_buffer.speech_started', item_id: 'c3' }, 1);
    expect(turns.atBoundary(60_000)).toBe(false);
    turns.reset();
    expect(turns.atBoundary(60_000)).toBe(true);
    turns.handle('not an event', 0);
    turns.handle(null, 0);
    expect(turns.atBoundary(60_000)).toBe(true);
  });
});

describe('context for the new session', () => {
  const line = (n: number, speaker: 'ai' | 'candidate'): TranscriptLine => ({ key: `k${n}`, speaker, text: `line ${n}`, status: 'final', startedAt: n });

  it('a rollover after the interviewer asked gives the items only (the candidate answers next); after the candidate spoke, asks for the reply', () => {
    const afterQuestion = continuityEvents([line(1, 'ai'), line(2, 'candidate'), line(3, 'ai')], 'rollover');
    expect(afterQuestion.map((e) => e['type'])).toEqual(['conversation.item.create', 'conversation.item.create', 'conversation.item.create']);
    const afterAnswer = continuityEvents([line(1, 'ai'), line(2, 'candidate')], 'rollover');
    expect(afterAnswer.at(-1)).toMatchObject({ type: 'response.create' });
    expect(JSON.stringify(afterAnswer.at(-1))).not.toMatch(/dropped/);
    // A drop always asks the interviewer to pick up again.
    expect(continuityEvents([line(1, 'ai')], 'reconnect').at(-1)).toMatchObject({ type: 'response.create' });
  });
});

describe('the recovery map', () => {
  it('SDP exchange failure → retry with backoff; WebRTC failure → new session; authentication failure → refresh and retry; the rest by retryable', () => {
    expect(recoveryFor(stationError('SDP_EXCHANGE_FAILED', 'x'))).toBe('retry-with-backoff');
    expect(recoveryFor(stationError('WEBRTC_CONNECTION_FAILED', 'x'))).toBe('new-session');
    expect(recoveryFor(stationError('AUTHENTICATION_FAILED', 'x'))).toBe('refresh-and-retry');
    expect(recoveryFor(stationError('UPSTREAM_UNAVAILABLE', 'x'))).toBe('retry-with-backoff');
    expect(recoveryFor(stationError('SESSION_ENDED', 'x'))).toBe('stop');
    expect(recoveryFor(stationError('VALIDATION_FAILED', 'x'))).toBe('stop');
  });

  it('retries an authentication failure at once with a fresh attempt, and backs off before the others', async () => {
    const slept: number[] = [];
    const deps = { sleep: async (ms: number) => void slept.push(ms), random: () => 0.5, cancelled: () => false };
    const failures = [StationFailure.of('AUTHENTICATION_FAILED', 'key expired'), StationFailure.of('SDP_EXCHANGE_FAILED', '502')];
    await expect(withRetry(async (n) => (n <= failures.length ? Promise.reject(failures[n - 1]) : 'open'), CONNECT_RETRY, deps)).resolves.toBe('open');
    // No sleep after the authentication failure; one backoff (second attempt's) after the SDP failure.
    expect(slept).toHaveLength(1);
    expect(slept[0]).toBeGreaterThan(0);
  });
});
