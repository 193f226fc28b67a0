// `npm run dist`: builds the station and its installers for the host OS (Windows: NSIS + MSI;
// macOS: dmg + zip; Linux: AppImage + deb) into release/. Needs the Electron binary and internet
// for electron-builder's tools. Signing comes from the environment (scripts/signingPlan.ts).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { signingPlan } from './signingPlan';

const root = path.join(__dirname, '..');
const target = { win32: '--win', darwin: '--mac', linux: '--linux' }[process.platform as 'win32' | 'darwin' | 'linux'];
if (!target) throw new Error(`no installers are built on ${process.platform}`);

const plan = signingPlan(process.platform, process.env);
for (const line of plan.lines) process.stdout.write(`${line}\n`);

const run = (command: string, args: string[]): void => {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
run('npm', ['run', 'build']);
run(path.join(root, 'node_modules', '.bin', 'electron-builder'), [target, '--publish', 'never', ...plan.args]);
for (const line of plan.lines) process.stdout.write(`${line}\n`);
