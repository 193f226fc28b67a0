import { allowedMics, micConstraints, type MicOption } from './deviceCheck';
import { nextMicrophone, type MicrophoneChange } from './microphoneFallback';

/** The parts of `navigator.mediaDevices` the watch uses (tests pass a stand-in). */
export type MediaDevicesLike = Pick<MediaDevices, 'getUserMedia' | 'enumerateDevices' | 'addEventListener' | 'removeEventListener'>;

export interface MicrophoneWatchDeps {
  readonly mediaDevices: MediaDevicesLike;
  /** `allowedMicrophones` from the managed configuration (empty: any). */
  readonly allowed: readonly string[];
  /** A replacement stream is open: use it from now on (the caller stops the old one). */
  adopt(stream: MediaStream): void;
  onChange(change: MicrophoneChange): void;
  /** The allowed microphones listed now (for the device check's picker). */
  onOptions(options: MicOption[]): void;
}

/**
 * Keeps the interview's microphone when one goes away: the watched track's `ended` (the source
 * ended: unplugged, or the system took it; `track.stop()` does not fire it) and `devicechange`
 * both lead to `nextMicrophone`, and a replacement is opened with the same constraints and handed
 * to `adopt`, so the running call only swaps its sender's track. With none left it reports
 * `missing` and takes the next allowed microphone that is connected. Decisions run one at a time.
 */
export class MicrophoneWatch {
  private track: MediaStreamTrack | null = null;
  private trackDevice: string | null = null;
  private missing = false;
  private queue: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(private readonly deps: MicrophoneWatchDeps) {
    deps.mediaDevices.addEventListener('devicechange', this.onDeviceChange);
  }

  /** The stream in use now: its audio track is the one watched. */
  watch(stream: MediaStream | null): void {
    this.track?.removeEventListener('ended', this.onEnded);
    this.track = stream?.getAudioTracks()[0] ?? null;
    // Read now: an ended track may no longer report its device.
    this.trackDevice = this.track?.getSettings().deviceId ?? null;
    this.track?.addEventListener('ended', this.onEnded);
  }

  /** Resolves when every decision asked for so far has been acted on (for tests and teardown). */
  settled(): Promise<void> {
    return this.queue;
  }

  dispose(): void {
    this.disposed = true;
    this.watch(null);
    this.deps.mediaDevices.removeEventListener('devicechange', this.onDeviceChange);
  }

  private readonly onEnded = () => this.reconsider(this.trackDevice === null ? [] : [this.trackDevice]);
  private readonly onDeviceChange = () => this.reconsider([]);

  private reconsider(lost: readonly string[]): void {
    this.queue = this.queue.then(() => this.decide([...lost])).catch(() => undefined);
  }

  private async decide(exclude: string[]): Promise<void> {
    if (this.disposed) return;
    const devices = await this.deps.mediaDevices.enumerateDevices();
    if (this.disposed) return;
    this.deps.onOptions(allowedMics(devices, this.deps.allowed));
    const live = this.track?.readyState === 'live' ? this.trackDevice : null;
    const next = nextMicrophone({ devices, allowed: this.deps.allowed, inUse: live, exclude });
    if (next.kind === 'keep') return;
    if (next.kind === 'none') {
      // The ended track sends nothing: the call stays up and waits for a microphone.
      if (!this.missing) this.deps.onChange({ kind: 'missing' });
      this.missing = true;
      return;
    }
    let stream: MediaStream;
    try {
      stream = await this.deps.mediaDevices.getUserMedia(micConstraints(next.to.deviceId));
    } catch {
      // That one would not open (gone meanwhile, or in use elsewhere): the next one, if any.
      return this.decide([...exclude, next.to.deviceId]);
    }
    if (this.disposed) return stream.getTracks().forEach((track) => track.stop());
    this.deps.adopt(stream);
    this.watch(stream);
    this.deps.onChange(this.missing ? { kind: 'resumed', label: next.to.label } : { kind: 'switched', label: next.to.label });
    this.missing = false;
  }
}
