/**
 * The chaos test's station process: the same composition as the web host (electron/webhost/main.ts
 * — `createStation`, the IPC router with the app-origin policy, the web host's WebSocket bridge),
 * started in a process the test can SIGKILL. Two differences, both for the test:
 * - Secrets go to safeStorage-encrypted files (the product's fallback when the OS vault is absent)
 *   with a stand-in cipher whose key the test passes in, so a sign-in survives a kill as it does in
 *   the Electron app; the web host keeps sign-ins in memory only.
 * - It loads its code first and opens the station only when told `go` on stdin, so the test can
 *   load the next process while the current one runs; nothing touches the data folder before `go`.
 *
 *   node stationChild.js <dataDir> <policyFile> <rendererDir>   (CHAOS_SECRET_KEY: 64 hex digits)
 */
import path from 'node:path';
import { createInterface } from 'node:readline';
import { IpcRouter } from '../../electron/ipc/router';
import { appOriginPolicy } from '../../electron/ipc/senderPolicy';
import { createLogger } from '../../electron/log';
import { userSettingsPath } from '../../electron/services/config/configFiles';
import { loadStationConfig } from '../../electron/services/config/loadConfig';
import { EncryptedFileSecretStore } from '../../electron/services/secrets/encryptedFileSecretStore';
import { standInSafeStorage } from '../../electron/services/secrets/testCipher';
import { createStation } from '../../electron/station';
import { startWebHost } from '../../electron/webhost/server';

async function open(dataDir: string, policyFile: string, rendererDir: string): Promise<void> {
  const log = createLogger('chaos-station', undefined, 'warn');
  const config = await loadStationConfig({ policyFile, userFile: userSettingsPath(dataDir), env: process.env });
  if (!config.ok) throw new Error(`configuration invalid: ${config.error.message}`);
  const key = Buffer.from(process.env['CHAOS_SECRET_KEY'] ?? '', 'hex');
  if (key.length !== 32) throw new Error('CHAOS_SECRET_KEY must be 64 hex digits');
  const station = await createStation({
    platform: {
      appInfo: () => ({ name: 'Interview Station', version: '0.0.0-chaos', host: 'web', platform: process.platform, arch: process.arch, versions: { node: process.versions.node } }),
    },
    log,
    dataDir,
    config: config.value,
    secrets: new EncryptedFileSecretStore(path.join(dataDir, 'secrets'), standInSafeStorage(key)),
    kiosk: { exitKiosk: () => undefined, quit: () => process.exit(0) },
  });
  const host = await startWebHost({
    rendererDir,
    port: 0,
    events: station.events,
    createRouter: (origin) => new IpcRouter(station.handlers, appOriginPolicy(origin), log.child('ipc')),
    log,
  });
  process.stdout.write(`${JSON.stringify({ webhost: { url: host.url, origin: host.origin } })}\n`);
}

const [dataDir, policyFile, rendererDir] = process.argv.slice(2);
if (!dataDir || !policyFile || !rendererDir) throw new Error('usage: stationChild <dataDir> <policyFile> <rendererDir>');
process.stdout.write('loaded\n');
const lines = createInterface({ input: process.stdin });
lines.once('line', () => {
  open(dataDir, policyFile, rendererDir).catch((error: unknown) => {
    process.stderr.write(`chaos station failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
});
