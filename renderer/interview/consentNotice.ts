/**
 * The notice the candidate agrees to at check-in. Its version is recorded with the consent, so a
 * changed text must get a new version (the EU AI Act's disclosure duty: say plainly that an AI
 * conducts the interview and that the conversation is transcribed and stored).
 */
export const CONSENT_NOTICE_VERSION = '2026-12-v1';

export const CONSENT_NOTICE: readonly string[] = [
  'This interview is conducted by an AI interviewer, not by a person. You will speak with it by voice.',
  'The conversation is transcribed into text by a speech-to-text system, and the transcript is stored and shared with the organisation you are applying to. The audio itself is not recorded by this station.',
  'A proctor can end the interview at any time, and so can you, with the "End interview" button.',
];

export const CONSENT_LABEL = 'I agree: I understand that an AI conducts this interview and that the conversation is transcribed and stored.';
