import type { StationConfig } from '@interview-station/contracts';
import type { Logger } from '../log';
import { decideOffer, updaterSettings, type UpdaterSettings } from './updatePolicy';

/** What the feed offers: the newest version on the configured channel. */
export interface UpdateOffer {
  readonly version: string;
}

/** The updater behind an adapter (electron-updater in the app). */
export interface Updater {
  configure(settings: Extract<UpdaterSettings, { enabled: true }>): void;
  /** Reads the feed; null when it offers nothing (or the updater is inactive). */
  check(): Promise<UpdateOffer | null>;
  /** Downloads the offer of the last check; rejects when cancelled. */
  download(): Promise<void>;
  cancelDownload(): void;
}

export type UpdateState =
  | 'off'
  | 'idle'
  | 'checking'
  | 'deferred'
  | 'up-to-date'
  | 'refused'
  | 'downloading'
  | 'downloaded'
  | 'failed';

export interface UpdateControllerDeps {
  readonly updates: StationConfig['updates'];
  readonly currentVersion: string;
  /** Created only when updates are on, so `"off"` never touches the updater or the network. */
  readonly createUpdater: () => Updater;
  readonly log: Logger;
  /** How often to look at the feed while the station runs (default 4 h). */
  readonly checkEveryMs?: number;
  readonly timers?: { setInterval(fn: () => void, ms: number): unknown; clearInterval(handle: unknown): void };
}

/**
 * Controlled updates: the managed configuration pins the channel or turns updates off; nothing is
 * checked or downloaded while an interview runs (a download in progress is cancelled when one
 * starts, and resumed by a check when it ends); an older version is never taken.
 */
export class UpdateController {
  private state: UpdateState;
  private updater: Updater | undefined;
  private interview = false;
  private pending = false;
  private interval: unknown;
  private running: Promise<UpdateState> | undefined;

  constructor(private readonly deps: UpdateControllerDeps) {
    this.state = deps.updates === 'off' ? 'off' : 'idle';
  }

  status(): UpdateState {
    return this.state;
  }

  /** Checks now and then every `checkEveryMs`. */
  start(): void {
    const settings = updaterSettings(this.deps.updates);
    if (!settings.enabled) {
      this.deps.log.info('automatic updates are off', { reason: settings.reason });
      return;
    }
    this.updater = this.deps.createUpdater();
    this.updater.configure(settings);
    this.deps.log.info('automatic updates on', { channel: settings.channel, feed: settings.feedUrl, version: this.deps.currentVersion });
    const timers = this.deps.timers ?? { setInterval: (fn, ms) => setInterval(fn, ms).unref(), clearInterval: (h) => clearInterval(h as NodeJS.Timeout) };
    this.interval = timers.setInterval(() => void this.checkNow(), this.deps.checkEveryMs ?? 4 * 3600_000);
    void this.checkNow();
  }

  /** Called when an interview starts and when the last one ends. */
  interviewActive(active: boolean): void {
    this.interview = active;
    if (active && this.state === 'downloading') {
      this.deps.log.info('interview started: update download cancelled until it ends');
      this.pending = true;
      this.updater?.cancelDownload();
    }
    if (!active && this.pending) void this.checkNow();
  }

  /** One check (and download, when allowed); concurrent calls share the run in progress. */
  checkNow(): Promise<UpdateState> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(): Promise<UpdateState> {
    const updater = this.updater;
    if (this.deps.updates === 'off' || !updater) return this.state;
    const channel = this.deps.updates.channel;
    if (this.interview) return this.defer();
    this.pending = false;
    this.state = 'checking';
    try {
      const offer = await updater.check();
      if (!offer) return (this.state = 'up-to-date');
      const decision = decideOffer(this.deps.currentVersion, offer.version, channel);
      if (decision.action === 'ignore') {
        if (decision.reason === 'same-version') return (this.state = 'up-to-date');
        this.deps.log.warn('update offer refused', { offered: offer.version, current: this.deps.currentVersion, reason: decision.reason });
        return (this.state = 'refused');
      }
      if (this.interview) return this.defer();
      this.state = 'downloading';
      this.deps.log.info('downloading update', { version: offer.version });
      await updater.download();
      if (this.interview) return this.defer();
      this.deps.log.info('update downloaded; it installs when the station next quits', { version: offer.version });
      return (this.state = 'downloaded');
    } catch (error) {
      if (this.pending) return this.defer();
      this.deps.log.error('update check failed', { error });
      return (this.state = 'failed');
    }
  }

  private defer(): UpdateState {
    this.pending = true;
    return (this.state = 'deferred');
  }

  dispose(): void {
    if (this.interval !== undefined) (this.deps.timers ?? { clearInterval: (h: unknown) => clearInterval(h as NodeJS.Timeout) }).clearInterval(this.interval);
    this.updater?.cancelDownload();
  }
}
