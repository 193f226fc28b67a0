/**
 * The room's clock: elapsed and remaining time, computed from "now" so the component only ticks.
 * The limit is the stricter of the template's maximum and the station's `maxInterviewMinutes`.
 */

/** The interview warns this long before its limit (issue 10: "a warning two minutes before"). */
export const WARNING_BEFORE_END_SECONDS = 120;

export interface InterviewClock {
  readonly elapsedSeconds: number;
  readonly remainingSeconds: number;
  /** Within the last two minutes: the room says the interview will end soon, and how. */
  readonly warning: boolean;
  /** The limit is reached: the interview ends itself with reason `max_duration`. */
  readonly over: boolean;
}

export function limitSeconds(templateMaxSeconds: number, maxInterviewMinutes: number | null): number {
  return maxInterviewMinutes === null ? templateMaxSeconds : Math.min(templateMaxSeconds, maxInterviewMinutes * 60);
}

export function interviewClock(now: number, liveSince: number | null, limit: number): InterviewClock {
  const elapsedSeconds = liveSince === null ? 0 : Math.max(0, Math.floor((now - liveSince) / 1000));
  const remainingSeconds = Math.max(0, limit - elapsedSeconds);
  return { elapsedSeconds, remainingSeconds, warning: remainingSeconds <= WARNING_BEFORE_END_SECONDS && remainingSeconds > 0, over: liveSince !== null && remainingSeconds === 0 };
}

/** `m:ss`, or `h:mm:ss` from an hour. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = String(s % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** Spoken-style duration for screen readers, e.g. "12 minutes 5 seconds". */
export function describeDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const minutes = Math.floor(s / 60);
  const seconds = s % 60;
  const parts = [];
  if (minutes > 0) parts.push(`${minutes} minute${minutes === 1 ? '' : 's'}`);
  if (seconds > 0 || minutes === 0) parts.push(`${seconds} second${seconds === 1 ? '' : 's'}`);
  return parts.join(' ');
}
