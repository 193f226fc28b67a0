/**
 * The Electron host: the product. Wires the station's services to a locked-down window over IPC.
 * The web host (webhost/main.ts) wires the same services for development and tests.
 */
import path from 'node:path';
import { app, dialog } from 'electron';
import { appOriginPolicy, originOf } from './ipc/senderPolicy';
import { IpcRouter } from './ipc/router';
import { createLogger } from './log';
import { policyFilePath, userSettingsPath } from './services/config/configFiles';
import { openStation } from './station';
import { electronPlatformInfo } from './adapters/electronPlatform';
import { applyLifecycle } from './adapters/electronLifecycle';
import { electronKeepAwake } from './adapters/electronKeepAwake';
import { electronIsOnline } from './adapters/electronNetwork';
import { electronSafeStorage } from './adapters/electronSafeStorage';
import type { KioskControl } from './services/proctor/proctorService';
import {
  APP_ORIGIN,
  bindIpc,
  createStationWindow,
  denyNavigation,
  forwardEvents,
  lockDownPermissions,
  registerAppScheme,
  serveRenderer,
} from './adapters/electronWindow';

const log = createLogger('main');
const devServerUrl = app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'];
const appOrigin = originOf(devServerUrl) ?? APP_ORIGIN;

registerAppScheme();
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('window-all-closed', () => app.quit());
  void app.whenReady().then(() =>
    start().catch((error: unknown) => {
      // A station that cannot start must say so, not sit behind an invisible window.
      log.error('the station failed to start', { error });
      dialog.showErrorBox('Interview Station cannot start', error instanceof Error ? error.message : String(error));
      app.exit(1);
    }),
  );
}

async function start(): Promise<void> {
  serveRenderer(path.join(__dirname, '../renderer'));
  lockDownPermissions(appOrigin);
  denyNavigation();

  const dataDir = app.getPath('userData');
  const window = createStationWindow(path.join(__dirname, '../preload/index.js'), !app.isPackaged);
  // The kiosk control exists once the station knows its configuration.
  let kiosk: KioskControl = { exitKiosk: () => undefined, quit: () => app.quit() };
  const station = await openStation({
    platform: electronPlatformInfo(),
    log,
    dataDir,
    cipher: electronSafeStorage(),
    isOnline: electronIsOnline,
    keepAwake: electronKeepAwake(),
    kiosk: { exitKiosk: () => kiosk.exitKiosk(), quit: () => kiosk.quit() },
    configSources: {
      policyFile: policyFilePath(process.platform, process.env),
      userFile: userSettingsPath(dataDir),
      // Development builds only: packaged stations take their configuration from files IT controls.
      env: app.isPackaged ? undefined : process.env,
    },
  });
  kiosk = applyLifecycle(window, station.config, log.child('lifecycle'));
  bindIpc(new IpcRouter(station.handlers, appOriginPolicy(appOrigin), log.child('ipc')), window);
  forwardEvents(station.events, window);
  window.once('ready-to-show', () => window.show());
  app.on('before-quit', () => void station.dispose());

  await window.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);
}
