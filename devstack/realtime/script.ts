/**
 * The interview the simulated interviewer conducts: it speaks `lines[0]` when the call opens
 * (unless `openOnConnect` is false), then the next line after each candidate turn or
 * `response.create`, until the lines run out.
 */
export interface InterviewScript {
  readonly lines: readonly string[];
  /** Speak the first line as soon as the data channel opens (a real model waits for `response.create`). */
  readonly openOnConnect?: boolean;
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
