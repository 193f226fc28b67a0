import { z } from 'zod';

/**
 * What the station does next when an error with this code happens. The UI uses it to tell the
 * person what to expect; services use `retryable` to decide whether to try again on their own.
 */
export type Recovery =
  | 'retry' // try the same operation again (with backoff)
  | 'reconnect' // tear the connection down and build it again
  | 'sign-in' // the person must sign in again
  | 'fix-input' // the caller sent something wrong; retrying unchanged cannot help
  | 'contact-admin' // configuration or deployment problem
  | 'none'; // nothing to do (e.g. the session already ended)

interface ErrorSpec {
  readonly retryable: boolean;
  readonly recovery: Recovery;
  /** The HTTP status every HTTP boundary (token service, edge functions) answers this code with. */
  readonly status: number;
  readonly description: string;
}

/** Every error code of the product, from the reference design plus the station's own boundaries. */
export const ERROR_CODES = {
  VALIDATION_FAILED: { retryable: false, recovery: 'fix-input', status: 400, description: 'A payload did not match its contract' },
  NOT_FOUND: { retryable: false, recovery: 'fix-input', status: 404, description: 'No such route, or a referenced record does not exist' },
  METHOD_NOT_ALLOWED: { retryable: false, recovery: 'fix-input', status: 405, description: 'The route does not take this HTTP method' },
  CONFLICT: { retryable: false, recovery: 'fix-input', status: 409, description: 'The record is in a state that refuses this operation' },
  PAYLOAD_TOO_LARGE: { retryable: false, recovery: 'fix-input', status: 413, description: 'The body or message exceeds its size limit' },
  UNSUPPORTED_MEDIA_TYPE: { retryable: false, recovery: 'fix-input', status: 415, description: 'The body is not in the content type the route takes' },
  UNKNOWN_CHANNEL: { retryable: false, recovery: 'fix-input', status: 404, description: 'No such IPC channel' },
  FORBIDDEN_SENDER: { retryable: false, recovery: 'none', status: 403, description: 'The caller is not the station window' },
  HOST_DISCONNECTED: { retryable: true, recovery: 'reconnect', status: 503, description: 'The renderer lost its connection to the station host' },
  NOT_IMPLEMENTED: { retryable: false, recovery: 'contact-admin', status: 501, description: 'This build does not provide the operation yet' },
  INTERNAL: { retryable: true, recovery: 'retry', status: 500, description: 'An unexpected failure inside the station' },
  CONFIGURATION_INVALID: { retryable: false, recovery: 'contact-admin', status: 500, description: 'The managed configuration is invalid' },
  AUTHENTICATION_FAILED: { retryable: false, recovery: 'sign-in', status: 401, description: 'Sign-in failed or the session is no longer valid' },
  NOT_AUTHORIZED: { retryable: false, recovery: 'contact-admin', status: 403, description: 'The signed-in user may not do this' },
  NETWORK_OFFLINE: { retryable: true, recovery: 'retry', status: 503, description: 'The network is unreachable' },
  RATE_LIMITED: { retryable: true, recovery: 'retry', status: 429, description: 'Too many requests; try again later' },
  CAPACITY_EXCEEDED: { retryable: true, recovery: 'retry', status: 503, description: 'The service runs as many sessions as it may; try again later' },
  SESSION_NOT_FOUND: { retryable: false, recovery: 'none', status: 404, description: 'No such interview session' },
  SESSION_ENDED: { retryable: false, recovery: 'none', status: 409, description: 'The interview session has ended' },
  SESSION_EXPIRED: { retryable: false, recovery: 'none', status: 409, description: 'The interview reached its maximum length' },
  TOKEN_MINT_FAILED: { retryable: true, recovery: 'retry', status: 502, description: 'The token service could not mint a realtime key' },
  SDP_EXCHANGE_FAILED: { retryable: true, recovery: 'reconnect', status: 502, description: 'The SDP offer/answer exchange failed' },
  WEBRTC_CONNECTION_FAILED: { retryable: true, recovery: 'reconnect', status: 502, description: 'The WebRTC connection failed or dropped' },
  VM_PROVISIONING_FAILED: { retryable: true, recovery: 'retry', status: 503, description: 'The per-session token service instance could not be started' },
  TRANSCRIPT_PROCESSING_FAILED: { retryable: true, recovery: 'retry', status: 500, description: 'A transcript entry could not be stored or synced' },
  UPSTREAM_UNAVAILABLE: { retryable: true, recovery: 'retry', status: 503, description: 'An upstream service (OpenAI, Supabase) failed' },
  PROCTOR_PIN_INVALID: { retryable: false, recovery: 'fix-input', status: 401, description: 'The proctor PIN is wrong' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;
export const ErrorCodeSchema = z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]);

