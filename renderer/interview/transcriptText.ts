import { LIMITS } from '@interview-station/contracts';

/**
 * Text rules for transcript entries, kept apart so each is documented and tested on its own.
 */

/** What a failed candidate transcription is shown and stored as: a marked gap, never dropped. */
export const GAP_TEXT = '[inaudible — transcription failed]';

/** Shown (not stored) for speech whose transcription never arrived because the call ended. */
export const UNFINISHED_TEXT = '[not transcribed: the call ended before the transcription arrived]';

/** Marks where the interviewer was cut off. */
export const CUT_OFF_MARK = ' —';

/**
 * Speaking rate used to estimate how long the interviewer's full text would have taken to say.
 * Synthetic English speech runs at roughly 150–170 words a minute, about 15 characters a second.
 */
export const CHARS_PER_SECOND = 15;

/**
 * What the candidate heard of an interrupted interviewer item (`conversation.item.truncated`
 * gives `audio_end_ms`, how much audio was played). The provider does not tell us the full item's
 * audio length, so the rule is: estimate it from the text at CHARS_PER_SECOND; keep the same
 * fraction of the text, cut back to the last whole word (a half-heard word is not kept), and mark
 * the cut. When the text is already no longer than what could have been said in `audio_end_ms`
 * (the provider trimmed it itself), it is kept whole — so applying the rule twice changes nothing.
 */
export function heardText(text: string, audioEndMs: number): string {
  const full = text.trim();
  const heardChars = Math.floor((audioEndMs / 1000) * CHARS_PER_SECOND);
  if (heardChars >= full.length) return full;
  const cut = full.slice(0, heardChars + 1);
  const lastSpace = cut.lastIndexOf(' ');
  const words = (lastSpace > 0 ? cut.slice(0, lastSpace) : '').trimEnd();
  return `${words}${CUT_OFF_MARK}`.trim();
}

/**
 * Makes provider text storable: Postgres refuses NUL and unpaired surrogates, and an entry has a
 * size limit; refusing the entry would lose it, so the text is cleaned instead.
 */
export function storableText(text: string): string {
  const cleaned = text.replaceAll('\u0000', '').replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  if (cleaned.length <= LIMITS.transcriptContent) return cleaned;
  // Do not split a surrogate pair at the limit.
  const end = /[\uD800-\uDBFF]/.test(cleaned[LIMITS.transcriptContent - 1] ?? '') ? LIMITS.transcriptContent - 1 : LIMITS.transcriptContent;
  return cleaned.slice(0, end);
}
