// Runs squawk, the migration linter, at the version pinned in package.json ("config.squawk").
// It is not an npm dependency: the registry these machines reach lacks its non-Linux binary
// packages, so a lockfile holding it makes `npm ci` fail; npx fetches the pinned version for the
// platform at hand (bootstrap fetches it once, so linting needs no network later).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pinned = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).config.squawk;
const result = spawnSync('npx', ['--yes', pinned, ...process.argv.slice(2)], { cwd: process.cwd(), stdio: 'inherit' });
process.exit(result.status ?? 1);
