/**
 * How `npm run dist` signs, decided from the environment alone: nothing secret is in the repo or
 * on the command line (electron-builder reads certificate passwords and Apple/Azure credentials
 * from the environment itself). The plan's lines are printed before the build; an unsigned build
 * says so.
 */
export interface SigningPlan {
  /** Extra electron-builder arguments (names and switches only, never a secret). */
  readonly args: string[];
  /** What the build will and will not do, for the release log. */
  readonly lines: string[];
  readonly signed: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

const has = (env: Env, ...names: string[]): boolean => names.every((name) => (env[name] ?? '').length > 0);

/** Azure Artifact Signing (formerly Trusted Signing): the account settings; Entra ID credentials stay in the environment. */
const AZURE = {
  endpoint: 'AZURE_SIGNING_ENDPOINT',
  codeSigningAccountName: 'AZURE_SIGNING_ACCOUNT',
  certificateProfileName: 'AZURE_SIGNING_PROFILE',
  publisherName: 'AZURE_SIGNING_PUBLISHER',
} as const;

function windows(env: Env): SigningPlan {
  if (has(env, ...Object.values(AZURE))) {
    const entra = has(env, 'AZURE_TENANT_ID', 'AZURE_CLIENT_ID') ? [] : ['warning: AZURE_TENANT_ID / AZURE_CLIENT_ID (and a secret or certificate) are not set; signing will fail to authenticate'];
    return {
      args: Object.entries(AZURE).map(([option, name]) => `-c.win.azureSignOptions.${option}=${env[name] ?? ''}`),
      lines: [`Windows: signing with Azure Artifact Signing (account ${env[AZURE.codeSigningAccountName] ?? ''}, profile ${env[AZURE.certificateProfileName] ?? ''})`, ...entra],
      signed: true,
    };
  }
  if (has(env, 'WIN_CSC_LINK') || has(env, 'CSC_LINK')) {
    const password = has(env, 'WIN_CSC_KEY_PASSWORD') || has(env, 'CSC_KEY_PASSWORD') ? [] : ['warning: no WIN_CSC_KEY_PASSWORD / CSC_KEY_PASSWORD for the certificate file'];
    return { args: [], lines: ['Windows: signing with the certificate file in WIN_CSC_LINK / CSC_LINK', ...password], signed: true };
  }
  return {
    args: [],
    lines: ['UNSIGNED BUILD: no Windows signing settings (CSC_LINK + CSC_KEY_PASSWORD, or AZURE_SIGNING_*). SmartScreen will warn; do not deploy it.'],
    signed: false,
  };
}

function mac(env: Env): SigningPlan {
  const identity = has(env, 'CSC_LINK') || has(env, 'CSC_NAME');
  const notarize = has(env, 'APPLE_API_KEY', 'APPLE_API_KEY_ID', 'APPLE_API_ISSUER') || has(env, 'APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID') || has(env, 'APPLE_KEYCHAIN', 'APPLE_KEYCHAIN_PROFILE');
  if (!identity) {
    return {
      // Without an identity electron-builder would pick any in the keychain; say exactly what happens instead.
      args: ['-c.mac.identity=null', '-c.mac.notarize=false'],
      lines: ['UNSIGNED BUILD: no Developer ID certificate (CSC_LINK + CSC_KEY_PASSWORD, or CSC_NAME); ad-hoc signed, not notarized. Gatekeeper will refuse it; do not deploy it.'],
      signed: false,
    };
  }
  return {
    args: [`-c.mac.notarize=${String(notarize)}`],
    lines: [
      'macOS: signing with the Developer ID certificate from CSC_LINK / CSC_NAME, hardened runtime',
      notarize ? 'macOS: notarizing with the APPLE_* credentials in the environment' : 'NOT NOTARIZED: no APPLE_API_KEY/APPLE_API_KEY_ID/APPLE_API_ISSUER (or APPLE_ID/APPLE_APP_SPECIFIC_PASSWORD/APPLE_TEAM_ID); Gatekeeper will refuse it on other machines.',
    ],
    signed: notarize,
  };
}

export function signingPlan(platform: NodeJS.Platform, env: Env): SigningPlan {
  if (platform === 'win32') return windows(env);
  if (platform === 'darwin') return mac(env);
  return {
    args: [],
    lines: ['UNSIGNED BUILD (Linux): AppImage and deb carry no code signature; publish SHA-256 sums and sign your apt repository (docs/deployment.md).'],
    signed: false,
  };
}
