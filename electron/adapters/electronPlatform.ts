import { app } from 'electron';
import type { PlatformInfo } from '../services/platformInfo';

/** PlatformInfo from Electron's `app`. */
export function electronPlatformInfo(): PlatformInfo {
  return {
    appInfo: () => ({
      name: app.getName(),
      version: app.getVersion(),
      host: 'electron',
      platform: process.platform,
      arch: process.arch,
      versions: { node: process.versions.node, electron: process.versions.electron, chrome: process.versions.chrome },
    }),
  };
}
