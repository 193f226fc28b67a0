import { useCallback, useEffect, useState } from 'react';
import { allowedMics, levelFromTimeDomain, micConstraints, SOUND_HEARD_LEVEL, type MicOption } from './deviceCheck';

export interface MicrophoneControls {
  readonly options: readonly MicOption[];
  readonly deviceId: string | null;
  readonly stream: MediaStream | null;
  /** 0..1, live from an AnalyserNode on the microphone. */
  readonly level: number;
  /** The level went above the speech threshold at least once on this device. */
  readonly soundHeard: boolean;
  readonly error: string | null;
  readonly muted: boolean;
  choose(deviceId: string): void;
  setMuted(muted: boolean): void;
}

/** How often the meter re-renders: smooth enough to see, cheap enough for a kiosk. */
const METER_INTERVAL_MS = 100;

/**
 * The microphone for the whole interview: chosen at the device check (limited to
 * `allowedMicrophones`), metered, then handed to the call; the same stream stays open in the room,
 * so muting is `track.enabled` and a reconnect reuses it. Tracks stop when the flow unmounts.
 */
export function useMicrophone(allowed: readonly string[] | null): MicrophoneControls {
  const [deviceId, setDeviceId] = useState<string | null>(null);
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [options, setOptions] = useState<MicOption[]>([]);
  const [level, setLevel] = useState(0);
  const [heardOn, setHeardOn] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [muted, setMutedState] = useState(false);
  const allowedKey = allowed?.join('\n') ?? null;

  // Open the chosen device (or the default) and switch to an allowed one if the default is not.
  useEffect(() => {
    if (allowedKey === null) return;
    const allowList = allowedKey === '' ? [] : allowedKey.split('\n');
    let cancelled = false;
    let opened: MediaStream | null = null;
    const open = async () => {
      try {
        opened = await navigator.mediaDevices.getUserMedia(micConstraints(deviceId));
        const mics = allowedMics(await navigator.mediaDevices.enumerateDevices(), allowList);
        if (cancelled) return;
        setOptions(mics);
        const current = opened.getAudioTracks()[0]?.getSettings().deviceId ?? null;
        const first = mics[0];
        if (!first) throw new Error('No allowed microphone is connected. Please connect the station headset.');
        if (!mics.some((m) => m.deviceId === current) && deviceId !== first.deviceId) {
          setDeviceId(first.deviceId);
          return;
        }
        setError(null);
        setStream(opened);
      } catch (cause) {
        if (!cancelled) setError(describeMicError(cause));
      }
    };
    void open();
    return () => {
      cancelled = true;
      opened?.getTracks().forEach((track) => track.stop());
      setStream(null);
    };
  }, [deviceId, allowedKey]);

  // Meter: an AnalyserNode read on a timer (not Web Audio playback: nothing is routed to the speakers).
  useEffect(() => {
    if (!stream) return;
    const context = new AudioContext();
    const analyser = context.createAnalyser();
    analyser.fftSize = 1024;
    context.createMediaStreamSource(stream).connect(analyser);
    const samples = new Uint8Array(analyser.fftSize);
    const label = stream.getAudioTracks()[0]?.getSettings().deviceId ?? 'default';
    const timer = setInterval(() => {
      analyser.getByteTimeDomainData(samples);
      const now = levelFromTimeDomain(samples);
      setLevel(now);
      if (now >= SOUND_HEARD_LEVEL) setHeardOn(label);
    }, METER_INTERVAL_MS);
    return () => {
      clearInterval(timer);
      void context.close();
    };
  }, [stream]);

  useEffect(() => {
    const refresh = () => void navigator.mediaDevices.enumerateDevices().then((all) => setOptions(allowedMics(all, allowedKey ? allowedKey.split('\n') : [])));
    navigator.mediaDevices.addEventListener('devicechange', refresh);
    return () => navigator.mediaDevices.removeEventListener('devicechange', refresh);
  }, [allowedKey]);

  const setMuted = useCallback(
    (next: boolean) => {
      stream?.getAudioTracks().forEach((track) => (track.enabled = !next));
      setMutedState(next);
    },
    [stream],
  );

  const currentId = stream?.getAudioTracks()[0]?.getSettings().deviceId ?? deviceId;
  return { options, deviceId: currentId, stream, level, soundHeard: heardOn !== null && heardOn === (currentId ?? 'default'), error, muted, choose: setDeviceId, setMuted };
}

function describeMicError(cause: unknown): string {
  const name = cause instanceof DOMException ? cause.name : '';
  if (name === 'NotAllowedError') return 'The station may not use the microphone. Please ask the proctor.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'No microphone was found. Please connect the station headset.';
  if (name === 'NotReadableError') return 'The microphone is in use by another program or not working.';
  return cause instanceof Error ? cause.message : 'The microphone could not be opened.';
}
