import { useCallback, useEffect, useRef, useState } from 'react';
import { allowedMics, levelFromTimeDomain, micConstraints, SOUND_HEARD_LEVEL, type MicOption } from './deviceCheck';
import type { MicrophoneChange } from './microphoneFallback';
import { MicrophoneWatch } from './microphoneWatch';
import type { RealtimeCall } from './peerConnection';

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
  /** The microphone in use went away: what the station did about it (null while nothing did). */
  readonly change: MicrophoneChange | null;
  choose(deviceId: string): void;
  setMuted(muted: boolean): void;
}

/** How often the meter re-renders: smooth enough to see, cheap enough for a kiosk. */
const METER_INTERVAL_MS = 100;
const NO_ALLOWED_MICROPHONE = 'No allowed microphone is connected. Please connect the station headset.';

/**
 * The microphone for the whole interview: chosen at the device check (limited to
 * `allowedMicrophones`), metered, then handed to the call; the same stream stays open in the room,
 * so muting is `track.enabled` and a reconnect reuses it. When the device in use goes away the
 * MicrophoneWatch opens another allowed one and the stream is replaced without ever being null
 * (null would close the call; the call swaps its sender's track instead, see useCallMicrophone).
 * Tracks stop when the flow unmounts.
 */
export function useMicrophone(allowed: readonly string[] | null): MicrophoneControls {
  const [deviceId, setDeviceId] = useState<string | null>(null);
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [options, setOptions] = useState<MicOption[]>([]);
  const [level, setLevel] = useState(0);
  const [heardOn, setHeardOn] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [muted, setMutedState] = useState(false);
  const [change, setChange] = useState<MicrophoneChange | null>(null);
  const held = useRef<MediaStream | null>(null);
  const mutedNow = useRef(false);
  const allowedKey = allowed?.join('\n') ?? null;

  /** The stream from now on; the one it replaces is stopped. */
  const adopt = useCallback((next: MediaStream | null) => {
    if (held.current && held.current !== next) stopAll(held.current);
    held.current = next;
    next?.getAudioTracks().forEach((track) => (track.enabled = !mutedNow.current));
    setStream(next);
  }, []);
  useEffect(() => () => adopt(null), [adopt]);

  // Open the chosen device (or the default) and switch to an allowed one if the default is not.
  useEffect(() => {
    if (allowedKey === null) return;
    const allowList = splitAllowed(allowedKey);
    let cancelled = false;
    const open = async () => {
      let opened: MediaStream | null = null;
      try {
        opened = await navigator.mediaDevices.getUserMedia(micConstraints(deviceId));
        const mics = allowedMics(await navigator.mediaDevices.enumerateDevices(), allowList);
        if (cancelled) return stopAll(opened);
        setOptions(mics);
        const current = opened.getAudioTracks()[0]?.getSettings().deviceId ?? null;
        const first = mics[0];
        if (!first) throw new Error(NO_ALLOWED_MICROPHONE);
        if (!mics.some((m) => m.deviceId === current) && deviceId !== first.deviceId) {
          stopAll(opened);
          setDeviceId(first.deviceId);
          return;
        }
        setError(null);
        adopt(opened);
      } catch (cause) {
        if (opened && held.current !== opened) stopAll(opened);
        if (!cancelled) setError(describeMicError(cause));
      }
    };
    void open();
    return () => {
      cancelled = true;
    };
  }, [deviceId, allowedKey, adopt]);

  // The device in use goes away (unplugged): another allowed one, or none until one is connected.
  const watcher = useRef<MicrophoneWatch | null>(null);
  useEffect(() => {
    if (allowedKey === null) return;
    const watch = new MicrophoneWatch({
      mediaDevices: navigator.mediaDevices,
      allowed: splitAllowed(allowedKey),
      adopt,
      onOptions: setOptions,
      onChange: (happened) => {
        setChange(happened);
        setError(happened.kind === 'missing' ? NO_ALLOWED_MICROPHONE : null);
      },
    });
    watch.watch(held.current);
    watcher.current = watch;
    return () => {
      watch.dispose();
      watcher.current = null;
    };
  }, [allowedKey, adopt]);
  useEffect(() => watcher.current?.watch(stream), [stream]);

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

  const setMuted = useCallback(
    (next: boolean) => {
      mutedNow.current = next;
      stream?.getAudioTracks().forEach((track) => (track.enabled = !next));
      setMutedState(next);
    },
    [stream],
  );

  const currentId = stream?.getAudioTracks()[0]?.getSettings().deviceId ?? deviceId;
  return { options, deviceId: currentId, stream, level, soundHeard: heardOn !== null && heardOn === (currentId ?? 'default'), error, muted, change, choose: setDeviceId, setMuted };
}

/**
 * Keeps the running call's microphone current: when the stream is replaced (a fallback), the
 * open call's sender gets the new track (`RTCRtpSender.replaceTrack`: no new call, no renegotiation).
 * Returns what the room calls with each call that opens (a call set up while the stream was being
 * replaced may carry the old track).
 */
export function useCallMicrophone(stream: MediaStream | null): (call: RealtimeCall) => void {
  const call = useRef<RealtimeCall | null>(null);
  const track = stream?.getAudioTracks()[0] ?? null;
  const latest = useRef(track);
  useEffect(() => {
    latest.current = track;
    if (track) void call.current?.replaceAudioTrack(track);
  }, [track]);
  return useCallback((opened: RealtimeCall) => {
    call.current = opened;
    if (latest.current) void opened.replaceAudioTrack(latest.current);
  }, []);
}

function splitAllowed(key: string): string[] {
  return key === '' ? [] : key.split('\n');
}

function stopAll(stream: MediaStream): void {
  stream.getTracks().forEach((track) => track.stop());
}

function describeMicError(cause: unknown): string {
  const name = cause instanceof DOMException ? cause.name : '';
  if (name === 'NotAllowedError') return 'The station may not use the microphone. Please ask the proctor.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'No microphone was found. Please connect the station headset.';
  if (name === 'NotReadableError') return 'The microphone is in use by another program or not working.';
  return cause instanceof Error ? cause.message : 'The microphone could not be opened.';
}
