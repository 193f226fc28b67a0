import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The marker @electron/fuses looks for in an Electron binary, followed by the fuse wire. */
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/**
 * Electron's default fuse states, in wire order ('1' on, '0' off): runAsNode, cookie encryption,
 * NODE_OPTIONS, --inspect arguments, asar integrity, only-load-from-asar, browser V8 snapshot,
 * file:// privileges.
 */
const DEFAULT_FUSE_WIRE = '10110001';

/**
 * A stand-in Electron distribution for packaging where the real binary cannot be downloaded:
 * an `electron` executable that refuses to run, carrying a fuse wire so electron-builder's
 * fuse flipping can be exercised and read back. Named as a stand-in: it is not Electron.
 */
export function writeStandInElectronDist(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const executable = path.join(dir, 'electron');
  const wire = `${FUSE_SENTINEL}\x01${String.fromCharCode(DEFAULT_FUSE_WIRE.length)}${DEFAULT_FUSE_WIRE}`;
  writeFileSync(executable, `#!/bin/sh\n# stand-in Electron for packaging tests, not a real binary\n# ${wire}\necho "stand-in Electron" >&2\nexit 1\n`, 'latin1');
  chmodSync(executable, 0o755);
  writeFileSync(path.join(dir, 'version'), '41.10.0');
  return dir;
}
