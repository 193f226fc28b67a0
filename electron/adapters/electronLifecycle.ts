import { app, Menu, type BrowserWindow } from 'electron';
import type { StationConfig } from '@interview-station/contracts';
import type { Logger } from '../log';
import type { KioskControl } from '../services/proctor/proctorService';

/** Shortcuts that reload the page or open devtools; a production station ignores them. */
function isReloadOrDevtools(input: Electron.Input): boolean {
  const key = input.key.toLowerCase();
  const mod = input.control || input.meta;
  return key === 'f5' || key === 'f12' || (mod && key === 'r') || (mod && input.shift && (key === 'i' || key === 'j' || key === 'c'));
}

/**
 * Kiosk, shortcuts, login item and crash recovery for the station window, per configuration.
 * Returns the control a proctor unlock uses.
 */
export function applyLifecycle(window: BrowserWindow, config: StationConfig | null, log: Logger): KioskControl {
  const production = app.isPackaged;
  if (production) Menu.setApplicationMenu(null);
  if (config?.kiosk) {
    window.setKiosk(true);
    window.setFullScreen(true);
  }
  if (production || config?.kiosk) {
    window.webContents.on('before-input-event', (event, input) => {
      if (isReloadOrDevtools(input)) event.preventDefault();
    });
  }
  if (config && process.platform !== 'linux') app.setLoginItemSettings({ openAtLogin: config.startAtLogin });

  // A crashed renderer is reloaded; the page restores the interview view from the journal
  // (transcript:list), so no word on screen is lost.
  window.webContents.on('render-process-gone', (_event, details) => {
    log.error('renderer process gone; reloading', { reason: details.reason, exitCode: details.exitCode });
    if (details.reason !== 'clean-exit' && !window.isDestroyed()) window.reload();
  });

  return {
    exitKiosk: () => {
      window.setKiosk(false);
      window.setFullScreen(false);
    },
    quit: () => app.quit(),
  };
}
