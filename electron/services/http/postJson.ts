import { stationError, StationErrorSchema, StationFailure, type ErrorCode, type StationError } from '@interview-station/contracts';
import type { z } from 'zod';

/**
 * POSTs JSON and parses the answer against its contract. A refused connection or timeout becomes
 * `unreachable`; a typed error body from our own services is passed through; anything else is
 * mapped from the status so the retryable flag is right.
 */
export async function postJson<S extends z.ZodType>(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  schema: S,
  unreachable: ErrorCode,
  timeoutMs = 15_000,
): Promise<z.output<S>> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch {
    throw StationFailure.of(unreachable, `Cannot reach ${new URL(url).host}. Check the network and try again.`);
  }
  const json: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw new StationFailure(errorOf(response.status, json, unreachable));
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw StationFailure.of('UPSTREAM_UNAVAILABLE', `${new URL(url).pathname} answered outside its contract`);
  return parsed.data;
}

function errorOf(status: number, json: unknown, unreachable: ErrorCode): StationError {
  const typed = StationErrorSchema.safeParse(json);
  if (typed.success) return typed.data;
  if (status === 401) return stationError('AUTHENTICATION_FAILED', 'The session is no longer valid; sign in again.');
  if (status === 403) return stationError('NOT_AUTHORIZED', 'Not allowed for this account.');
  if (status === 429) return stationError('RATE_LIMITED', 'Too many requests; try again shortly.');
  return stationError(status >= 500 ? unreachable : 'UPSTREAM_UNAVAILABLE', `The service answered ${status}.`);
}
