/**
 * The web host: the station's main-process services without Electron, serving the built renderer
 * to a browser over a WebSocket bridge. For development and tests on machines without the
 * Electron binary; never packaged into the app.
 *
 *   node out/main/webhost.js [--port N] [--data-dir DIR] [--policy-file FILE]
 */
import path from 'node:path';
import { IpcRouter } from '../ipc/router';
import { appOriginPolicy } from '../ipc/senderPolicy';
import { createLogger } from '../log';
import { realtimeConnectSources } from '../security/csp';
import { userSettingsPath } from '../services/config/configFiles';
import { standInSafeStorage } from '../services/secrets/testCipher';
import { openStation } from '../station';
import { parseWebHostArgs } from './args';
import { nodePlatformInfo } from './nodePlatform';
import { startWebHost } from './server';

async function main(): Promise<void> {
  const log = createLogger('webhost');
  const args = parseWebHostArgs(process.argv, process.env);
  const root = path.resolve(__dirname, '../..');
  let stop = (): void => undefined;
  const station = await openStation({
    platform: nodePlatformInfo(path.join(root, 'package.json')),
    log,
    dataDir: args.dataDir,
    // A browser tab is never a kiosk; a proctor's "quit" stops the web host.
    kiosk: { exitKiosk: () => log.info('the web host is not a kiosk: nothing to leave'), quit: () => stop() },
    // No Electron safeStorage here. Where the OS vault (keytar) is unavailable, a 32-byte key in
    // STATION_WEBHOST_SECRET_KEY (hex; from the environment, never on disk) encrypts the secret
    // files, so a sign-in and an interview in progress survive a restart of the web host (tests).
    cipher: webHostCipher(process.env['STATION_WEBHOST_SECRET_KEY']),
    // The web host is a development tool: STATION_* variables may override the configuration.
    configSources: { policyFile: args.policyFile, userFile: userSettingsPath(args.dataDir), env: process.env },
  });
  // The managed logLevel applies here as in the Electron host.
  log.setLevel(station.config?.logLevel ?? 'info');
  const host = await startWebHost({
    rendererDir: path.join(root, 'out/renderer'),
    port: args.port,
    events: station.events,
    connectSrc: realtimeConnectSources(station.config),
    createRouter: (origin) => {
      const router = new IpcRouter(station.handlers, appOriginPolicy(origin), log.child('ipc'));
      setImmediate(() => router.primeValidation());
      return router;
    },
    log,
  });
  // One machine-readable line first (tests wait for it), then the one people read.
  process.stdout.write(`${JSON.stringify({ webhost: { url: host.url, origin: host.origin } })}\n`);
  process.stdout.write(`Interview Station (web host) is serving at ${host.url}\n`);

  stop = (): void => {
    void host.close().then(() => station.dispose()).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function webHostCipher(hex: string | undefined): ReturnType<typeof standInSafeStorage> | undefined {
  if (!hex) return undefined;
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error('STATION_WEBHOST_SECRET_KEY must be 64 hex digits (32 bytes)');
  return standInSafeStorage(Buffer.from(hex, 'hex'));
}

main().catch((error: unknown) => {
  process.stderr.write(`web host failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
