import type { AppInfo } from '@interview-station/contracts';

/**
 * What the host knows about itself. Electron reads it from `app` and `process.versions`; the web
 * host from package.json and Node. Services depend on this interface, never on Electron.
 */
export interface PlatformInfo {
  appInfo(): AppInfo;
}
