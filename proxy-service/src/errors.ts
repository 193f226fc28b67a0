import { type ErrorCode, httpStatusFor, StationFailure, type StationError, stationError } from '@interview-station/contracts';

/**
 * A request that reached the per-session instance of another session. On Fly the instance answers
 * `fly-replay: elsewhere=true` so Fly's proxy hands the request to another machine; elsewhere it
 * is a plain 403.
 */
export class ForeignSessionFailure extends StationFailure {
  constructor(readonly replayElsewhere: boolean) {
    super(StationFailure.of('NOT_AUTHORIZED', 'this instance serves another session').error);
  }
}

/** A route that exists but does not take this method: 405 with the `Allow` header. */
export class MethodNotAllowedFailure extends StationFailure {
  constructor(readonly allow: readonly string[]) {
    super(StationFailure.of('METHOD_NOT_ALLOWED', `use ${allow.join(' or ')}`).error);
  }
}

/** The HTTP status of a code: the contracts' one table (contracts/errors.ts). */
export { httpStatusFor };

/** Any thrown value as a StationError; unknown errors become INTERNAL without their message. */
export function toStationError(error: unknown): StationError {
  if (error instanceof StationFailure) return error.error;
  return stationError('INTERNAL', 'internal error');
}

/** What went wrong talking to OpenAI, before it is given a contract code. */
export type UpstreamProblem =
  | { readonly kind: 'timeout' }
  | { readonly kind: 'network' }
  | { readonly kind: 'http'; readonly status: number; readonly upstreamCode: string | null; readonly retryAfter?: string };

/** The operation that failed decides the retryable code a transient failure gets. */
export type UpstreamOperation = 'mint' | 'call' | 'hangup' | 'sideband';

const TRANSIENT_CODE: Record<UpstreamOperation, ErrorCode> = {
  mint: 'TOKEN_MINT_FAILED',
  call: 'SDP_EXCHANGE_FAILED',
  hangup: 'UPSTREAM_UNAVAILABLE',
  sideband: 'UPSTREAM_UNAVAILABLE',
};

/**
 * Maps an upstream failure to the contract: 5xx, timeouts and network errors are retryable
 * (TOKEN_MINT_FAILED / SDP_EXCHANGE_FAILED / UPSTREAM_UNAVAILABLE); 429 is RATE_LIMITED; a 401/403
 * means the service's own OpenAI key was refused, which no retry fixes (CONFIGURATION_INVALID); a
 * 400 on an offer is the caller's SDP (VALIDATION_FAILED). Upstream messages are not passed on:
 * they can echo request content.
 */
export function upstreamFailure(operation: UpstreamOperation, problem: UpstreamProblem): StationFailure {
  const transient = TRANSIENT_CODE[operation];
  if (problem.kind === 'timeout') return StationFailure.of(transient, `OpenAI did not answer in time (${operation})`);
  if (problem.kind === 'network') return StationFailure.of(transient, `OpenAI could not be reached (${operation})`);
  const { status } = problem;
  if (status === 429) return StationFailure.of('RATE_LIMITED', 'OpenAI rate limit reached; try again shortly');
  if (status === 401 || status === 403) {
    return StationFailure.of('CONFIGURATION_INVALID', `OpenAI refused the token service's credentials (${status})`);
  }
  if (operation === 'call' && status === 400) {
    return StationFailure.of('VALIDATION_FAILED', `OpenAI refused the offer (${problem.upstreamCode ?? 'invalid_request'})`, 'data.sdp');
  }
  if ((operation === 'call' || operation === 'hangup') && status === 404) return StationFailure.of('SESSION_ENDED', 'the call no longer exists');
  if (status >= 500) return StationFailure.of(transient, `OpenAI failed (${status}, ${operation})`);
  return StationFailure.of(operation === 'mint' ? 'CONFIGURATION_INVALID' : transient, `OpenAI refused the request (${status}, ${operation})`);
}
