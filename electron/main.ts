/**
 * The Electron host: the product. Wires the station's services to a locked-down window over IPC.
 * The web host (webhost/main.ts) wires the same services for development and tests.
 */
import path from 'node:path';
import { app, dialog } from 'electron';
import { appOriginPolicy, originOf } from './ipc/senderPolicy';
import { IpcRouter } from './ipc/router';
import { createLogger, stderrSink, tee } from './log';
import { fileSink } from './logFile';
import { realtimeConnectSources } from './security/csp';
import { KioskCloseGuard } from './kiosk/closeGuard';
import { withDisplayPolicy } from './kiosk/displayPolicy';
import { UpdateController } from './updates/updateController';
import { electronUpdater } from './adapters/electronUpdater';
import { electronDisplayCount } from './adapters/electronDisplays';
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

// Development builds only (the Electron suite): a data folder and policy file of the test's own.
// A packaged station uses the OS's places alone.
const devDataDir = app.isPackaged ? undefined : process.env['STATION_DATA_DIR'];
const devPolicyFile = app.isPackaged ? undefined : process.env['STATION_POLICY_FILE'];
if (devDataDir) app.setPath('userData', devDataDir);

/** The file log in the OS's usual place (see docs/deployment.md); stderr too, for development. */
function logSink(): (line: string) => void {
  try {
    return tee(stderrSink, fileSink({ dir: app.getPath('logs') }));
  } catch (error) {
    process.stderr.write(`file log unavailable: ${error instanceof Error ? error.message : String(error)}\n`);
    return stderrSink;
  }
}

const log = createLogger('main', logSink());
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
  lockDownPermissions(appOrigin);
  denyNavigation();

  const dataDir = app.getPath('userData');
  const window = createStationWindow(path.join(__dirname, '../preload/index.js'), !app.isPackaged);
  const keepAwake = electronKeepAwake();
  // The kiosk control and the updater exist once the station knows its configuration.
  let kiosk: KioskControl = { exitKiosk: () => undefined, quit: () => app.quit() };
  let updates: UpdateController | undefined;
  const station = await openStation({
    platform: electronPlatformInfo(),
    log,
    dataDir,
    cipher: electronSafeStorage(),
    isOnline: electronIsOnline,
    keepAwake: (active) => {
      keepAwake(active);
      updates?.interviewActive(active);
    },
    kiosk: { exitKiosk: () => kiosk.exitKiosk(), quit: () => kiosk.quit() },
    configSources: {
      policyFile: devPolicyFile ?? policyFilePath(process.platform, process.env),
      userFile: userSettingsPath(dataDir),
      // Development builds only: packaged stations take their configuration from files IT controls.
      env: app.isPackaged ? undefined : process.env,
    },
  });
  const config = station.config;
  // The CSP admits the configured Realtime origin in direct mode, so it waits for the configuration.
  serveRenderer(path.join(__dirname, '../renderer'), realtimeConnectSources(config));
  log.setLevel(config?.logLevel ?? 'info');
  if (config?.supabaseAnonKey) log.addSecret(config.supabaseAnonKey);
  const guard = new KioskCloseGuard(config?.kiosk ?? false);
  kiosk = applyLifecycle(window, config, guard, log.child('lifecycle'), () => {
    updates?.dispose();
    void station.dispose();
  });
  const handlers = config ? withDisplayPolicy(station.handlers, electronDisplayCount, config.maxDisplays) : station.handlers;
  const router = new IpcRouter(handlers, appOriginPolicy(appOrigin), log.child('ipc'));
  bindIpc(router, window);
  setImmediate(() => router.primeValidation());
  forwardEvents(station.events, window);
  window.once('ready-to-show', () => window.show());

  if (config) {
    updates = new UpdateController({
      updates: config.updates,
      currentVersion: app.getVersion(),
      createUpdater: () => electronUpdater(log.child('updater')),
      log: log.child('updates'),
    });
    updates.start();
  }

  await window.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);
}
