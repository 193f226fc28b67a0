/**
 * The interview the simulated interviewer conducts: it speaks `lines[0]` when the call opens
 * (unless `openOnConnect` is false), then the next line after each candidate turn or
 * `response.create`, until the lines run out.
 */
export interface InterviewScript {
  readonly lines: readonly string[];
  /** Speak the first line as soon as the data channel opens (a real model waits for `response.create`). */
  readonly openOnConnect?: boolean;
  /** Faster than real time, for benchmarks only (see RapidTurns); absent: the interview as above. */
  readonly rapidTurns?: RapidTurns;
}

/**
 * Runs many turns faster than real time, so a benchmark can bring hundreds of final entries to a
 * station through the real path (peer connection, data channel, room, journal) in a minute or
 * two. When the channel opens (and `startAfterMs` has passed) the call runs `pairs` turn pairs, one after another: the interviewer
 * speaks the next script line (cycling) with only its first `lineAudioMs` of audio (transcript
 * deltas and `done` carry the whole text), then a text-only candidate turn (speech_started,
 * speech_stopped, committed, the item, and its transcription event `transcriptionDelayMs` later),
 * `gapMs` apart. Turns the microphone's audio would start are ignored meanwhile (it is still
 * metered); `response.create` still answers. Nothing here is a real conversation's timing.
 */
export interface RapidTurns {
  readonly pairs: number;
  /** When the first turn starts after the channel opens; default 250 ms (as the greeting). */
  readonly startAfterMs?: number;
  /** Audio per interviewer line (its first frames); default 100 ms. */
  readonly lineAudioMs?: number;
  /** Pause between turns; default 20 ms. */
  readonly gapMs?: number;
  /** How long each candidate turn "lasted" (its audio_start/end_ms and transcript); default 1000 ms. */
  readonly candidateSpeechMs?: number;
}

/** The default script: each line has committed Opus audio in fixtures/ (see tools/makeFixtures.ts). */
export const DEFAULT_SCRIPT: InterviewScript = {
  lines: [
    'Hello, and welcome. Please tell me about yourself.',
    'What is a project you are proud of, and why?',
    'Thank you. That is the end of the interview. Goodbye.',
  ],
  openOnConnect: true,
};

/** What the candidate fixture (fixtures/candidate.wav) says; only tests and tools know it. */
export const CANDIDATE_FIXTURE_TEXT = 'I have worked as a software engineer for five years.';
