import { useEffect, useRef } from 'react';
import type { TranscriptLine } from './interview/transcriptManager';

const SPEAKER = { ai: 'Interviewer', candidate: 'Candidate' } as const;

/** The live transcript, in speech order; partial lines are marked as still being heard. */
export function TranscriptLog({ lines }: { lines: readonly TranscriptLine[] }) {
  const list = useRef<HTMLOListElement>(null);
  const last = lines.at(-1);
  // Keep the newest words in view as they arrive.
  useEffect(() => {
    list.current?.scrollTo({ top: list.current.scrollHeight });
  }, [lines.length, last?.text]);
  return (
    <ol ref={list} className="transcript" role="log" aria-label="Transcript" aria-live="polite">
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
