import { StationFailure, type IpcOutput, type IpcParsedInput } from '@interview-station/contracts';
import type { Logger } from '../../log';
import type { LockoutStore } from './lockoutFile';
import { verifyPin } from './pin';

/** What a successful unlock does; the host decides what leaving kiosk mode or quitting means. */
export interface KioskControl {
  exitKiosk(): void;
  quit(): void;
}

export interface ProctorServiceDeps {
  /** From the managed configuration; without it nothing unlocks. */
  readonly pinHash: string | undefined;
  readonly kiosk: KioskControl;
  readonly log: Logger;
  readonly now?: () => number;
  /** Where wrong PINs and lockouts are kept across restarts; in memory only without it. */
  readonly lockout?: LockoutStore;
}

/** Wrong PINs allowed before a lockout, and how long the first lockout lasts (doubling after). */
export const MAX_ATTEMPTS = 5;
export const LOCKOUT_MS = 60_000;

/**
 * `proctor:unlock`: the proctor's PIN lets them leave kiosk mode or quit. Wrong PINs are counted;
 * after MAX_ATTEMPTS the station refuses every attempt for a lockout that doubles each time.
 */
export class ProctorService {
  private failures = 0;
  private lockouts = 0;
  private lockedUntil = 0;
  /** Attempts run one at a time, so parallel guesses cannot all pass the lockout check first. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: ProctorServiceDeps) {
    const saved = deps.lockout?.load();
    if (saved) ({ failures: this.failures, lockouts: this.lockouts, lockedUntil: this.lockedUntil } = saved);
  }

  private persist(): void {
    this.deps.lockout?.save({ failures: this.failures, lockouts: this.lockouts, lockedUntil: this.lockedUntil });
  }

  unlock(input: IpcParsedInput<'proctor:unlock'>): Promise<IpcOutput<'proctor:unlock'>> {
    const attempt = this.queue.then(() => this.attempt(input));
    this.queue = attempt.catch(() => undefined);
    return attempt;
  }

  private async attempt(input: IpcParsedInput<'proctor:unlock'>): Promise<IpcOutput<'proctor:unlock'>> {
    const now = (this.deps.now ?? Date.now)();
    if (now < this.lockedUntil) {
      const seconds = Math.ceil((this.lockedUntil - now) / 1000);
      throw StationFailure.of('RATE_LIMITED', `Too many wrong PINs. Try again in ${seconds} s.`);
    }
    if (!this.deps.pinHash) throw StationFailure.of('CONFIGURATION_INVALID', 'No proctor PIN is configured for this station.');
    if (!(await verifyPin(input.pin, this.deps.pinHash))) {
      this.failures++;
      this.deps.log.warn('wrong proctor PIN', { failures: this.failures });
      if (this.failures >= MAX_ATTEMPTS) {
        this.failures = 0;
        this.lockedUntil = now + LOCKOUT_MS * 2 ** Math.min(this.lockouts++, 16);
        this.persist();
        throw StationFailure.of('RATE_LIMITED', `Too many wrong PINs. Try again in ${Math.ceil((this.lockedUntil - now) / 1000)} s.`);
      }
      this.persist();
      throw StationFailure.of('PROCTOR_PIN_INVALID', `Wrong PIN. ${MAX_ATTEMPTS - this.failures} attempts left.`, 'pin');
    }
    this.failures = 0;
    this.lockouts = 0;
    this.lockedUntil = 0;
    this.persist();
    this.deps.log.info('proctor unlocked the station', { action: input.action });
    if (input.action === 'quit') this.deps.kiosk.quit();
    else this.deps.kiosk.exitKiosk();
    return { unlocked: true };
  }
}
