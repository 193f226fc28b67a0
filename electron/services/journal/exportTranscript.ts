import type { TranscriptEntry } from '@interview-station/contracts';

const SPEAKER_LABEL = { ai: 'Interviewer', candidate: 'Candidate' } as const;

/** A session's transcript as JSON: the entries in speech order. */
export function transcriptAsJson(sessionId: string, entries: readonly TranscriptEntry[]): string {
  return JSON.stringify({ sessionId, exportedAt: new Date().toISOString(), entries }, null, 2);
}

/** A session's transcript as plain text, one utterance per line with its UTC time and speaker. */
export function transcriptAsText(entries: readonly TranscriptEntry[]): string {
  return entries.map((entry) => `[${new Date(entry.speechStartedAt).toISOString().slice(11, 19)}] ${SPEAKER_LABEL[entry.speaker]}: ${entry.content}`).join('\n') + '\n';
}
