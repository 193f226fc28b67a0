import { CancellationToken, type AppUpdater } from 'electron-updater';
import type { Logger } from '../log';
import type { Updater } from './updateController';

/**
 * electron-updater's AppUpdater as the station's Updater. Plain Node: the Electron adapter passes
 * `autoUpdater`, the feed test an updater built on a Node app adapter.
 */
export function appUpdaterPort(updater: AppUpdater, log: Logger): Updater {
  let cancel: CancellationToken | undefined;
  updater.logger = {
    info: (message?: unknown) => log.debug(String(message)),
    warn: (message?: unknown) => log.warn(String(message)),
    error: (message?: unknown) => log.error(String(message)),
    debug: (message: string) => log.debug(message),
  };
  return {
    configure(settings) {
      updater.setFeedURL({ provider: 'generic', url: settings.feedUrl, channel: settings.channel });
      updater.channel = settings.channel;
      // Setting a channel turns downgrades on in electron-updater; the station never allows them.
      updater.allowDowngrade = settings.allowDowngrade;
      updater.allowPrerelease = settings.allowPrerelease;
      updater.autoDownload = settings.autoDownload;
      updater.autoInstallOnAppQuit = settings.autoInstallOnAppQuit;
    },
    async check() {
      const result = await updater.checkForUpdates();
      if (!result?.isUpdateAvailable) return null;
      return { version: result.updateInfo.version };
    },
    async download() {
      cancel = new CancellationToken();
      try {
        await updater.downloadUpdate(cancel);
      } finally {
        cancel = undefined;
      }
    },
    cancelDownload() {
      cancel?.cancel();
    },
  };
}
