import { StationFailure, type Result } from '@interview-station/contracts';

/** What one connection attempt needs, whichever the mode: ICE servers and the SDP exchange. */
export interface CallSetup {
  readonly iceServers: RTCIceServer[];
  readonly exchangeSdp: (offerSdp: string) => Promise<string>;
}

/** A port's Result as a value, or its typed error thrown (for the retry loop). */
export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new StationFailure(result.error);
  return result.value;
}

/** A pre-minted key is reused only with this much life left (it must start the call, not finish it). */
export const KEY_MIN_REMAINING_MS = 30_000;

export function keyStillUsable(expiresAt: string, now: number): boolean {
  return Date.parse(expiresAt) - now >= KEY_MIN_REMAINING_MS;
}
