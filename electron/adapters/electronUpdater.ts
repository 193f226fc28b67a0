import { autoUpdater } from 'electron-updater';
import type { Logger } from '../log';
import { appUpdaterPort } from '../updates/appUpdaterPort';
import type { Updater } from '../updates/updateController';

/**
 * electron-updater's updater for this OS (NSIS on Windows, zip/Squirrel.Mac on macOS, AppImage or
 * deb on Linux). Touched only when the managed configuration turns updates on.
 */
export function electronUpdater(log: Logger): Updater {
  return appUpdaterPort(autoUpdater, log);
}