/** The one error shape that crosses every boundary (IPC, bridge, token service, edge functions). */
export const StationErrorSchema = z
  .object({
    code: ErrorCodeSchema,
    message: z.string().max(2000),
    retryable: z.boolean(),
    /** Dotted path of the offending field, for VALIDATION_FAILED. */
    field: z.string().max(200).optional(),
  })
  .strict();
export type StationError = z.infer<typeof StationErrorSchema>;

/**
 * Builds a StationError whose `retryable` flag always agrees with the code's table entry. Message
 * and field are cut to the schema's bounds: they may quote input (an unknown key thousands of
 * characters long), and an error must never itself fall outside the contract.
 */
export function stationError(code: ErrorCode, message: string, field?: string): StationError {
  const error: StationError = { code, message: clip(message, 2000), retryable: ERROR_CODES[code].retryable };
  if (field !== undefined) error.field = clip(field, 200);
  return error;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function recoveryFor(code: ErrorCode): Recovery {
  return ERROR_CODES[code].recovery;
}

/** The HTTP status for a code: the one table every HTTP boundary derives its answers from. */
export function httpStatusFor(code: ErrorCode): number {
  return ERROR_CODES[code].status;
}

/**
 * What a client does with an HTTP answer, decided in one place for every uploader and caller:
 * - `ok`: 2xx;
 * - `retry`: transient (no answer, 408, 429, 5xx, or a body whose code is retryable); back off;
 * - `signIn`: the credentials are refused (401/403, or a code whose recovery is sign-in); wait for
 *   a new sign-in instead of retrying the same token;
 * - `setAside`: retrying the same request can never succeed; keep it, show it, stop sending it.
 * A body's `code` (from this table) decides when present; the status decides otherwise.
 */
export type ResponseClass =
  | { readonly kind: 'ok' }
  | { readonly kind: 'retry'; readonly error: StationError }
  | { readonly kind: 'signIn'; readonly error: StationError }
  | { readonly kind: 'setAside'; readonly error: StationError };

export function classifyResponse(status: number | null, body?: unknown): ResponseClass {
  if (status !== null && status >= 200 && status < 300) return { kind: 'ok' };
  const parsed = StationErrorSchema.safeParse(body);
  if (status === null) return { kind: 'retry', error: parsed.success ? parsed.data : stationError('NETWORK_OFFLINE', 'no answer') };
  // A 5xx, 408 or 429 is transient whatever its body says (a proxy in between may have answered).
  if (status >= 500 || status === 408 || status === 429) {
    return { kind: 'retry', error: parsed.success ? parsed.data : stationError(status === 429 ? 'RATE_LIMITED' : 'UPSTREAM_UNAVAILABLE', `answered ${status}`) };
  }
  if (parsed.success) {
    const { code } = parsed.data;
    if (code === 'AUTHENTICATION_FAILED' || code === 'NOT_AUTHORIZED') return { kind: 'signIn', error: parsed.data };
    return { kind: parsed.data.retryable ? 'retry' : 'setAside', error: parsed.data };
  }
  if (status === 401) return { kind: 'signIn', error: stationError('AUTHENTICATION_FAILED', 'answered 401') };
  if (status === 403) return { kind: 'signIn', error: stationError('NOT_AUTHORIZED', 'answered 403') };
  return { kind: 'setAside', error: stationError('VALIDATION_FAILED', `answered ${status}`) };
}

/** `{ ok: true, value } | { ok: false, error }`: how every operation across a boundary answers. */
export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: StationError };

export const ResultSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }).strict(),
  z.object({ ok: z.literal(false), error: StationErrorSchema }).strict(),
]);

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(error: StationError): Result<T> {
  return { ok: false, error };
}

/** Thrown inside services to carry a typed error up to the boundary that reports it. */
export class StationFailure extends Error {
  constructor(readonly error: StationError) {
    super(error.message);
    this.name = 'StationFailure';
  }

  static of(code: ErrorCode, message: string, field?: string): StationFailure {
    return new StationFailure(stationError(code, message, field));
  }
}
