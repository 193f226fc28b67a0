// GENERATED from contracts/errors.ts by `npm run supabase:contracts`; do not edit.
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
  readonly description: string;
}

/** Every error code of the product, from the reference design plus the station's own boundaries. */
export const ERROR_CODES = {
  VALIDATION_FAILED: { retryable: false, recovery: 'fix-input', description: 'A payload did not match its contract' },
  UNKNOWN_CHANNEL: { retryable: false, recovery: 'fix-input', description: 'No such IPC channel' },
  FORBIDDEN_SENDER: { retryable: false, recovery: 'none', description: 'The caller is not the station window' },
  HOST_DISCONNECTED: { retryable: true, recovery: 'reconnect', description: 'The renderer lost its connection to the station host' },
  NOT_IMPLEMENTED: { retryable: false, recovery: 'contact-admin', description: 'This build does not provide the operation yet' },
  INTERNAL: { retryable: true, recovery: 'retry', description: 'An unexpected failure inside the station' },
  CONFIGURATION_INVALID: { retryable: false, recovery: 'contact-admin', description: 'The managed configuration is invalid' },
  AUTHENTICATION_FAILED: { retryable: false, recovery: 'sign-in', description: 'Sign-in failed or the session is no longer valid' },
  NOT_AUTHORIZED: { retryable: false, recovery: 'contact-admin', description: 'The signed-in user may not do this' },
  NETWORK_OFFLINE: { retryable: true, recovery: 'retry', description: 'The network is unreachable' },
  RATE_LIMITED: { retryable: true, recovery: 'retry', description: 'Too many requests; try again later' },
  SESSION_NOT_FOUND: { retryable: false, recovery: 'none', description: 'No such interview session' },
  SESSION_ENDED: { retryable: false, recovery: 'none', description: 'The interview session has ended' },
  SESSION_EXPIRED: { retryable: false, recovery: 'none', description: 'The interview reached its maximum length' },
  TOKEN_MINT_FAILED: { retryable: true, recovery: 'retry', description: 'The token service could not mint a realtime key' },
  SDP_EXCHANGE_FAILED: { retryable: true, recovery: 'reconnect', description: 'The SDP offer/answer exchange failed' },
  WEBRTC_CONNECTION_FAILED: { retryable: true, recovery: 'reconnect', description: 'The WebRTC connection failed or dropped' },
  VM_PROVISIONING_FAILED: { retryable: true, recovery: 'retry', description: 'The per-session token service instance could not be started' },
  TRANSCRIPT_PROCESSING_FAILED: { retryable: true, recovery: 'retry', description: 'A transcript entry could not be stored or synced' },
  UPSTREAM_UNAVAILABLE: { retryable: true, recovery: 'retry', description: 'An upstream service (OpenAI, Supabase) failed' },
  PROCTOR_PIN_INVALID: { retryable: false, recovery: 'fix-input', description: 'The proctor PIN is wrong' },
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

/** Builds a StationError whose `retryable` flag always agrees with the code's table entry. */
export function stationError(code: ErrorCode, message: string, field?: string): StationError {
  const error: StationError = { code, message, retryable: ERROR_CODES[code].retryable };
  if (field !== undefined) error.field = field;
  return error;
}

export function recoveryFor(code: ErrorCode): Recovery {
  return ERROR_CODES[code].recovery;
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
