import { app, BrowserWindow, ipcMain, protocol, session, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { IPC_CHANNELS } from '@interview-station/contracts';
import type { IpcRouter } from '../ipc/router';
import type { IpcSender } from '../ipc/senderPolicy';
import { contentSecurityPolicy, rendererHeaders } from '../security/csp';
import { isPermissionGranted } from '../security/permissions';
import { readStaticAsset } from '../security/staticAssets';
import type { StationEvents } from '../events';

/** The scheme the packaged renderer is served from; its origin is the only one the station trusts. */
export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://station`;

/** Must run before `app` is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);
}

/** Serves the built renderer on `app://station/` with the CSP as a real header (`connectSrc`: the Realtime origin in direct mode). */
export function serveRenderer(rendererDir: string, connectSrc: readonly string[] = []): void {
  const csp = contentSecurityPolicy(connectSrc);
  protocol.handle(APP_SCHEME, async (request) => {
    const asset = await readStaticAsset(rendererDir, new URL(request.url).pathname);
    if (!asset) return new Response('Not found', { status: 404 });
    return new Response(new Uint8Array(asset.body), { headers: rendererHeaders(asset.contentType, csp) });
  });
}

/** Microphone for the app's own origin only; every other permission denied. */
export function lockDownPermissions(appOrigin: string): void {
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes ?? []) : undefined;
    callback(isPermissionGranted(permission, details.requestingUrl, appOrigin, mediaTypes));
  });
  session.defaultSession.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    isPermissionGranted(permission, requestingOrigin, appOrigin, 'mediaType' in details && details.mediaType ? [details.mediaType] : undefined),
  );
}

/** No navigation, no new windows, no webviews, for every web contents the app ever creates. */
export function denyNavigation(): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

export function createStationWindow(preloadPath: string, devTools: boolean): BrowserWindow {
  return new BrowserWindow({
    width: 1280,
    height: 800,
    show: false,
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      devTools,
    },
  });
}

function senderOf(event: IpcMainInvokeEvent, window: BrowserWindow): IpcSender {
  const frame = event.senderFrame;
  return {
    url: frame?.url,
    isMainFrame: frame !== null && event.sender === window.webContents && frame === window.webContents.mainFrame,
  };
}

/** Registers one `ipcMain.handle` per contract channel, all through the router. */
export function bindIpc(router: IpcRouter, window: BrowserWindow): void {
  for (const channel of IPC_CHANNELS) {
    ipcMain.handle(channel, (event, input: unknown) => router.dispatch(channel, input, senderOf(event, window)));
  }
}

/** Forwards station events to the window. */
export function forwardEvents(events: StationEvents, window: BrowserWindow): () => void {
  return events.subscribe((event, payload) => {
    if (!window.isDestroyed()) window.webContents.send(event, payload);
  });
}
