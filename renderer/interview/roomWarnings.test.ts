import { describe, expect, it } from 'vitest';
import { ALL_WELL, roomWarnings, signalsAfter, type DegradationState } from './roomWarnings';
import type { TranscriptLine } from './transcriptManager';
import { GAP_TEXT, UNFINISHED_TEXT } from './transcriptText';

let at = 0;
const line = (speaker: TranscriptLine['speaker'], text: string, status: TranscriptLine['status'] = 'final'): TranscriptLine => ({ key: `k${(at += 1)}`, speaker, text, status, startedAt: at });
const healthy: DegradationState = { lines: [line('ai', 'Hello, tell me about yourself.'), line('candidate', 'I build stations.')], sidebandConnected: true, uploadsHealthy: true, microphone: null };
const texts = (state: Partial<DegradationState>) => roomWarnings({ ...healthy, ...state }).map((w) => w.text);
const kinds = (state: Partial<DegradationState>) => roomWarnings({ ...healthy, ...state }).map((w) => w.kind);

describe('room warnings', () => {
  it('shows nothing while everything works', () => {
    expect(roomWarnings(healthy)).toEqual([]);
  });

  it('says a failed candidate transcription is marked and the interview goes on, until one succeeds again', () => {
    const failed = [...healthy.lines, line('ai', 'Why?'), line('candidate', GAP_TEXT, 'gap'), line('ai', 'And then?')];
    expect(texts({ lines: failed })).toEqual(["The candidate's last answer could not be transcribed. The interviewer heard it and the interview goes on; the transcript marks the gap."]);
    // Still speaking (no final yet): the warning stays.
    expect(kinds({ lines: [...failed, line('candidate', 'I wo', 'partial')] })).toEqual(['transcription']);
    expect(kinds({ lines: [...failed, line('candidate', 'I would do it again.')] })).toEqual([]);
  });

  it('does not call speech cut by a dropped call a failed transcription', () => {
    expect(kinds({ lines: [...healthy.lines, line('candidate', UNFINISHED_TEXT, 'gap')] })).toEqual([]);
  });

  it('says the server copy is interrupted while the sideband is lost, and that the station keeps its own', () => {
    expect(texts({ sidebandConnected: false })).toEqual(["The server's copy of the transcript is interrupted. The interview goes on; this station keeps its own transcript and uploads it."]);
  });

  it('says uploads are failing, that everything is kept here and uploads when the connection returns', () => {
    expect(texts({ uploadsHealthy: false })).toEqual([
      'Transcripts cannot be uploaded right now; everything is kept on this station and will upload when the connection returns. The interview goes on.',
    ]);
  });

  it('names the microphone the station moved to and says when one is back; none left is a pause, not a warning', () => {
    expect(texts({ microphone: { kind: 'switched', label: 'Jabra Speak 510' } })).toEqual(['Microphone disconnected. Now using Jabra Speak 510.']);
    expect(texts({ microphone: { kind: 'missing' } })).toEqual([]);
    expect(texts({ microphone: { kind: 'resumed', label: 'Jabra Evolve2 65' } })).toEqual(['Microphone connected. Now using Jabra Evolve2 65; the interview goes on.']);
  });

  it('shows every problem at once, the microphone first', () => {
    const lines = [...healthy.lines, line('candidate', GAP_TEXT, 'gap')];
    expect(kinds({ lines, sidebandConnected: false, uploadsHealthy: false, microphone: { kind: 'switched', label: 'Jabra Speak 510' } })).toEqual(['microphone', 'transcription', 'sideband', 'uploads']);
  });

  it("keeps each of main's signals until main says otherwise: a later event of another kind does not hide it", () => {
    const session = '4f1c2a52-7b4e-4c8f-9d0a-0b6c1d2e3f40';
    const events = [
      { kind: 'transcript-upload', sessionId: session, healthy: false },
      { kind: 'sideband', sessionId: session, connected: false },
      { kind: 'time-warning', sessionId: session, remainingSeconds: 300 },
      { kind: 'transcript-upload', sessionId: 'another-session', healthy: true },
    ] as const;
    const signals = events.reduce((now, event) => signalsAfter(now, event, session), ALL_WELL);
    expect(kinds(signals)).toEqual(['sideband', 'uploads']);
    expect(kinds(signalsAfter(signals, { kind: 'transcript-upload', sessionId: session, healthy: true }, session))).toEqual(['sideband']);
  });
});
