import { type ErrorCode, httpStatusFor } from '@interview-station/contracts';

/** How a socket ends for a refusal: a standard close code and the contract's code as the reason. */
export interface CloseFor {
  readonly code: number;
  readonly reason: ErrorCode;
}

/**
 * The WebSocket close for an error code, derived from the contracts' table like an HTTP status:
 * too large (413) → 1009 (message too big); the caller's fault (other 4xx: bad token, no
 * permission, ended session, flooding) → 1008 (policy violation); a transient server condition
 * (other 5xx, retryable) → 1013 (try again later); anything else → 1011 (internal error). The
 * reason is the error code, so a client reads the same meaning it would from an HTTP body.
 */
export function closeFor(code: ErrorCode): CloseFor {
  const status = httpStatusFor(code);
  if (status === 413) return { code: 1009, reason: code };
  if (status >= 400 && status < 500) return { code: 1008, reason: code };
  if (code !== 'INTERNAL' && status >= 500) return { code: 1013, reason: code };
  return { code: 1011, reason: code };
}
