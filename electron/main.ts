/**
 * The Electron host: the product. Wires the station's services to a locked-down window over IPC.
 * The web host (webhost/main.ts) wires the same services for development and tests.
 */
import path from 'node:path';
import { app } from 'electron';
import { StationConfigSchema } from '@interview-station/contracts';
import { appOriginPolicy, originOf } from './ipc/senderPolicy';
import { IpcRouter } from './ipc/router';
import { createLogger } from './log';
import { createStation } from './station';
import { electronPlatformInfo } from './adapters/electronPlatform';
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
  void app.whenReady().then(start);
}

async function start(): Promise<void> {
  serveRenderer(path.join(__dirname, '../renderer'));
  lockDownPermissions(appOrigin);
  denyNavigation();

  const station = createStation({
    platform: electronPlatformInfo(),
    config: StationConfigSchema.parse({}),
    log,
    dataDir: app.getPath('userData'),
  });
  const window = createStationWindow(path.join(__dirname, '../preload/index.js'), !app.isPackaged);
  bindIpc(new IpcRouter(station.handlers, appOriginPolicy(appOrigin), log.child('ipc')), window);
  forwardEvents(station.events, window);
  window.once('ready-to-show', () => window.show());
  app.on('before-quit', () => void station.dispose());

  await window.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);
}
