import { describe, expect, it } from 'vitest';
import { LIMITS } from '@interview-station/contracts';
import { CHARS_PER_SECOND, heardText, storableText } from './transcriptText';

describe('what the candidate heard of an interrupted interviewer', () => {
  const text = 'Thank you. Could you tell me about a project you are proud of and why it mattered?';

  it('keeps the heard fraction of the text, whole words only, and marks the cut', () => {
    // 1 s at 15 chars/s: "Thank you. Could" is 16 characters, so only "Thank you." was heard whole.
    expect(heardText(text, 1_000)).toBe('Thank you. —');
    expect(heardText(text, 2_000)).toBe('Thank you. Could you tell me —');
  });

  it('keeps the whole text when it could all have been said, so trimming twice changes nothing', () => {
    expect(heardText(text, (text.length / CHARS_PER_SECOND) * 1000 + 1)).toBe(text);
    const once = heardText(text, 2_000);
    expect(heardText(once, 2_000)).toBe(once);
  });

  it('stores a bare mark when the candidate cut in before a whole word', () => {
    expect(heardText(text, 100)).toBe('—');
  });
});

describe('storable text', () => {
  it('removes NUL, replaces unpaired surrogates and keeps pairs', () => {
    expect(storableText('a\u0000b\uD800c 😀')).toBe('ab\uFFFDc 😀');
  });

  it('caps the length without splitting a surrogate pair', () => {
    const long = 'x'.repeat(LIMITS.transcriptContent - 1) + '😀';
    expect(storableText(long)).toHaveLength(LIMITS.transcriptContent - 1);
    expect(storableText('y'.repeat(LIMITS.transcriptContent + 5))).toHaveLength(LIMITS.transcriptContent);
  });
});
