import type { SessionSlot } from './interviewMachine';
import type { ServiceChecks } from './ports';

/**
 * The device check's pure parts: which microphones may be offered, how loud the input is, and
 * whether everything is ready for "Start interview".
 */

/** Echo cancellation, noise suppression and auto gain on: the interviewer must not hear itself. */
export function micConstraints(deviceId: string | null): MediaStreamConstraints {
  return {
    audio: {
      ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
      echoCancellation: true,
      noiseSuppression: true,
      autoGainControl: true,
      channelCount: 1,
    },
    video: false,
  };
}

export interface MicOption {
  readonly deviceId: string;
  readonly label: string;
}

/**
 * Microphones the station may use: `allowedMicrophones` holds case-insensitive substrings of
 * device labels (empty means any). Labels are empty until permission is granted, so filtering
 * happens after the first getUserMedia; an unlabeled device never passes a non-empty list.
 */
export function allowedMics(devices: readonly Pick<MediaDeviceInfo, 'kind' | 'deviceId' | 'label'>[], allowed: readonly string[]): MicOption[] {
  const needles = allowed.map((a) => a.toLowerCase());
  return devices
    .filter((d) => d.kind === 'audioinput' && d.deviceId !== '')
    .filter((d) => needles.length === 0 || needles.some((n) => d.label.toLowerCase().includes(n)))
    .map((d, index) => ({ deviceId: d.deviceId, label: d.label || `Microphone ${index + 1}` }));
}

/**
 * Input level 0..1 from an AnalyserNode's time-domain bytes (128 = silence): RMS in dBFS mapped
 * from −60 dB (0) to 0 dB (1), which moves visibly for speech at a normal distance.
 */
export function levelFromTimeDomain(samples: ArrayLike<number>): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i += 1) {
    const v = ((samples[i] ?? 128) - 128) / 128;
    sum += v * v;
  }
  const rms = Math.sqrt(sum / samples.length);
  if (rms === 0) return 0;
  return Math.min(1, Math.max(0, (20 * Math.log10(rms) + 60) / 60));
}

/** Above this the microphone is taken to have picked up sound (not just noise floor). */
export const SOUND_HEARD_LEVEL = 0.2;

export type CheckState = 'pass' | 'fail' | 'pending' | 'unknown';

export interface ReadinessCheck {
  readonly id: 'microphone' | 'sound' | 'session' | 'supabase' | 'tokenService' | 'realtime';
  readonly label: string;
  readonly state: CheckState;
  readonly detail: string;
  /** Start stays disabled until every required check passes; `unknown` ones are informative. */
  readonly required: boolean;
}

export interface ReadinessInput {
  readonly micError: string | null;
  readonly micLive: boolean;
  readonly soundHeard: boolean;
  readonly session: SessionSlot;
  readonly services: ServiceChecks | null;
  /** Direct mode: the pre-minted key (proves the token service and the Realtime API answer). */
  readonly keyMinted: boolean | null;
}

export function readinessChecks(input: ReadinessInput): ReadinessCheck[] {
  const { session, services } = input;
  const service = (value: boolean | null | undefined, proven: boolean): CheckState => (proven || value === true ? 'pass' : value === false ? 'fail' : services ? 'unknown' : 'pending');
  const sessionReady = session.status === 'ready';
  return [
    {
      id: 'microphone',
      label: 'Microphone',
      state: input.micError ? 'fail' : input.micLive ? 'pass' : 'pending',
      detail: input.micError ?? (input.micLive ? 'Working.' : 'Waiting for the microphone…'),
      required: true,
    },
    {
      id: 'sound',
      label: 'Sound heard',
      state: input.soundHeard ? 'pass' : 'pending',
      detail: input.soundHeard ? 'The microphone hears you.' : 'Please say a few words so we can check the microphone.',
      required: true,
    },
    {
      id: 'session',
      label: 'Interview prepared',
      state: sessionReady ? 'pass' : session.status === 'failed' ? 'fail' : 'pending',
      detail: session.status === 'failed' ? session.error.message : sessionReady ? 'Ready.' : 'Preparing the interview…',
      required: true,
    },
    // A created session proves Supabase and its functions answered.
    { id: 'supabase', label: 'Station server', state: service(services?.supabase, sessionReady), detail: '', required: true },
    // Required in direct mode (the key), and whenever main's probe found it down: every interview needs it.
    {
      id: 'tokenService',
      label: 'Token service',
      state: service(services?.tokenService, input.keyMinted === true),
      detail: input.keyMinted === false ? 'Could not get a key.' : services?.tokenService === false ? 'Not answering: the interview cannot start until it does. Check again in a moment.' : '',
      required: input.keyMinted !== null || services?.tokenService === false,
    },
    { id: 'realtime', label: 'AI interviewer service', state: service(services?.realtime, input.keyMinted === true), detail: '', required: false },
  ].map((check) => ({ ...check, detail: check.detail || describeState(check.state as CheckState) })) as ReadinessCheck[];
}

function describeState(state: CheckState): string {
  switch (state) {
    case 'pass':
      return 'Answering.';
    case 'fail':
      return 'Not answering.';
    case 'pending':
      return 'Checking…';
    case 'unknown':
      return 'Not checked by this station; it is tried when the interview starts.';
  }
}

export function canStart(checks: readonly ReadinessCheck[]): boolean {
  return checks.every((check) => !check.required || check.state === 'pass');
}
