import { readFileSync } from 'node:fs';
import type { PlatformInfo } from '../services/platformInfo';

/** PlatformInfo for the web host, from the app's package.json and Node itself. */
export function nodePlatformInfo(packageJsonPath: string): PlatformInfo {
  const pkg = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { productName?: string; name: string; version: string };
  const name = pkg.productName ?? pkg.name;
  return {
    appInfo: () => ({
      name,
      version: pkg.version,
      host: 'web',
      platform: process.platform,
      arch: process.arch,
      versions: { node: process.versions.node },
    }),
  };
}
