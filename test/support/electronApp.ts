import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { findElectronBinary } from '../../scripts/electronBinary.mjs';
import { ROOT } from './paths';

/**
 * The Electron suite's launcher. Where the Electron binary is missing (machines without internet
 * cannot download it) every test of the suite is skipped, and says why in its name:
 * "skipped: Electron binary not installed".
 */
const binary = findElectronBinary();
export const electronPath = 'path' in binary ? binary.path : undefined;
export const ELECTRON_SKIP = electronPath ? undefined : 'skipped: Electron binary not installed';
if (ELECTRON_SKIP && 'missing' in binary) process.stdout.write(`\n[electron suite] ${ELECTRON_SKIP} (${binary.missing})\n`);

/** A test's name, with the skip reason when the suite cannot run here. */
export const named = (title: string): string => (ELECTRON_SKIP ? `${title} (${ELECTRON_SKIP})` : title);

export interface LaunchedStation {
  readonly app: ElectronApplication;
  readonly window: Page;
  readonly dataDir: string;
  /** Launches again over the same data folder and policy, as after a restart. */
  restart(): Promise<LaunchedStation>;
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** The policy file's content (the station reads it as IT's policy.json). */
  readonly policy?: Record<string, unknown>;
  /** STATION_* variables and the like. */
  readonly env?: Record<string, string>;
  /** Reuse a data folder (a restart). */
  readonly dataDir?: string;
}

/**
 * Starts the built app (out/main/main.js) in Electron with its own data folder and policy file
 * (STATION_DATA_DIR, STATION_POLICY_FILE: honoured by development builds only), a fake microphone
 * and camera-less media permission prompt, and waits for its window.
 */
export async function launchStation(options: LaunchOptions = {}): Promise<LaunchedStation> {
  if (!electronPath) throw new Error(ELECTRON_SKIP);
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'station-electron-'));
  const policyFile = path.join(dataDir, 'policy.json');
  writeFileSync(policyFile, JSON.stringify(options.policy ?? {}));
  const app = await electron.launch({
    executablePath: electronPath,
    args: [ROOT, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--no-sandbox'],
    env: { ...process.env, CI: 'true', STATION_DATA_DIR: dataDir, STATION_POLICY_FILE: policyFile, ...options.env },
  });
  const window = await app.firstWindow();
  await window.waitForLoadState('domcontentloaded');
  return {
    app,
    window,
    dataDir,
    restart: () => launchStation({ ...options, dataDir }),
    close: async () => {
      await app.close().catch(() => undefined);
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
