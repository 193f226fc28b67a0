// `npm start`: builds the station, then runs it as the Electron app where the Electron binary is
// installed, or through the web host where it is not (saying so, and printing the URL to open).
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary } from './electronBinary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

const build = spawnSync(bin('electron-vite'), ['build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const electron = findElectronBinary();
const child =
  'path' in electron
    ? spawn(electron.path, ['.'], { cwd: root, stdio: 'inherit' })
    : (() => {
        console.log(`\nElectron is not used: ${electron.missing}`);
        console.log('Serving the same station through the web host instead; open the URL below in Chromium.');
        console.log('(To run the Electron app, install its binary: see "Using a real Electron binary" in README.md.)\n');
        return spawn(process.execPath, [path.join(root, 'out/main/webhost.js'), ...process.argv.slice(2)], {
          cwd: root,
          stdio: 'inherit',
        });
      })();

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
