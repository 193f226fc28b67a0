import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { HttpExecutor, configureRequestOptions, configureRequestUrl, type DownloadOptions } from 'builder-util-runtime';
import { AppImageUpdater } from 'electron-updater';
import type { AppAdapter } from 'electron-updater/out/AppAdapter';

/**
 * electron-updater in plain Node, for tests: its own AppImage updater with an app adapter and an
 * HTTP executor that use Node instead of Electron's `app` and `net`. Everything else (feed files,
 * channels, version comparison, download, sha512 check) is electron-updater's own code.
 */
class NodeHttpExecutor extends HttpExecutor<http.ClientRequest> {
  createRequest(options: http.RequestOptions, callback: (response: http.IncomingMessage) => void): http.ClientRequest {
    return http.request(options, callback);
  }

  download(url: URL, destination: string, options: DownloadOptions): Promise<string> {
    return options.cancellationToken.createPromise((resolve, reject, onCancel) => {
      const requestOptions: http.RequestOptions = { headers: options.headers ?? undefined };
      configureRequestUrl(url, requestOptions);
      configureRequestOptions(requestOptions);
      this.doDownload(
        requestOptions,
        { destination, options, onCancel, callback: (error) => (error ? reject(error) : resolve(destination)), responseHandler: null },
        0,
      );
    });
  }
}

export function nodeAppImageUpdater(app: { version: string; dataDir: string; cacheDir: string }): AppImageUpdater {
  // What electron-builder writes into resources/ from electron-builder.yml's `publish` (the feed URL
  // in it is replaced by the policy's; the cache folder name is what electron-updater reads from it).
  mkdirSync(app.dataDir, { recursive: true });
  writeFileSync(`${app.dataDir}/app-update.yml`, 'provider: generic\nurl: https://updates.invalid/\nupdaterCacheDirName: interview-station-updater\n');
  const adapter: AppAdapter = {
    version: app.version,
    name: 'interview-station',
    isPackaged: true,
    appUpdateConfigPath: `${app.dataDir}/app-update.yml`,
    userDataPath: app.dataDir,
    baseCachePath: app.cacheDir,
    whenReady: () => Promise.resolve(),
    relaunch: () => undefined,
    quit: () => undefined,
    onQuit: () => undefined,
  };
  const updater = new AppImageUpdater(null, adapter);
  updater.forceDevUpdateConfig = true; // it is not running from an AppImage
  updater.disableDifferentialDownload = true;
  (updater as unknown as { httpExecutor: NodeHttpExecutor }).httpExecutor = new NodeHttpExecutor();
  return updater;
}
