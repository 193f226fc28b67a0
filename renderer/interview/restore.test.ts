// Issue 14, renderer side of a restored interview: the reducer's RESUMED transition, the transcript
// manager seeded from the journal (shown, given as context, never stored again), and the journal's
// entries turned into lines.
import { describe, expect, it } from 'vitest';
import { linesFromJournal } from '../RestoredInterview';
import { continuityEvents } from './continuity';
import { initialInterviewState, interviewReducer, type CheckIn, type InterviewEvent, type InterviewState } from './interviewMachine';
import type { StartedInterview } from './ports';
import { TranscriptManager } from './transcriptManager';
import { GAP_TEXT } from './transcriptText';

const SESSION = '4f1c2a52-7b4e-4c8f-9d0a-0b6c1d2e3f40';
const checkIn: CheckIn = {
  candidateRef: 'CAND-042',
  templateId: '8f4f2f0e-5d0f-4a57-9a8e-3a1b2c3d4e5f',
  templateName: 'Restored interview',
  consent: { noticeVersion: '2026-12-v1', acceptedAt: '2026-12-01T10:00:00.000Z' },
};
const session: StartedInterview = { sessionId: SESSION, architecture: 'direct', model: 'gpt-realtime', maxDurationSeconds: 1800, startedAt: '2026-12-01T10:00:01.000Z' };
const history = linesFromJournal([
  { key: `${SESSION}/item_b/0`, speaker: 'candidate', text: 'I build APIs.', speechStartedAt: '2026-12-01T10:00:20.000Z' },
  { key: `${SESSION}/item_a/0`, speaker: 'ai', text: 'Tell me about yourself.', speechStartedAt: '2026-12-01T10:00:10.000Z' },
  { key: `${SESSION}/item_c/0`, speaker: 'candidate', text: GAP_TEXT, speechStartedAt: '2026-12-01T10:00:30.000Z' },
]);
const run = (events: InterviewEvent[], from: InterviewState = initialInterviewState) => events.reduce(interviewReducer, from);

describe('a restored interview in the reducer', () => {
  it('RESUMED from idle connects the restored session with its history and keeps its first live moment through reconnects and the end', () => {
    const resumed = run([{ type: 'RESUMED', checkIn, session, liveSince: 5_000, history }]);
    expect(resumed).toMatchObject({ status: 'connecting', session, liveSince: 5_000, restoredHistory: history });
    const live = run([{ type: 'CONNECTED', at: 9_000 }], resumed);
    expect(live).toMatchObject({ status: 'live', liveSince: 5_000, restoredHistory: history });
    const ending = run([{ type: 'CONNECTION_LOST', error: { code: 'WEBRTC_CONNECTION_FAILED', message: 'x', retryable: true } }, { type: 'CONNECTED', at: 10_000 }, { type: 'END_REQUESTED', reason: 'completed' }], live);
    expect(ending).toMatchObject({ status: 'ending', liveSince: 5_000, restoredHistory: history });
  });

  it('ignores RESUMED unless the station is at home', () => {
    const deviceCheck = run([{ type: 'CHECKED_IN', checkIn }]);
    expect(run([{ type: 'RESUMED', checkIn, session, liveSince: null, history }], deviceCheck)).toBe(deviceCheck);
  });
});

describe('the transcript manager seeded from the journal', () => {
  it('shows the restored lines in speech order, gives them as a new call\'s context, and never hands them out to store again', () => {
    const manager = new TranscriptManager(SESSION);
    manager.restore(history);
    expect(manager.lines().map((line) => line.text)).toEqual(['Tell me about yourself.', 'I build APIs.', GAP_TEXT]);
    expect(manager.lines().map((line) => line.status)).toEqual(['final', 'final', 'gap']);
    expect(manager.takeReady()).toEqual([]);
    const context = continuityEvents(manager.finals());
    expect(context.filter((event) => event['type'] === 'conversation.item.create').map((event) => (event['item'] as { role: string }).role)).toEqual(['assistant', 'user', 'user']);
    expect(context.at(-1)).toMatchObject({ type: 'response.create' });
    manager.restore(history); // twice: no duplicates
    expect(manager.lines()).toHaveLength(3);
  });
});
