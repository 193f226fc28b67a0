import { RealtimeErrorBodySchema, StationFailure, stationError, type StationError } from '@interview-station/contracts';
import { z } from 'zod';

/**
 * Direct mode's SDP exchange: the renderer posts its offer to OpenAI's `calls` endpoint with the
 * ephemeral key (REALTIME.md, GA flow step 2). A refusal comes back as JSON
 * `{ error: { type, code, message } }`; its message is surfaced instead of letting
 * `setRemoteDescription` fail on a body that is not SDP.
 */

export interface DirectOffer {
  readonly callsUrl: string;
  readonly clientSecret: string;
  readonly offerSdp: string;
}

export interface DirectAnswer {
  readonly sdp: string;
  /** `rtc_...` from the `Location` header; null when the provider does not send one. */
  readonly callId: string | null;
}

type Fetch = (input: string, init: RequestInit) => Promise<Response>;

const ErrorEnvelopeSchema = z.looseObject({ error: RealtimeErrorBodySchema });

export async function postOfferToCalls(fetchFn: Fetch, offer: DirectOffer, signal?: AbortSignal): Promise<DirectAnswer> {
  let response: Response;
  try {
    response = await fetchFn(offer.callsUrl, {
      method: 'POST',
      headers: { Authorization: `Bearer ${offer.clientSecret}`, 'Content-Type': 'application/sdp' },
      body: offer.offerSdp,
      signal: signal ?? null,
    });
  } catch (error) {
    throw new StationFailure(stationError('UPSTREAM_UNAVAILABLE', `The Realtime endpoint did not answer: ${error instanceof Error ? error.message : String(error)}`));
  }
  const body = await response.text();
  if (response.status === 201 || response.status === 200) {
    if (!body.startsWith('v=')) throw new StationFailure(stationError('SDP_EXCHANGE_FAILED', 'The Realtime endpoint answered without an SDP answer.'));
    return { sdp: body, callId: callIdOf(response.headers.get('location')) };
  }
  throw new StationFailure(refusal(response.status, body));
}

/** The call id is the last path segment of `Location: .../calls/rtc_...`. */
export function callIdOf(location: string | null): string | null {
  if (!location) return null;
  const last = location.split('?')[0]!.split('/').filter(Boolean).at(-1);
  return last && /^[A-Za-z0-9_.-]+$/.test(last) ? last : null;
}

/**
 * Maps a refusal to the station's codes, so the retry policy and the UI know what happens next:
 * transient answers are retried, an invalid or expired key is retried with a fresh key (each attempt
 * mints one), quota and request errors go to the admin.
 */
export function refusal(status: number, body: string): StationError {
  let message = `answered ${status}`;
  let code: string | null | undefined;
  try {
    const parsed = ErrorEnvelopeSchema.safeParse(JSON.parse(body));
    if (parsed.success) ({ message, code } = parsed.data.error);
  } catch {
    // Not JSON (a proxy's HTML page): keep the status in the message.
  }
  const said = `The Realtime endpoint refused the call: ${message}`;
  if (code === 'insufficient_quota') return stationError('CONFIGURATION_INVALID', said);
  if (status === 429) return stationError('RATE_LIMITED', said);
  if (status >= 500 || status === 408) return stationError('UPSTREAM_UNAVAILABLE', said);
  if (status === 401 || status === 403) return stationError('SDP_EXCHANGE_FAILED', said);
  return stationError('VALIDATION_FAILED', said);
}
