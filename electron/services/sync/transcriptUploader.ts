import {
  classifyResponse,
  edgeFunctionUrl,
  stationError,
  StationErrorSchema,
  TranscriptBatchResponseSchema,
  type ErrorCode,
  type StationError,
  type TranscriptEntry,
} from '@interview-station/contracts';
import { parseRetryAfter } from './backoff';

/**
 * What one batch upload came to, decided by what the engine should do next (built on the
 * contracts' `classifyResponse`, the one classifier every uploader uses):
 * - `stored`: the server holds every entry (new or duplicate); mark them synced.
 * - `retry`: a transient failure (network, timeout, 5xx, 429, an unreadable 200); back off.
 * - `credentials`: the token is refused (401); wait for a different sign-in instead of retrying
 *   the same token.
 * - `reject-session`: this session will not take entries (404 not found, 409 ended, 403 another
 *   proctor's interview); set it aside (until a different sign-in, except when it ended).
 * - `reject-entry`: the server named one bad entry (400 with `entries[i]`); set that one aside.
 * - `reject-batch`: any other refusal that retrying unchanged cannot fix; set the batch aside.
 * - `too-large`: 413; split the batch.
 */
export type UploadOutcome =
  | { readonly kind: 'stored'; readonly accepted: number; readonly duplicates: number }
  | { readonly kind: 'retry'; readonly error: StationError; readonly status: number | null; readonly retryAfterMs?: number }
  | { readonly kind: 'credentials'; readonly error: StationError; readonly status: number }
  | { readonly kind: 'reject-session'; readonly error: StationError; readonly status: number }
  | { readonly kind: 'reject-entry'; readonly index: number; readonly error: StationError; readonly status: number }
  | { readonly kind: 'reject-batch'; readonly error: StationError; readonly status: number }
  | { readonly kind: 'too-large'; readonly error: StationError; readonly status: number };

export interface UploaderOptions {
  readonly supabaseUrl: string;
  readonly anonKey: string;
  readonly fetch: typeof fetch;
  /** A request with no answer after this is abandoned and retried (default 30 s). */
  readonly timeoutMs: number;
  /** Aborts the request when the engine is disposed. */
  readonly signal?: AbortSignal;
}

/** Posts one batch to `interview-transcript` and classifies the answer. Never throws. */
export async function uploadBatch(
  options: UploaderOptions,
  sessionId: string,
  entries: readonly TranscriptEntry[],
  accessToken: string,
): Promise<UploadOutcome> {
  const url = edgeFunctionUrl(options.supabaseUrl, 'interview-transcript');
  let response: Response;
  let text: string;
  try {
    response = await options.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}`, apikey: options.anonKey },
      body: JSON.stringify({ sessionId, entries }),
      signal: options.signal ? AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]) : AbortSignal.timeout(options.timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    // Refused, reset, timed out, or the answer was cut off: the server may or may not have stored
    // the batch. Idempotent keys make the retry safe either way.
    const name = error instanceof Error ? error.name : 'Error';
    const message = name === 'TimeoutError' ? 'the transcript upload timed out' : 'the transcript upload did not get an answer';
    return { kind: 'retry', error: stationError('NETWORK_OFFLINE', message), status: null };
  }
  return classify(response.status, text, response.headers.get('retry-after'), entries.length);
}

/**
 * The contracts' `classifyResponse` decides (ok, retry, sign in, set aside); on top of it the
 * finer outcomes the engine needs: a 200 must account for every entry, a 429 or 5xx may say when
 * to retry, a 413 splits the batch, and a refusal names an entry, a session or the whole batch.
 */
function classify(status: number, text: string, retryAfter: string | null, sent: number): UploadOutcome {
  const json = parseJson(text);
  const verdict = classifyResponse(status, json);
  switch (verdict.kind) {
    case 'ok': {
      const body = TranscriptBatchResponseSchema.safeParse(json);
      // A 200 that is not our answer (a captive portal, a misrouted proxy) proves nothing was stored.
      // So does one that does not account for every entry sent.
      if (!body.success || body.data.accepted + body.data.duplicates !== sent) {
        return { kind: 'retry', error: stationError('UPSTREAM_UNAVAILABLE', 'the transcript upload got an unexpected answer'), status };
      }
      return { kind: 'stored', ...body.data };
    }
    case 'retry': {
      const retryAfterMs = parseRetryAfter(retryAfter);
      return { kind: 'retry', error: verdict.error, status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
    }
    case 'signIn':
      // A 403 is about this session (another proctor started it; no handover exists): set the
      // session aside until a different sign-in, and let the pass go on with the others. Only a
      // refused token (401) stops the pass to wait for credentials.
      if (status === 403 && verdict.error.code === 'NOT_AUTHORIZED') return { kind: 'reject-session', error: verdict.error, status };
      return { kind: 'credentials', error: verdict.error, status };
    case 'setAside': {
      const { error } = verdict;
      if (status === 413 || error.code === 'PAYLOAD_TOO_LARGE') return { kind: 'too-large', error, status };
      const index = /^entries\[(\d+)\]/.exec(error.field ?? '')?.[1];
      if (index !== undefined && Number(index) < sent) return { kind: 'reject-entry', index: Number(index), error, status };
      if (status === 404 || status === 409 || SESSION_REFUSALS.has(error.code)) {
        const typed = StationErrorSchema.safeParse(json).success;
        return { kind: 'reject-session', error: typed ? error : stationError(status === 409 ? 'SESSION_ENDED' : 'SESSION_NOT_FOUND', `the server refused this session (${status})`), status };
      }
      // Any other refusal: retrying the same bytes would be refused again.
      return { kind: 'reject-batch', error, status };
    }
  }
}

/** Refusals about the session as a whole: every batch of it would be refused the same way. */
const SESSION_REFUSALS: ReadonlySet<ErrorCode> = new Set(['SESSION_NOT_FOUND', 'SESSION_ENDED', 'SESSION_EXPIRED', 'NOT_FOUND', 'CONFLICT']);

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
