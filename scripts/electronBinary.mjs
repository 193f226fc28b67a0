// Where the Electron binary is, or why there is none. Shared by `npm start` and the tests.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** @returns {{ path: string } | { missing: string }} */
export function findElectronBinary() {
  try {
    const path = require('electron');
    if (typeof path === 'string' && existsSync(path)) return { path };
    return { missing: `the Electron binary is not at ${String(path)}` };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { missing: `the Electron binary is not installed (electron says: "${detail}")` };
  }
}
