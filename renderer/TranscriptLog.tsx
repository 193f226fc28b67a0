import type { TranscriptLine } from './interview/transcriptManager';

const SPEAKER = { ai: 'Interviewer', candidate: 'Candidate' } as const;

/** The live transcript, in speech order; partial lines are marked as still being heard. */
export function TranscriptLog({ lines }: { lines: readonly TranscriptLine[] }) {
  return (
    <ol className="transcript" role="log" aria-label="Transcript" aria-live="polite">
      {lines.map((line) => (
        <li key={line.key} className={`line line-${line.speaker} line-${line.status}`} aria-busy={line.status === 'partial'}>
          <span className="speaker">{SPEAKER[line.speaker]}</span>
          <span className="text">
            {line.text === '' ? '…' : line.text}
            {line.status === 'cut' && <span className="tag"> (interrupted)</span>}
          </span>
        </li>
      ))}
    </ol>
  );
}
