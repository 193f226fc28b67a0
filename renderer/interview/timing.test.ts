import { describe, expect, it } from 'vitest';
import { describeDuration, formatDuration, interviewClock, limitSeconds } from './timing';

describe('interview clock', () => {
  it('takes the stricter of the template maximum and the station limit', () => {
    expect(limitSeconds(3600, 30)).toBe(1800);
    expect(limitSeconds(600, 60)).toBe(600);
    expect(limitSeconds(600, null)).toBe(600);
  });

  it('counts from the first live moment and warns in the last two minutes', () => {
    expect(interviewClock(5_000, null, 600)).toEqual({ elapsedSeconds: 0, remainingSeconds: 600, warning: false, over: false });
    expect(interviewClock(1_000 + 479_000, 1_000, 600)).toMatchObject({ elapsedSeconds: 479, remainingSeconds: 121, warning: false });
    expect(interviewClock(1_000 + 480_000, 1_000, 600)).toMatchObject({ remainingSeconds: 120, warning: true, over: false });
    expect(interviewClock(1_000 + 700_000, 1_000, 600)).toMatchObject({ remainingSeconds: 0, warning: false, over: true });
  });

  it('formats durations for the eye and for screen readers', () => {
    expect(formatDuration(65)).toBe('1:05');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(-3)).toBe('0:00');
    expect(describeDuration(61)).toBe('1 minute 1 second');
    expect(describeDuration(120)).toBe('2 minutes');
    expect(describeDuration(0)).toBe('0 seconds');
  });
});
