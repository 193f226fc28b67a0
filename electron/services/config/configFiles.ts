import path from 'node:path';

/** The folder name IT teams find the policy under. */
const VENDOR_DIR = { win32: 'InterviewStation', darwin: 'InterviewStation', linux: 'interview-station' } as const;

/**
 * The machine-wide policy file at the OS's standard place: `%ProgramData%\InterviewStation\policy.json`,
 * `/Library/Application Support/InterviewStation/policy.json`, `/etc/interview-station/policy.json`.
 */
export function policyFilePath(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string {
  if (platform === 'win32') return path.win32.join(env['ProgramData'] ?? 'C:\\ProgramData', VENDOR_DIR.win32, 'policy.json');
  if (platform === 'darwin') return path.posix.join('/Library/Application Support', VENDOR_DIR.darwin, 'policy.json');
  return path.posix.join('/etc', VENDOR_DIR.linux, 'policy.json');
}

/** Per-user settings, in the station's own data folder. */
export function userSettingsPath(dataDir: string): string {
  return path.join(dataDir, 'settings.json');
}
