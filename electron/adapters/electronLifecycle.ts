import { app, Menu, type BrowserWindow } from 'electron';
import type { StationConfig } from '@interview-station/contracts';
import type { Logger } from '../log';
import type { CloseAttempt, KioskCloseGuard } from '../kiosk/closeGuard';
import type { KioskControl } from '../services/proctor/proctorService';

/** Shortcuts that reload the page or open devtools; a production station ignores them. */
function isReloadOrDevtools(input: Electron.Input): boolean {
  const key = input.key.toLowerCase();
  const mod = input.control || input.meta;
  return key === 'f5' || key === 'f12' || (mod && key === 'r') || (mod && input.shift && (key === 'i' || key === 'j' || key === 'c'));
}

/**
 * Kiosk, close refusal, shortcuts, screen-capture protection, login item and crash recovery for
 * the station window, per configuration. `onQuit` runs once a quit is allowed. Returns the control
 * a proctor unlock uses.
 */
export function applyLifecycle(window: BrowserWindow, config: StationConfig | null, guard: KioskCloseGuard, log: Logger, onQuit: () => void): KioskControl {
  const production = app.isPackaged;
  if (production) Menu.setApplicationMenu(null);
  if (config?.kiosk) {
    window.setKiosk(true);
    window.setFullScreen(true);
    window.setMinimizable(false);
    window.setClosable(false);
  }
  // Keeps the interview out of screenshots and screen sharing (Windows, macOS; no effect on Linux).
  if (production || config?.kiosk) window.setContentProtection(true);
  if (production || config?.kiosk) {
    window.webContents.on('before-input-event', (event, input) => {
      if (isReloadOrDevtools(input)) event.preventDefault();
    });
  }
  if (config && process.platform !== 'linux') app.setLoginItemSettings({ openAtLogin: config.startAtLogin });

  const refused = (attempt: CloseAttempt): boolean => {
    if (guard.decide(attempt) === 'allow') return false;
    log.warn('kiosk: refused without the proctor PIN', { attempt });
    return true;
  };
  // Close button, Alt+F4, Cmd+W.
  window.on('close', (event) => {
    if (refused('close')) event.preventDefault();
  });
  window.on('minimize', () => {
    if (refused('minimize')) window.restore();
  });
  // Windows asks before a log-off or shutdown; refusing keeps the session (the OS shows why).
  window.on('query-session-end', (event) => {
    if (refused('session-end')) event.preventDefault();
  });
  // Cmd+Q, the dock's Quit, macOS log-off: all arrive as a quit.
  let quitting = false;
  app.on('before-quit', (event) => {
    if (refused('quit')) return event.preventDefault();
    if (!quitting) {
      quitting = true;
      onQuit();
    }
  });

  // A crashed renderer is reloaded; the page restores the interview view from the journal
  // (transcript:list), so no word on screen is lost.
  window.webContents.on('render-process-gone', (_event, details) => {
    log.error('renderer process gone; reloading', { reason: details.reason, exitCode: details.exitCode });
    if (details.reason !== 'clean-exit' && !window.isDestroyed()) window.reload();
  });

  return {
    exitKiosk: () => {
      guard.leaveKiosk();
      window.setKiosk(false);
      window.setFullScreen(false);
      window.setMinimizable(true);
      window.setClosable(true);
    },
    quit: () => {
      guard.unlockQuit();
      app.quit();
    },
  };
}
