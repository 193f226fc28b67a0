import { allowedMics, type MicOption } from './deviceCheck';

/**
 * Which microphone the station uses after one goes away (unplugged: its track ended, or
 * `devicechange` no longer lists it). Pure: the devices listed now, the managed configuration's
 * `allowedMicrophones` and what was lost go in; the decision comes out.
 */

/** What the room is told about the microphone in use. */
export type MicrophoneChange =
  /** The one in use went away and the station moved to `label` without a new call. */
  | { readonly kind: 'switched'; readonly label: string }
  /** No allowed microphone is left: nothing is sent until one is connected. */
  | { readonly kind: 'missing' }
  /** One was connected while none was left: the interview's audio goes on with `label`. */
  | { readonly kind: 'resumed'; readonly label: string };

export type MicrophoneNext = { readonly kind: 'keep' } | { readonly kind: 'switch'; readonly to: MicOption } | { readonly kind: 'none' };

export interface MicrophoneSituation {
  readonly devices: readonly Pick<MediaDeviceInfo, 'kind' | 'deviceId' | 'label'>[];
  /** `allowedMicrophones`: label substrings, in the order the configuration prefers them (empty: any). */
  readonly allowed: readonly string[];
  /** The device of the live track in use; null when there is none or its track has ended. */
  readonly inUse: string | null;
  /** Devices not to pick now: the one just lost, and any that would not open a moment ago. */
  readonly exclude: readonly string[];
}

/** Chromium's aliases for "whatever the system prefers" follow the system, not one device. */
const SYSTEM_ALIASES = new Set(['default', 'communications']);

/**
 * Keep the microphone in use while its track is live and it is still listed. Otherwise the allowed
 * microphone ranked first: by the first entry of `allowedMicrophones` its label matches (the
 * configuration's order is its preference), then a real device before the system's aliases, then
 * the system's order; never an excluded one. `none` when no allowed microphone is left.
 */
export function nextMicrophone(situation: MicrophoneSituation): MicrophoneNext {
  const { devices, allowed, inUse, exclude } = situation;
  const mics = allowedMics(devices, allowed);
  if (inUse !== null && mics.some((mic) => mic.deviceId === inUse)) return { kind: 'keep' };
  const needles = allowed.map((entry) => entry.toLowerCase());
  const rank = (mic: MicOption) => [needles.length === 0 ? 0 : needles.findIndex((needle) => mic.label.toLowerCase().includes(needle)), SYSTEM_ALIASES.has(mic.deviceId) ? 1 : 0];
  const [best] = mics
    .filter((mic) => !exclude.includes(mic.deviceId))
    .map((mic, order) => ({ mic, key: [...rank(mic), order] }))
    .sort((a, b) => compareKeys(a.key, b.key));
  return best ? { kind: 'switch', to: best.mic } : { kind: 'none' };
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i += 1) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
