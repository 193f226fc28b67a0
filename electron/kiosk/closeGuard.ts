/** The ways a window or the app can be asked to go away. */
export type CloseAttempt =
  /** The window's close button, Alt+F4, Cmd+W. */
  | 'close'
  /** The app's quit: Cmd+Q, the dock's Quit, `app.quit()`. */
  | 'quit'
  | 'minimize'
  /** The OS session ending (log-off, shutdown): macOS asks apps to quit, Windows asks first. */
  | 'session-end';

/**
 * Whether the station lets itself be closed. In kiosk mode nothing closes, quits, minimises or
 * lets the OS session end until the proctor's PIN unlocks it (proctor:unlock → `quit` or `exit`);
 * outside kiosk mode everything is allowed.
 */
export class KioskCloseGuard {
  private kiosk: boolean;
  private quitUnlocked = false;

  constructor(kiosk: boolean) {
    this.kiosk = kiosk;
  }

  get inKiosk(): boolean {
    return this.kiosk;
  }

  decide(attempt: CloseAttempt): 'allow' | 'refuse' {
    void attempt; // every kind is refused alike; the kind is for the host's log
    return !this.kiosk || this.quitUnlocked ? 'allow' : 'refuse';
  }

  /** The proctor's PIN, action `quit`: the next quit (and the window's close) goes through. */
  unlockQuit(): void {
    this.quitUnlocked = true;
  }

  /** The proctor's PIN, action `exit`: the station leaves kiosk mode for the rest of this run. */
  leaveKiosk(): void {
    this.kiosk = false;
  }
}
