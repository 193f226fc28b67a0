/**
 * A STAND-IN for `navigator.mediaDevices` and its tracks, for unit tests only: Chromium's fake
 * microphones cannot be unplugged, so these model what a browser does when one is. Unplugging
 * removes the device from `enumerateDevices`, ends its live tracks at the source (`readyState`
 * becomes `ended` and `ended` fires) and fires `devicechange`; `track.stop()` ends a track without
 * the event, as in browsers.
 */

export interface StandInDevice {
  readonly deviceId: string;
  readonly label: string;
  readonly kind?: MediaDeviceKind;
}

export class StandInTrack extends EventTarget {
  readonly kind = 'audio';
  readyState: MediaStreamTrackState = 'live';
  enabled = true;
  constructor(
    readonly deviceId: string,
    readonly constraints: MediaTrackConstraints,
  ) {
    super();
  }
  getSettings(): MediaTrackSettings {
    return this.readyState === 'live' ? { deviceId: this.deviceId } : {};
  }
  stop(): void {
    this.readyState = 'ended';
  }
  /** The source went away: what a browser does to a track whose device was unplugged. */
  endAtSource(): void {
    if (this.readyState === 'ended') return;
    this.readyState = 'ended';
    this.dispatchEvent(new Event('ended'));
  }
}

function standInStream(track: StandInTrack): MediaStream {
  return { getAudioTracks: () => [track], getTracks: () => [track], id: `stream-${track.deviceId}` } as unknown as MediaStream;
}

export class StandInMediaDevices extends EventTarget {
  readonly tracks: StandInTrack[] = [];
  /** Device ids whose getUserMedia fails (in use by another program, say). */
  readonly unreadable = new Set<string>();
  private devices: StandInDevice[];

  constructor(devices: readonly StandInDevice[]) {
    super();
    this.devices = [...devices];
  }

  async enumerateDevices(): Promise<MediaDeviceInfo[]> {
    return this.devices.map((d) => ({ deviceId: d.deviceId, label: d.label, kind: d.kind ?? 'audioinput', groupId: '', toJSON: () => d })) as MediaDeviceInfo[];
  }

  async getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream> {
    const audio = typeof constraints.audio === 'object' ? constraints.audio : {};
    const wanted = (audio.deviceId as { exact?: string } | undefined)?.exact ?? this.devices.find((d) => (d.kind ?? 'audioinput') === 'audioinput')?.deviceId;
    if (!wanted || !this.devices.some((d) => d.deviceId === wanted)) throw new DOMException('No such microphone', 'OverconstrainedError');
    if (this.unreadable.has(wanted)) throw new DOMException('Could not start audio source', 'NotReadableError');
    const track = new StandInTrack(wanted, audio);
    this.tracks.push(track);
    return standInStream(track);
  }

  /** Unplugs a device: `ended` on its live tracks first, then `devicechange` (either order happens; `endedFirst: false` swaps them). */
  unplug(deviceId: string, { endedFirst = true } = {}): void {
    this.devices = this.devices.filter((d) => d.deviceId !== deviceId);
    const end = () => this.tracks.filter((t) => t.deviceId === deviceId).forEach((t) => t.endAtSource());
    if (endedFirst) end();
    this.dispatchEvent(new Event('devicechange'));
    if (!endedFirst) end();
  }

  plug(device: StandInDevice): void {
    this.devices = [...this.devices, device];
    this.dispatchEvent(new Event('devicechange'));
  }
}
