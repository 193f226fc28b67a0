import { StationFailure } from '@interview-station/contracts';

/** Longer request targets are refused before anything reads them (a station's are under 200 bytes). */
export const MAX_TARGET_LENGTH = 4096;

/** A request target split into its path (still percent-encoded) and its query. */
export interface RequestTarget {
  readonly path: string;
  readonly query: URLSearchParams;
}

/**
 * Reads a request target (`req.url`) the way the routes need it, and only that way: an
 * origin-form path, never resolved against a base (so `//api/...` is not read as host `api`), of
 * bounded length. Anything else is the caller's mistake: VALIDATION_FAILED (400), never a throw
 * that would surface as a 500.
 */
export function parseTarget(raw: string | undefined): RequestTarget {
  const target = raw ?? '/';
  if (target.length > MAX_TARGET_LENGTH) throw StationFailure.of('VALIDATION_FAILED', `request target longer than ${MAX_TARGET_LENGTH} characters`);
  if (!target.startsWith('/')) throw StationFailure.of('VALIDATION_FAILED', 'request target must be a path');
  const mark = target.indexOf('?');
  const path = mark < 0 ? target : target.slice(0, mark);
  const query = new URLSearchParams(mark < 0 ? '' : target.slice(mark + 1));
  return { path, query };
}

/** One percent-encoded path segment, decoded; a malformed escape is VALIDATION_FAILED naming `field`. */
export function decodeSegment(segment: string, field: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw StationFailure.of('VALIDATION_FAILED', `${field}: malformed percent-encoding`, field);
  }
}
