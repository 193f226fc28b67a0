import {
  edgeFunctionUrl,
  stationError,
  StationErrorSchema,
  TranscriptBatchResponseSchema,
  type StationError,
  type TranscriptEntry,
} from '@interview-station/contracts';
import { parseRetryAfter } from './backoff';

/**
 * What one batch upload came to, decided by what the engine should do next:
 * - `stored`: the server holds every entry (new or duplicate); mark them synced.
 * - `retry`: a transient failure (network, timeout, 5xx, 429, an unreadable 200); back off.
 * - `credentials`: the token is refused (401) or the user may not upload (403); wait for a
 *   different sign-in instead of retrying the same token.
 * - `reject-session`: this session will not take entries (404 not found, 409 ended); set it aside.
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

function classify(status: number, text: string, retryAfter: string | null, sent: number): UploadOutcome {
  const json = parseJson(text);
  if (status >= 200 && status < 300) {
    const body = TranscriptBatchResponseSchema.safeParse(json);
    // A 200 that is not our answer (a captive portal, a misrouted proxy) proves nothing was stored.
    // So does one that does not account for every entry sent.
    if (!body.success || body.data.accepted + body.data.duplicates !== sent) {
      return { kind: 'retry', error: stationError('UPSTREAM_UNAVAILABLE', 'the transcript upload got an unexpected answer'), status };
    }
    return { kind: 'stored', ...body.data };
  }
  const parsed = StationErrorSchema.safeParse(json);
  const serverError = parsed.success ? parsed.data : null;
  const error = (fallback: StationError): StationError => serverError ?? fallback;
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(retryAfter);
    return { kind: 'retry', error: error(stationError('RATE_LIMITED', 'too many transcript uploads')), status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  }
  if (status >= 500 || status === 408) {
    const retryAfterMs = parseRetryAfter(retryAfter);
    const fallback = stationError('UPSTREAM_UNAVAILABLE', `the transcript service answered ${status}`);
    // Whatever code the body carries, a 5xx is transient from the station's point of view.
    return { kind: 'retry', error: error(fallback), status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  }
  if (status === 401) return { kind: 'credentials', error: error(stationError('AUTHENTICATION_FAILED', 'sign in again to sync transcripts')), status };
  if (status === 403) return { kind: 'credentials', error: error(stationError('NOT_AUTHORIZED', 'only a proctor can upload transcripts')), status };
  if (status === 404) return { kind: 'reject-session', error: error(stationError('SESSION_NOT_FOUND', 'the server does not know this session')), status };
  if (status === 409) return { kind: 'reject-session', error: error(stationError('SESSION_ENDED', 'the session ended too long ago to accept transcripts')), status };
  if (status === 413) return { kind: 'too-large', error: error(stationError('VALIDATION_FAILED', 'the transcript batch is too large')), status };
  const rejected = error(stationError('VALIDATION_FAILED', `the transcript service refused the batch (${status})`));
  const index = /^entries\[(\d+)\]/.exec(rejected.field ?? '')?.[1];
  if (status === 400 && index !== undefined) return { kind: 'reject-entry', index: Number(index), error: rejected, status };
  // Any other 4xx: retrying the same bytes would be refused again.
  return { kind: 'reject-batch', error: rejected, status };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
